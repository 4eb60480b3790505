using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Abstractions.Webhooks;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Domain.Catalog;
using Flint.Domain.Webhooks;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Webhooks;
using Orleans.Serialization;

namespace Flint.Grains.Apps;

[GenerateSerializer, Alias("flint.apps.app_state")]
public sealed class PartnerAppState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public List<string> RedirectUris { get; set; } = [];
    [Id(2)] public List<string> Scopes { get; set; } = [];
    [Id(3)] public string? WebhookUrl { get; set; }
    [Id(4)] public List<string> EnabledEvents { get; set; } = [];
    [Id(5)] public string? LogoUrl { get; set; }
    [Id(6)] public string? Description { get; set; }
    [Id(7)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    /// <summary>SHA-256 (hex) of the client secret; the secret itself is never kept.</summary>
    [Id(8)] public string SecretHash { get; set; } = "";
    [Id(9)] public string? PreviousSecretHash { get; set; }
    [Id(10)] public DateTimeOffset? PreviousSecretUntil { get; set; }
    /// <summary>Signs the app's webhooks, so it is kept as it is (a signature needs the secret itself).</summary>
    [Id(11)] public string WebhookSecret { get; set; } = "";
    [Id(12)] public string? PreviousWebhookSecret { get; set; }
    [Id(13)] public DateTimeOffset? PreviousWebhookSecretUntil { get; set; }
}

