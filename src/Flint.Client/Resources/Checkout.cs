using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

/// <summary>Hosted checkout pages: the session's url is where the buyer pays.</summary>
public sealed class CheckoutSessionsResource(FlintTransport t)
{
    private static string Of(string sessionId) => $"/v1/checkout-sessions/{Segment(sessionId)}";

    public Task<CheckoutSessionView> CreateAsync(CreateCheckoutSessionRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CheckoutSessionView>(HttpMethod.Post, "/v1/checkout-sessions", request, options?.IdempotencyKey, ct);
    public Task<CheckoutSessionView> GetAsync(string sessionId, CancellationToken ct = default) =>
        t.Send<CheckoutSessionView>(HttpMethod.Get, Of(sessionId), null, null, ct);
    public IAsyncEnumerable<CheckoutSessionView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<CheckoutSessionView>("/v1/checkout-sessions", options, ct);
    public Task<CheckoutSessionView> UpdateAsync(string sessionId, UpdateCheckoutSessionRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CheckoutSessionView>(HttpMethod.Patch, Of(sessionId), request, options?.IdempotencyKey, ct);
    /// <summary>Ends an open session at once (its page stops taking payments; held stock goes back).</summary>
    public Task<CheckoutSessionView> ExpireAsync(string sessionId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CheckoutSessionView>(HttpMethod.Post, Of(sessionId) + "/expire", new EmptyRequest(), options?.IdempotencyKey, ct);
}

/// <summary>Reusable links: each visit makes an order and a checkout session.</summary>
public sealed class PaymentLinksResource(FlintTransport t) : ObjectsResource<PaymentLinkView, CreatePaymentLinkRequest, UpdatePaymentLinkRequest>(t, "/v1/payment-links");
