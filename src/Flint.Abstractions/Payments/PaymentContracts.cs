using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Abstractions.Payments;

[GenerateSerializer, Alias("flint.payments.source_input")]
public sealed class PaymentSourceInput
{
    /// <summary>A card token (tok_visa, …).</summary>
    [Id(0)] public string? Token { get; set; }
    /// <summary>A card saved on the order's customer (POST /v1/customers/{id}/payment-methods).</summary>
    [Id(1)] public string? CustomerPaymentMethodId { get; set; }
    /// <summary>card (default) | cash</summary>
    [Id(2)] public string? Type { get; set; }
    /// <summary>Part of the balance this source pays; for cash without tendered_money, the amount tendered (it pays up
    /// to what is due; the rest is change). Absent = the rest of the balance.</summary>
    [Id(3)] public MoneyInput? AmountMoney { get; set; }
    /// <summary>Cash only: what the buyer handed over (at least what this cash pays); the difference is the change.</summary>
    [Id(4)] public MoneyInput? TenderedMoney { get; set; }
}

[GenerateSerializer, Alias("flint.payments.pay_order")]
public sealed class PayOrderRequest : OrderVersionRequest
{
    /// <summary>Shorthand: one token pays the whole balance.</summary>
    [Id(0)] public List<string>? PaymentSourceTokens { get; set; }
    /// <summary>Split tender and partial payment.</summary>
    [Id(1)] public List<PaymentSourceInput>? PaymentSources { get; set; }
    /// <summary>Added to the order (neither discounted nor taxed) and paid with it.</summary>
    [Id(2)] public MoneyInput? TipMoney { get; set; }
    [Id(3)] public string? BuyerEmail { get; set; }
    /// <summary>api | checkout | payment_link | pos | subscription</summary>
    [Id(4)] public string? Source { get; set; }
}

/// <summary>
/// Which client attempt a pay call belongs to: the request's Idempotency-Key, handed over by the API's one
/// idempotency layer (never read from the body). A retry of a pay whose answer was lost with its process gets that
/// attempt's outcome instead of a conflict with itself.
/// </summary>
[GenerateSerializer, Alias("flint.payments.pay_attempt"), Immutable]
public sealed record PayAttempt([property: Id(0)] string? IdempotencyKey)
{
    /// <summary>A pay sent without an Idempotency-Key: no earlier attempt can be recognised.</summary>
    public static PayAttempt Unkeyed { get; } = new((string?)null);
}

[GenerateSerializer, Immutable, Alias("flint.payments.payment_view")]
public sealed record PaymentView
{
    [Id(0)] public required string PaymentId { get; init; }
    [Id(1)] public required string OrderId { get; init; }
    [Id(2)] public string? CustomerId { get; init; }
    /// <summary>pending | succeeded | failed | partially_refunded | refunded</summary>
    [Id(3)] public required string Status { get; init; }
    /// <summary>What this payment applied to the order (tip included).</summary>
    [Id(4)] public required Money AmountMoney { get; init; }
    [Id(5)] public required Money TipMoney { get; init; }
    /// <summary>card | cash</summary>
    [Id(6)] public required string SourceType { get; init; }
    [Id(7)] public string? CardBrand { get; init; }
    [Id(8)] public string? CardLast4 { get; init; }
    [Id(9)] public string? ProcessorReference { get; init; }
    [Id(10)] public string? DeclineCode { get; init; }
    [Id(11)] public required Money RefundedMoney { get; init; }
    [Id(12)] public Money? TenderedMoney { get; init; }
    [Id(13)] public Money? ChangeBackMoney { get; init; }
    [Id(14)] public string? BuyerEmail { get; init; }
    [Id(15)] public string? CustomerPaymentMethodId { get; init; }
    [Id(16)] public DateTimeOffset CreatedAt { get; init; }
    [Id(17)] public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Who asked for it: api_key:key_… or app:app_… (a partner app); null for a subscription's charge.</summary>
    [Id(18)] public string? CreatedBy { get; init; }
    /// <summary>The channel it was taken through: api | checkout | payment_link | pos | subscription.</summary>
    [Id(19)] public required string Source { get; init; }
    /// <summary>The paired device that took it (source pos), and the location it works at; null otherwise.</summary>
    [Id(20)] public string? DeviceId { get; init; }
    [Id(21)] public string? LocationId { get; init; }
}

[GenerateSerializer, Immutable, Alias("flint.payments.pay_result")]
public sealed record PayOrderResult(
    [property: Id(0)] OrderView Order,
    [property: Id(1)] IReadOnlyList<PaymentView> Payments);

[GenerateSerializer, Alias("flint.payments.restock_input")]
public sealed class RestockLineInput
{
    [Id(0)] public string? LineItemId { get; set; }
    [Id(1)] public long? Quantity { get; set; }
}

[GenerateSerializer, Alias("flint.payments.create_refund")]
public sealed class CreateRefundRequest : OrderVersionRequest
{
    [Id(0)] public MoneyInput? AmountMoney { get; set; }
    [Id(1)] public string? Reason { get; set; }
    [Id(2)] public string? PaymentId { get; set; }
    [Id(3)] public List<RestockLineInput>? RestockLineItems { get; set; }
}

[GenerateSerializer, Alias("flint.payments.refund_allocation"), Immutable]
public sealed record RefundAllocationView([property: Id(0)] string PaymentId, [property: Id(1)] Money AmountMoney);

[GenerateSerializer, Alias("flint.payments.restocked_line"), Immutable]
public sealed record RestockedLineView([property: Id(0)] string LineItemId, [property: Id(1)] long Quantity);

[GenerateSerializer, Immutable, Alias("flint.payments.refund_view")]
public sealed record RefundView
{
    [Id(0)] public required string RefundId { get; init; }
    [Id(1)] public required string OrderId { get; init; }
    [Id(2)] public string? CustomerId { get; init; }
    /// <summary>pending | succeeded | failed</summary>
    [Id(3)] public required string Status { get; init; }
    [Id(4)] public required Money AmountMoney { get; init; }
    /// <summary>The tax this refund gave back (cumulative rule: a full refund returns exactly the tax charged).</summary>
    [Id(5)] public required Money TaxMoney { get; init; }
    [Id(6)] public string? Reason { get; init; }
    [Id(7)] public required IReadOnlyList<RefundAllocationView> Allocations { get; init; }
    [Id(8)] public required IReadOnlyList<RestockedLineView> RestockedLineItems { get; init; }
    [Id(9)] public DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Who asked for it: api_key:key_… or app:app_… (a partner app).</summary>
    [Id(11)] public string? CreatedBy { get; init; }
    /// <summary>The paired device that gave it back (a refund at the register), and its location; null otherwise.</summary>
    [Id(12)] public string? DeviceId { get; init; }
    [Id(13)] public string? LocationId { get; init; }
}

[GenerateSerializer, Immutable, Alias("flint.payments.refund_result")]
public sealed record RefundOrderResult(
    [property: Id(0)] OrderView Order,
    [property: Id(1)] RefundView Refund);

/// <summary>The order's money movements; implemented by the order grain (the order is the source of truth).</summary>
public interface IOrderPaymentsGrain : IGrainWithStringKey
{
    Task<PayOrderResult> Pay(PayOrderRequest request, PayAttempt attempt);
    Task<RefundOrderResult> Refund(CreateRefundRequest request);
    Task<PaymentView> GetPayment(string paymentId);
    Task<RefundView> GetRefund(string refundId);
    /// <summary>Finishes or undoes a payment or refund left in flight by a process that died (no-op otherwise).</summary>
    Task ResumePending();
}
