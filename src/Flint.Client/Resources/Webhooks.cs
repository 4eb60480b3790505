using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Abstractions.Webhooks;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class WebhookEndpointsResource(FlintTransport t)
{
    private static string Of(string endpointId) => $"/v1/webhook-endpoints/{Segment(endpointId)}";

    /// <summary>The answer's secret (to check signatures) is shown this once.</summary>
    public Task<WebhookEndpointView> CreateAsync(CreateWebhookEndpointRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<WebhookEndpointView>(HttpMethod.Post, "/v1/webhook-endpoints", request, options?.IdempotencyKey, ct);
    public Task<WebhookEndpointView> GetAsync(string endpointId, CancellationToken ct = default) =>
        t.Send<WebhookEndpointView>(HttpMethod.Get, Of(endpointId), null, null, ct);
    public IAsyncEnumerable<WebhookEndpointView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<WebhookEndpointView>("/v1/webhook-endpoints", options, ct);
    public Task<WebhookEndpointView> UpdateAsync(string endpointId, UpdateWebhookEndpointRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<WebhookEndpointView>(HttpMethod.Patch, Of(endpointId), request, options?.IdempotencyKey, ct);
    public Task<WebhookEndpointView> DeleteAsync(string endpointId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<WebhookEndpointView>(HttpMethod.Delete, Of(endpointId), null, options?.IdempotencyKey, ct);
    /// <summary>A new signing secret (shown this once).</summary>
    public Task<WebhookEndpointView> RollSecretAsync(string endpointId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<WebhookEndpointView>(HttpMethod.Post, Of(endpointId) + "/roll-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
    public IAsyncEnumerable<WebhookDeliveryView> ListDeliveriesAsync(string endpointId, ListOptions? options = null, CancellationToken ct = default) =>
        t.List<WebhookDeliveryView>(Of(endpointId) + "/deliveries", options, ct);
    /// <summary>Sends the delivery's event again, now.</summary>
    public Task<WebhookDeliveryView> ResendDeliveryAsync(string endpointId, string deliveryId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<WebhookDeliveryView>(HttpMethod.Post, Of(endpointId) + $"/deliveries/{Segment(deliveryId)}/resend", new EmptyRequest(), options?.IdempotencyKey, ct);
}

/// <summary>The partner apps a developer registers (their client id and secret, redirect URIs, scopes).</summary>
public sealed class PartnerAppsResource(FlintTransport t)
{
    private static string Of(string appId) => $"/v1/partner-apps/{Segment(appId)}";

    public Task<PartnerAppView> CreateAsync(CreatePartnerAppRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Post, "/v1/partner-apps", request, options?.IdempotencyKey, ct);
    public Task<PartnerAppView> GetAsync(string appId, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Get, Of(appId), null, null, ct);
    public IAsyncEnumerable<PartnerAppView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<PartnerAppView>("/v1/partner-apps", options, ct);
    public Task<PartnerAppView> UpdateAsync(string appId, UpdatePartnerAppRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Patch, Of(appId), request, options?.IdempotencyKey, ct);
    public Task<PartnerAppView> DeleteAsync(string appId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Delete, Of(appId), null, options?.IdempotencyKey, ct);
    public Task<PartnerAppView> RollSecretAsync(string appId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Post, Of(appId) + "/roll-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
    public Task<PartnerAppView> RollWebhookSecretAsync(string appId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PartnerAppView>(HttpMethod.Post, Of(appId) + "/roll-webhook-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
}

/// <summary>The apps installed on the merchant's account; deleting one uninstalls it (its tokens stop at once).</summary>
public sealed class InstallationsResource(FlintTransport t)
{
    private static string Of(string installationId) => $"/v1/installations/{Segment(installationId)}";

    public Task<InstallationView> GetAsync(string installationId, CancellationToken ct = default) =>
        t.Send<InstallationView>(HttpMethod.Get, Of(installationId), null, null, ct);
    public IAsyncEnumerable<InstallationView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<InstallationView>("/v1/installations", options, ct);
    public Task<InstallationView> DeleteAsync(string installationId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<InstallationView>(HttpMethod.Delete, Of(installationId), null, options?.IdempotencyKey, ct);
}
