using System.Globalization;
using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Abstractions.Tax;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class OrdersResource(FlintTransport t)
{
    private static string Of(string orderId) => $"/v1/orders/{Segment(orderId)}";
    private static string Version(long? version) => version is { } v ? "?version=" + v.ToString(CultureInfo.InvariantCulture) : "";

    public Task<OrderView> CreateAsync(CreateOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, "/v1/orders", request, options?.IdempotencyKey, ct);
    /// <summary>The order's totals, computed and not saved (its order_id is null).</summary>
    public Task<OrderView> CalculateAsync(CreateOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, "/v1/orders/calculate", request, options?.IdempotencyKey, ct);
    public Task<OrderView> GetAsync(string orderId, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Get, Of(orderId), null, null, ct);
    /// <summary>Filters: Status, CustomerId, Source, SubscriptionId, LocationId.</summary>
    public IAsyncEnumerable<OrderView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<OrderView>("/v1/orders", options, ct);
    public Task<OrderView> UpdateAsync(string orderId, UpdateOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Patch, Of(orderId), request, options?.IdempotencyKey, ct);
    public Task<OrderView> AddLineItemAsync(string orderId, AddLineItemRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/line-items", request, options?.IdempotencyKey, ct);
    public Task<OrderView> UpdateLineItemAsync(string orderId, string lineItemId, UpdateLineItemRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Patch, Of(orderId) + $"/line-items/{Segment(lineItemId)}", request, options?.IdempotencyKey, ct);
    /// <param name="version">The order's version: refused with 409 when the order has moved on (null: not checked).</param>
    public Task<OrderView> RemoveLineItemAsync(string orderId, string lineItemId, long? version = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Delete, Of(orderId) + $"/line-items/{Segment(lineItemId)}" + Version(version), null, options?.IdempotencyKey, ct);
    public Task<OrderView> ApplyCouponAsync(string orderId, ApplyCouponRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/apply-coupon", request, options?.IdempotencyKey, ct);
    public Task<OrderView> RemoveCouponAsync(string orderId, string couponCode, long? version = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Delete, Of(orderId) + $"/coupons/{Segment(couponCode)}" + Version(version), null, options?.IdempotencyKey, ct);
    public Task<OrderView> AddDiscountAsync(string orderId, AddDiscountRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/discounts", request, options?.IdempotencyKey, ct);
    public Task<OrderView> RemoveDiscountAsync(string orderId, string discountId, long? version = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Delete, Of(orderId) + $"/discounts/{Segment(discountId)}" + Version(version), null, options?.IdempotencyKey, ct);
    public Task<OrderView> CancelAsync(string orderId, OrderVersionRequest? request = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/cancel", request ?? new OrderVersionRequest(), options?.IdempotencyKey, ct);
    /// <summary>Pays the balance (or part of it); a decline is a <see cref="FlintError"/> 402 PAYMENT_DECLINED.</summary>
    public Task<PayOrderResult> PayAsync(string orderId, PayOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PayOrderResult>(HttpMethod.Post, Of(orderId) + "/pay", request, options?.IdempotencyKey, ct);
    /// <summary>Refunds part or all of the order's payments (the same call as <c>Refunds.CreateAsync</c>).</summary>
    public Task<RefundOrderResult> RefundAsync(string orderId, CreateRefundRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<RefundOrderResult>(HttpMethod.Post, Of(orderId) + "/refunds", request, options?.IdempotencyKey, ct);
    /// <summary>A hosted checkout page for the order (its url is where the buyer pays).</summary>
    public Task<CheckoutSessionView> CreateCheckoutSessionAsync(string orderId, OrderCheckoutSessionRequest? request = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CheckoutSessionView>(HttpMethod.Post, Of(orderId) + "/checkout-session", request ?? new OrderCheckoutSessionRequest(), options?.IdempotencyKey, ct);
}

public sealed class PaymentsResource(FlintTransport t)
{
    public Task<PaymentView> GetAsync(string paymentId, CancellationToken ct = default) =>
        t.Send<PaymentView>(HttpMethod.Get, $"/v1/payments/{Segment(paymentId)}", null, null, ct);
    /// <summary>Filters: Status, OrderId, CustomerId, LocationId.</summary>
    public IAsyncEnumerable<PaymentView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<PaymentView>("/v1/payments", options, ct);
}

public sealed class RefundsResource(FlintTransport t)
{
    /// <summary>Refunds part or all of an order's payments: <c>POST /v1/orders/{order_id}/refunds</c>.</summary>
    public Task<RefundOrderResult> CreateAsync(string orderId, CreateRefundRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<RefundOrderResult>(HttpMethod.Post, $"/v1/orders/{Segment(orderId)}/refunds", request, options?.IdempotencyKey, ct);
    public Task<RefundView> GetAsync(string refundId, CancellationToken ct = default) =>
        t.Send<RefundView>(HttpMethod.Get, $"/v1/refunds/{Segment(refundId)}", null, null, ct);
    public IAsyncEnumerable<RefundView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<RefundView>("/v1/refunds", options, ct);
}

public sealed class CouponsResource(FlintTransport t) : ObjectsResource<CouponView, CouponRequest, CouponRequest>(t, "/v1/coupons");

public sealed class TaxRatesResource(FlintTransport t) : ObjectsResource<TaxRateView, TaxRateRequest, TaxRateRequest>(t, "/v1/tax-rates");

/// <summary>Events as the API shows them (id, type, created_at, data.object), newest first.</summary>
public sealed class EventsResource(FlintTransport t)
{
    /// <summary>Filter: Type (e.g. order.paid).</summary>
    public IAsyncEnumerable<EventView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<EventView>("/v1/events", options, ct);
}
