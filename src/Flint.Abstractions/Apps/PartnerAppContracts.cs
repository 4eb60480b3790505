namespace Flint.Abstractions.Apps;

/// <summary>A partner app, registered by a developer merchant (its key's environment is the app's).</summary>
[GenerateSerializer, Alias("flint.apps.create_app")]
public sealed class CreatePartnerAppRequest
{
    [Id(0)] public string? Name { get; set; }
    /// <summary>Where /oauth/authorize may send the merchant back (exact match): https; http only to a loopback host
    /// for an app of the test environment.</summary>
    [Id(1)] public List<string>? RedirectUris { get; set; }
    /// <summary>The scopes the app may ask merchants for (orders:read, orders:write, …).</summary>
    [Id(2)] public List<string>? Scopes { get; set; }
    /// <summary>Where the events of every merchant that installed the app are sent.</summary>
    [Id(3)] public string? WebhookUrl { get; set; }
    /// <summary>Event types (order.paid) or "*", for the webhook_url.</summary>
    [Id(4)] public List<string>? EnabledEvents { get; set; }
    [Id(5)] public string? LogoUrl { get; set; }
    [Id(6)] public string? Description { get; set; }
    [Id(7)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.apps.update_app")]
public sealed class UpdatePartnerAppRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public List<string>? RedirectUris { get; set; }
    [Id(2)] public List<string>? Scopes { get; set; }
    /// <summary>"" removes it.</summary>
    [Id(3)] public string? WebhookUrl { get; set; }
    [Id(4)] public List<string>? EnabledEvents { get; set; }
    /// <summary>"" removes it.</summary>
    [Id(5)] public string? LogoUrl { get; set; }
    /// <summary>"" removes it.</summary>
    [Id(6)] public string? Description { get; set; }
    [Id(7)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.apps.app_view")]
public sealed record PartnerAppView : CatalogObjectView
{
    [Id(0)] public required string PartnerAppId { get; init; }
    /// <summary>The OAuth client_id (the app's id).</summary>
    [Id(1)] public required string ClientId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required IReadOnlyList<string> RedirectUris { get; init; }
    [Id(4)] public required IReadOnlyList<string> Scopes { get; init; }
    [Id(5)] public string? WebhookUrl { get; init; }
    [Id(6)] public required IReadOnlyList<string> EnabledEvents { get; init; }
    [Id(7)] public string? LogoUrl { get; init; }
    [Id(8)] public string? Description { get; init; }
    /// <summary>active | deleted</summary>
    [Id(9)] public required string Status { get; init; }
    /// <summary>The environment the app was registered in: a test app installs only in test environments; a live app
    /// in either.</summary>
    [Id(10)] public required string Environment { get; init; }
    /// <summary>The OAuth client secret (appsec_…): only in the answer that creates or rolls it, never again.</summary>
    [Id(11)] public string? ClientSecret { get; init; }
    /// <summary>The secret the app's webhooks are signed with (whsec_…, the scheme of merchant webhooks): only in the
    /// answer that creates or rolls it.</summary>
    [Id(12)] public string? WebhookSecret { get; init; }
}

/// <summary>A merchant's request to install an app, as /oauth/authorize received it.</summary>
[GenerateSerializer, Alias("flint.apps.authorization_request"), Immutable]
public sealed record AuthorizationRequest(
    [property: Id(0)] string? ResponseType,
    [property: Id(1)] string? RedirectUri,
    [property: Id(2)] string? Scope,
    [property: Id(3)] string? CodeChallenge,
    [property: Id(4)] string? CodeChallengeMethod,
    [property: Id(5)] string? Environment);

/// <summary>What the merchant is asked to approve, checked against the app: a redirect URI it registered, scopes it
/// may ask for, an environment it may be installed in.</summary>
[GenerateSerializer, Alias("flint.apps.consent"), Immutable]
public sealed record AppConsent(
    [property: Id(0)] string AppId,
    [property: Id(1)] string AppName,
    [property: Id(2)] string? Description,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] string RedirectUri,
    [property: Id(5)] string Environment,
    [property: Id(6)] string? CodeChallenge,
    /// <summary>When the app was made: the seed of its installations' ids.</summary>
    [property: Id(7)] DateTimeOffset AppCreatedAt,
    /// <summary>The developer's tenant (where the app grain is).</summary>
    [property: Id(8)] string AppMerchantId,
    [property: Id(9)] string AppEnvironment,
    /// <summary>The event types (or "*") the app's webhook_url takes.</summary>
    [property: Id(10)] IReadOnlyList<string> EnabledEvents);

/// <summary>Why an authorization request is refused, in OAuth's words (RFC 6749 §4.1.2.1). <see cref="Redirect"/>:
/// the refusal goes back to the app's redirect URI; otherwise (an unknown client or redirect URI) only the merchant is
/// told, on a page.</summary>
[GenerateSerializer, Alias("flint.apps.consent_refusal"), Immutable]
public sealed record ConsentRefusal(
    [property: Id(0)] string Error,
    [property: Id(1)] string Description,
    [property: Id(2)] bool Redirect);

[GenerateSerializer, Alias("flint.apps.consent_answer"), Immutable]
public sealed record ConsentAnswer(
    [property: Id(0)] AppConsent? Consent,
    [property: Id(1)] ConsentRefusal? Refusal,
    /// <summary>The registered redirect URI the request named (set when it is one of the app's).</summary>
    [property: Id(2)] string? RedirectUri);

public interface IPartnerAppGrain : ICatalogObjectGrain<CreatePartnerAppRequest, UpdatePartnerAppRequest, PartnerAppView>
{
    /// <summary>A new client secret, shown in the answer; the previous one keeps working for 24 hours.</summary>
    Task<PartnerAppView> RollSecret();
    /// <summary>A new webhook signing secret, shown in the answer; the previous one keeps signing beside it for 24 hours.</summary>
    Task<PartnerAppView> RollWebhookSecret();
    /// <summary>Where the app's webhooks go and what they are signed with (disabled without a webhook_url).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<Flint.Abstractions.Webhooks.WebhookSigning> WebhookSigning();
    /// <summary>Whether <paramref name="clientSecret"/> is the app's (current, or previous within 24 h of a roll).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> VerifyClient(string? clientSecret);
    /// <summary>Whether the app exists and is not deleted (a deleted app's tokens can no longer be refreshed).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> IsActive();
    /// <summary>Checks an install request against the app (a deleted or missing app is an unknown client).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ConsentAnswer> Consent(AuthorizationRequest request);
}
