using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Abstractions.Webhooks;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

/// <summary>Where events are sent; an endpoint's signing secret is in the answer only when it is made or rolled.</summary>
public sealed class WebhookEndpointsResource(FlintTransport t) : ObjectsResource<WebhookEndpointView, CreateWebhookEndpointRequest, UpdateWebhookEndpointRequest>(t, "/v1/webhook-endpoints")
{
    /// <summary>A new signing secret (shown this once).</summary>
    public Task<WebhookEndpointView> RollSecretAsync(string endpointId, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<WebhookEndpointView>(HttpMethod.Post, Of(endpointId) + "/roll-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
    public IAsyncEnumerable<WebhookDeliveryView> ListDeliveriesAsync(string endpointId, ListOptions? options = null, CancellationToken ct = default) =>
        Transport.List<WebhookDeliveryView>(Of(endpointId) + "/deliveries", options, ct);
    /// <summary>Sends the delivery's event again, now.</summary>
    public Task<WebhookDeliveryView> ResendDeliveryAsync(string endpointId, string deliveryId, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<WebhookDeliveryView>(HttpMethod.Post, Of(endpointId) + $"/deliveries/{Segment(deliveryId)}/resend", new EmptyRequest(), options?.IdempotencyKey, ct);
}

/// <summary>The partner apps a developer registers (their client id and secret, redirect URIs, scopes).</summary>
public sealed class PartnerAppsResource(FlintTransport t) : ObjectsResource<PartnerAppView, CreatePartnerAppRequest, UpdatePartnerAppRequest>(t, "/v1/partner-apps")
{
    public Task<PartnerAppView> RollSecretAsync(string appId, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<PartnerAppView>(HttpMethod.Post, Of(appId) + "/roll-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
    public Task<PartnerAppView> RollWebhookSecretAsync(string appId, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<PartnerAppView>(HttpMethod.Post, Of(appId) + "/roll-webhook-secret", new EmptyRequest(), options?.IdempotencyKey, ct);
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