/// <summary>
/// A partner app: what it may ask merchants for (scopes), where merchants are sent back after approving
/// (redirect URIs, matched exactly), where its webhooks go, and its client secret (kept as a hash). Its id is the
/// OAuth client_id. It checks install requests (<see cref="Consent"/>); the installs themselves are installation
/// grains in each merchant's tenant.
/// </summary>
public sealed class PartnerAppGrain(
    [PersistentState("partner_app", StorageNames.Flint)] IPersistentState<PartnerAppState> store,
    DeepCopier<PartnerAppState> copier,
    TimeProvider clock) : CatalogGrain<PartnerAppState, PartnerAppView>(store, copier, clock), IPartnerAppGrain
{

    protected override string Kind => PartnerAppProjection.Kind;

    private bool TestApp => Tenant.Environment == Tenant.Test;

    public async Task<PartnerAppView> Create(CreatePartnerAppRequest r)
    {
        if (Exists) return await Current();
        var name = CatalogInput.Name(r.Name);
        var redirects = RedirectUris(r.RedirectUris ?? throw DomainException.Missing("redirect_uris"));
        var scopes = AppScopes.Parse(r.Scopes ?? throw DomainException.Missing("scopes"), "scopes");
        var webhook = WebhookUrl(r.WebhookUrl);
        var events = r.EnabledEvents is null ? (webhook is null ? [] : ["*"]) : WebhookEndpointGrain.Events(r.EnabledEvents);
        var logo = LogoUrl(r.LogoUrl);
        var description = CatalogInput.Description(r.Description);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var secret = AppClientSecret.New();
        var webhookSecret = WebhookEndpointGrain.NewSecret();
        var view = await SaveNew(s =>
        {
            s.Name = name;
            s.RedirectUris = redirects;
            s.Scopes = scopes;
            s.WebhookUrl = webhook;
            s.EnabledEvents = events;
            s.LogoUrl = logo;
            s.Description = description;
            s.Metadata = metadata;
            s.SecretHash = AppClientSecret.HashOf(secret);
            s.WebhookSecret = webhookSecret;
        }, Now);
        // Shown once: the event and every later answer leave them out.
        return view with { ClientSecret = secret, WebhookSecret = webhookSecret };
    }

    public async Task<PartnerAppView> Update(UpdatePartnerAppRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.RedirectUris is null && r.Scopes is null && r.WebhookUrl is null && r.EnabledEvents is null
            && r.LogoUrl is null && r.Description is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var name = r.Name is null ? State.Name : CatalogInput.Name(r.Name);
        var redirects = r.RedirectUris is null ? State.RedirectUris : RedirectUris(r.RedirectUris);
        var scopes = r.Scopes is null ? State.Scopes : AppScopes.Parse(r.Scopes, "scopes");
        var webhook = r.WebhookUrl is null ? State.WebhookUrl : WebhookUrl(r.WebhookUrl);
        var events = r.EnabledEvents is null ? State.EnabledEvents : WebhookEndpointGrain.Events(r.EnabledEvents);
        if (webhook is not null && events.Count == 0) events = ["*"];
        var logo = r.LogoUrl is null ? State.LogoUrl : LogoUrl(r.LogoUrl);
        var description = r.Description is null ? State.Description : CatalogInput.Description(r.Description);
        var metadata = CatalogInput.MetadataAfter(State.Metadata, r.Metadata);
        return await Save("updated", s =>
        {
            s.Name = name;
            s.RedirectUris = redirects;
            s.Scopes = scopes;
            s.WebhookUrl = webhook;
            s.EnabledEvents = events;
            s.LogoUrl = logo;
            s.Description = description;
            s.Metadata = metadata;
        });
    }

    public async Task<PartnerAppView> RollSecret()
    {
        EnsureEditable();
        var secret = AppClientSecret.New();
        var until = Now + RolledSecrets.PreviousValidFor;
        var view = await Save("updated", s =>
        {
            s.PreviousSecretHash = s.SecretHash;
            s.PreviousSecretUntil = until;
            s.SecretHash = AppClientSecret.HashOf(secret);
        });
        return view with { ClientSecret = secret };
    }

    public async Task<PartnerAppView> RollWebhookSecret()
    {
        EnsureEditable();
        var secret = WebhookEndpointGrain.NewSecret();
        var until = Now + RolledSecrets.PreviousValidFor;
        var view = await Save("updated", s =>
        {
            s.PreviousWebhookSecret = s.WebhookSecret;
            s.PreviousWebhookSecretUntil = until;
            s.WebhookSecret = secret;
        });
        return view with { WebhookSecret = secret };
    }

    public Task<WebhookSigning> WebhookSigning()
    {
        var secrets = RolledSecrets.Valid(State.WebhookSecret, State.PreviousWebhookSecret, State.PreviousWebhookSecretUntil, Clock.GetUtcNow());
        var enabled = Exists && State.Status != CatalogStatus.Deleted && State.WebhookUrl is not null;
        return Task.FromResult(new WebhookSigning(State.WebhookUrl ?? "", enabled, secrets));
    }

    public Task<bool> IsActive() => Task.FromResult(Exists && State.Status != CatalogStatus.Deleted);

    public Task<bool> VerifyClient(string? clientSecret)
    {
        if (!Exists || State.Status == CatalogStatus.Deleted || clientSecret is null) return Task.FromResult(false);
        var hashes = RolledSecrets.Valid(State.SecretHash, State.PreviousSecretHash, State.PreviousSecretUntil, Clock.GetUtcNow());
        return Task.FromResult(hashes.Any(hash => AppClientSecret.Matches(clientSecret, hash)));
    }

    public Task<ConsentAnswer> Consent(AuthorizationRequest r) => Task.FromResult(Check(r));

    /// <summary>RFC 6749 §4.1.2.1: an unknown client or a redirect URI the app did not register is told to the merchant
    /// only (never a redirect to an address nobody vouched for); every other fault goes back to the app.</summary>
    private ConsentAnswer Check(AuthorizationRequest r)
    {
        if (!Exists || State.Status == CatalogStatus.Deleted)
            return Refused("invalid_client", "There is no such app.", redirect: false, null);
        var redirect = r.RedirectUri ?? (State.RedirectUris.Count == 1 ? State.RedirectUris[0] : null);
        if (redirect is null || !State.RedirectUris.Contains(redirect, StringComparer.Ordinal))
            return Refused("invalid_request", "The redirect_uri is not one this app registered.", redirect: false, null);
        if (r.ResponseType != "code")
            return Refused("unsupported_response_type", "Only response_type=code is supported.", redirect: true, redirect);
        var environment = r.Environment ?? Tenant.Test;
        if (environment is not (Tenant.Test or Tenant.Live))
            return Refused("invalid_request", "environment is test or live.", redirect: true, redirect);
        if (environment == Tenant.Live && TestApp)
            return Refused("invalid_request", "An app registered in the test environment installs only in test environments.", redirect: true, redirect);
        if (r.CodeChallenge is not null || r.CodeChallengeMethod is not null)
        {
            if (r.CodeChallengeMethod != "S256")
                return Refused("invalid_request", "code_challenge_method must be S256.", redirect: true, redirect);
            if (r.CodeChallenge is null || !OAuthRules.IsCodeChallenge(r.CodeChallenge))
                return Refused("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier (43 characters).", redirect: true, redirect);
        }
        List<string> scopes;
        try
        {
            scopes = string.IsNullOrWhiteSpace(r.Scope) ? State.Scopes : AppScopes.ParseOAuth(r.Scope);
        }
        catch (DomainException e)
        {
            return Refused("invalid_scope", e.Message, redirect: true, redirect);
        }
        if (scopes.FirstOrDefault(s => !State.Scopes.Contains(s)) is { } extra)
            return Refused("invalid_scope", $"This app may not ask for {extra}.", redirect: true, redirect);
        return new ConsentAnswer(new AppConsent(ObjectId, State.Name, State.Description, scopes, redirect, environment, r.CodeChallenge, State.CreatedAt,
            Tenant.MerchantId, Tenant.Environment, State.WebhookUrl is null ? [] : State.EnabledEvents), null, redirect);
    }

    private static ConsentAnswer Refused(string error, string description, bool redirect, string? redirectUri) =>
        new(null, new ConsentRefusal(error, description, redirect), redirectUri);

    private List<string> RedirectUris(List<string> values)
    {
        if (values.Count == 0) throw DomainException.Invalid("INVALID_FIELD", "redirect_uris needs at least one URI.", "redirect_uris");
        return CatalogInput.DistinctValues(values, "redirect_uris", OAuthRules.MaxRedirectUris, "redirect URIs",
            (v, p) => OAuthRules.RedirectUri(v, TestApp, p));
    }

    private string? WebhookUrl(string? value) =>
        string.IsNullOrEmpty(value) ? null : Flint.Domain.Webhooks.WebhookUrl.Validate(value, liveMode: !TestApp, "webhook_url").ToString();

    private static string? LogoUrl(string? value) =>
        string.IsNullOrEmpty(value) ? null : Flint.Domain.Webhooks.WebhookUrl.Validate(value, liveMode: true, "logo_url").ToString();

    protected override ValueTask<Func<PartnerAppState, PartnerAppView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(PartnerAppState s) =>
        CatalogProjection(s, ToView(s), s.Name, CatalogInput.SearchText([ObjectId, s.Name, s.Description]));

    private PartnerAppView ToView(PartnerAppState s) => new()
    {
        PartnerAppId = ObjectId,
        ClientId = ObjectId,
        Name = s.Name,
        RedirectUris = s.RedirectUris,
        Scopes = s.Scopes,
        WebhookUrl = s.WebhookUrl,
        EnabledEvents = s.EnabledEvents,
        LogoUrl = s.LogoUrl,
        Description = s.Description,
        Status = SnakeCase.ToSnake(s.Status),
        Environment = Tenant.Environment,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
