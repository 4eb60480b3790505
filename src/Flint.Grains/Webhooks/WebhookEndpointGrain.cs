using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Flint.Abstractions;
using Flint.Abstractions.Webhooks;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Webhooks;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Webhooks;

[GenerateSerializer, Alias("flint.webhooks.endpoint_state")]
public sealed class WebhookEndpointState : CatalogObjectState
{
    [Id(0)] public string Url { get; set; } = "";
    [Id(1)] public List<string> EnabledEvents { get; set; } = [];
    [Id(2)] public string? Description { get; set; }
    /// <summary>Active = enabled, Inactive = disabled (projection status <c>active</c>/<c>inactive</c>, which the
    /// database's fan-out of new events reads).</summary>
    [Id(3)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    [Id(4)] public string? DisabledReason { get; set; }
    [Id(5)] public string Secret { get; set; } = "";
    [Id(6)] public string? PreviousSecret { get; set; }
    [Id(7)] public DateTimeOffset? PreviousSecretUntil { get; set; }
}

/// <summary>
/// A webhook endpoint: where a merchant's events are sent and the secret they are signed with. The endpoint's
/// projection (kind <c>webhook_endpoint</c>: url, enabled events, status) is what the database reads when an event is
/// written, to queue a delivery for each endpoint that wants it (the trigger of deploy/sql/019_apps.sql); the secret stays in
/// the grain and is shown only by the answer that creates or rolls it.
/// </summary>
public sealed partial class WebhookEndpointGrain(
    [PersistentState("webhook_endpoint", StorageNames.Flint)] IPersistentState<WebhookEndpointState> store,
    DeepCopier<WebhookEndpointState> copier,
    TimeProvider clock) : CatalogGrain<WebhookEndpointState, WebhookEndpointView>(store, copier, clock), IWebhookEndpointGrain
{
    public const int MaxEvents = 100;

    protected override string Kind => WebhookEndpointProjection.Kind;

    public async Task<WebhookEndpointView> Create(CreateWebhookEndpointRequest r)
    {
        if (Exists) return await Current();
        var url = Url(r.Url);
        var events = Events(r.EnabledEvents ?? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "enabled_events is required (event types, or \"*\" for all).", "enabled_events"));
        var description = CatalogInput.Description(r.Description);
        var status = Status(r.Status, CatalogStatus.Active);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var secret = NewSecret();
        var view = await SaveNew(draft =>
        {
            draft.Url = url;
            draft.EnabledEvents = events;
            draft.Description = description;
            draft.Status = status;
            draft.Secret = secret;
            draft.Metadata = metadata;
        }, Now);
        // Shown once: the event and every later answer leave it out.
        return view with { Secret = secret };
    }

    public async Task<WebhookEndpointView> Update(UpdateWebhookEndpointRequest r)
    {
        EnsureEditable();
        if (r.Url is null && r.EnabledEvents is null && r.Description is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var url = r.Url is null ? State.Url : Url(r.Url);
        var events = r.EnabledEvents is null ? State.EnabledEvents : Events(r.EnabledEvents);
        var description = r.Description is null ? State.Description : CatalogInput.Description(r.Description);
        var status = Status(r.Status, State.Status);
        var metadata = CatalogInput.MetadataAfter(State.Metadata, r.Metadata);
        return await Save("updated", draft =>
        {
            draft.Url = url;
            draft.EnabledEvents = events;
            draft.Description = description;
            if (status != draft.Status) draft.DisabledReason = null;
            draft.Status = status;
            draft.Metadata = metadata;
        });
    }

    public async Task<WebhookEndpointView> RollSecret()
    {
        EnsureEditable();
        var secret = NewSecret();
        var until = Now + RolledSecrets.PreviousValidFor;
        var view = await Save("updated", draft =>
        {
            draft.PreviousSecret = draft.Secret;
            draft.PreviousSecretUntil = until;
            draft.Secret = secret;
        });
        return view with { Secret = secret };
    }

    public Task<WebhookSigning> Signing()
    {
        EnsureExists();
        var secrets = RolledSecrets.Valid(State.Secret, State.PreviousSecret, State.PreviousSecretUntil, Clock.GetUtcNow());
        return Task.FromResult(new WebhookSigning(State.Url, State.Status == CatalogStatus.Active, secrets));
    }

    public async Task<WebhookEndpointView> DisableForFailures(string reason)
    {
        EnsureExists();
        if (State.Status != CatalogStatus.Active) return await Current();
        return await Save("disabled", draft =>
        {
            draft.Status = CatalogStatus.Inactive;
            draft.DisabledReason = reason;
        });
    }

    protected override ValueTask<Func<WebhookEndpointState, WebhookEndpointView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(WebhookEndpointState s) =>
        CatalogProjection(s, ToView(s), s.Description, CatalogInput.SearchText([ObjectId, s.Url, s.Description]));

    private string Url(string? url) => WebhookUrl.Validate(url, liveMode: Tenant.Environment == Tenant.Live).ToString();

    private static CatalogStatus Status(string? value, CatalogStatus current) =>
        value is null ? current : WebhookEndpointStatuses.Settable(value, "status");

    [GeneratedRegex("^[a-z][a-z_]*(\\.[a-z_]+)+$")]
    private static partial Regex EventType();

    /// <summary>Event types as an endpoint (or an app's webhook) takes them: at least one, each like order.paid, or "*".</summary>
    internal static List<string> Events(List<string> values, string param = "enabled_events")
    {
        if (values.Count == 0) throw DomainException.Invalid("INVALID_FIELD", $"{param} needs at least one event type, or \"*\".", param);
        return CatalogInput.DistinctValues(values, param, MaxEvents, "event types", (v, p) => v is not null && (v == "*" || (v.Length <= 100 && EventType().IsMatch(v)))
            ? v
            : throw DomainException.Invalid("INVALID_FIELD", "An event type looks like order.paid; \"*\" is every event.", p));
    }

    internal static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private WebhookEndpointView ToView(WebhookEndpointState s) => new()
    {
        WebhookEndpointId = ObjectId,
        Url = s.Url,
        EnabledEvents = s.EnabledEvents,
        Description = s.Description,
        Status = SnakeCase.ToSnake(WebhookEndpointStatuses.Of(s.Status)),
        DisabledReason = s.DisabledReason,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
