namespace Flint.Abstractions.Webhooks;

/// <summary>A URL that is sent the merchant's events, signed with the endpoint's secret.</summary>
[GenerateSerializer, Alias("flint.webhooks.create_endpoint")]
public sealed class CreateWebhookEndpointRequest
{
    /// <summary>http(s); in live mode not a loopback, link-local or private address.</summary>
    [Id(0)] public string? Url { get; set; }
    /// <summary>Event types (<c>order.paid</c>) or <c>*</c> for all.</summary>
    [Id(1)] public List<string>? EnabledEvents { get; set; }
    [Id(2)] public string? Description { get; set; }
    /// <summary>enabled (default) | disabled</summary>
    [Id(3)] public string? Status { get; set; }
    [Id(4)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.webhooks.update_endpoint")]
public sealed class UpdateWebhookEndpointRequest
{
    [Id(0)] public string? Url { get; set; }
    [Id(1)] public List<string>? EnabledEvents { get; set; }
    [Id(2)] public string? Description { get; set; }
    /// <summary>enabled | disabled (enabling a disabled endpoint starts deliveries again from the events after).</summary>
    [Id(3)] public string? Status { get; set; }
    [Id(4)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.webhooks.endpoint_view")]
public sealed record WebhookEndpointView : CatalogObjectView
{
    [Id(0)] public required string WebhookEndpointId { get; init; }
    [Id(1)] public required string Url { get; init; }
    [Id(2)] public required IReadOnlyList<string> EnabledEvents { get; init; }
    [Id(3)] public string? Description { get; init; }
    /// <summary>enabled | disabled | deleted</summary>
    [Id(4)] public required string Status { get; init; }
    /// <summary>Why the endpoint was disabled by Flint (deliveries failed for too long); null otherwise.</summary>
    [Id(5)] public string? DisabledReason { get; init; }
    /// <summary>The signing secret (<c>whsec_…</c>): only in the answer that creates or rolls it, never again.</summary>
    [Id(6)] public string? Secret { get; init; }
}

/// <summary>The secrets a delivery is signed with: the current one and, for 24 h after a roll, the previous one.</summary>
[GenerateSerializer, Alias("flint.webhooks.signing"), Immutable]
public sealed record WebhookSigning(
    [property: Id(0)] string Url,
    [property: Id(1)] bool Enabled,
    [property: Id(2)] IReadOnlyList<string> Secrets);

public interface IWebhookEndpointGrain : ICatalogObjectGrain<CreateWebhookEndpointRequest, UpdateWebhookEndpointRequest, WebhookEndpointView>
{
    /// <summary>A new secret, shown in the answer; the previous one keeps signing (beside it) for 24 hours.</summary>
    Task<WebhookEndpointView> RollSecret();
    /// <summary>For the delivery worker: where to send and what to sign with. RESOURCE_NOT_FOUND when missing.</summary>
    Task<WebhookSigning> Signing();
    /// <summary>Deliveries failed for too long: disabled, with an event (webhook_endpoint.disabled).</summary>
    Task<WebhookEndpointView> DisableForFailures(string reason);
}
