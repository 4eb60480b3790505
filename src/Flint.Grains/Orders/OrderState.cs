using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Orders;

namespace Flint.Grains.Orders;

[GenerateSerializer, Alias("flint.orders.state")]
public sealed class OrderState : ObjectState
{
    /// <summary>Stored as its snake_case name (<c>partially_paid</c>), like every enum in FlintJson.</summary>
    [Id(0)] public OrderStatus Status { get; set; } = OrderStatus.Open;
    [Id(1)] public string Currency { get; set; } = "";
    [Id(2)] public string? CustomerId { get; set; }
    [Id(3)] public string Source { get; set; } = "api";
    [Id(4)] public string? LocationId { get; set; }
    /// <summary>Stored as the API shows it (country, region, postal code): a location is one value, with one type.</summary>
    [Id(5)] public TaxLocationView? TaxLocation { get; set; }
    [Id(6)] public List<OrderLineState> Lines { get; set; } = [];
    /// <summary>In the order they were added: that order decides how percentages compound.</summary>
    [Id(7)] public List<OrderDiscountState> Discounts { get; set; } = [];
    /// <summary>The rates that matched the tax location at the last change while open; frozen afterwards, so a
    /// later change to a rate never changes an order that is already paid.</summary>
    [Id(8)] public List<TaxRateSnapshot> TaxRates { get; set; } = [];
    [Id(9)] public long TipMinor { get; set; }
    [Id(10)] public long PaidMinor { get; set; }
    [Id(11)] public long RefundedMinor { get; set; }
    [Id(12)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(13)] public DateTimeOffset CreatedAt { get; set; }
    [Id(14)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(15)] public List<PaymentState> Payments { get; set; } = [];
    [Id(16)] public List<RefundState> Refunds { get; set; } = [];
    /// <summary>The payment in flight, persisted before its first side effect so a restart can finish or undo it.</summary>
    [Id(17)] public PaySaga? PendingPay { get; set; }
    [Id(18)] public RefundSaga? PendingRefund { get; set; }
    /// <summary>True once the first successful payment took the stock and the coupon redemptions.</summary>
    [Id(19)] public bool StockCommitted { get; set; }
    /// <summary>Units put back per line by refunds, so a line is never restocked beyond what was sold.</summary>
    [Id(20)] public Dictionary<string, long> Restocked { get; set; } = [];
    /// <summary>The subscription whose cycle this order bills (source subscription), and the cycle's number. Not
    /// written for other orders, so their stored state is as it was.</summary>
    [Id(21), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? SubscriptionId { get; set; }
    [Id(22), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? SubscriptionCycle { get; set; }
    /// <summary>Who created it (<see cref="Flint.Abstractions.Actors"/>); not written when unknown.</summary>
    [Id(23), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
}

[GenerateSerializer, Alias("flint.orders.payment_state")]
public sealed class PaymentState
{
    [Id(0)] public string PaymentId { get; set; } = "";
    /// <summary>card | cash</summary>
    [Id(1)] public string SourceType { get; set; } = "card";
    /// <summary>Kept only while the payment is pending (a retry after a crash needs it).</summary>
    [Id(2)] public string? Token { get; set; }
    [Id(3)] public string? CustomerPaymentMethodId { get; set; }
    [Id(4)] public string? ProcessorPaymentMethodId { get; set; }
    [Id(5)] public string? ProcessorCustomerId { get; set; }
    [Id(6)] public long AmountMinor { get; set; }
    [Id(7)] public long TipMinor { get; set; }
    [Id(8)] public long? TenderedMinor { get; set; }
    [Id(9)] public long? ChangeBackMinor { get; set; }
    [Id(10)] public PaymentStatus Status { get; set; } = PaymentStatus.Pending;
    [Id(11)] public string? DeclineCode { get; set; }
    [Id(12)] public string? Brand { get; set; }
    [Id(13)] public string? Last4 { get; set; }
    [Id(14)] public string? ProcessorReference { get; set; }
    [Id(15)] public long RefundedMinor { get; set; }
    [Id(16)] public string? BuyerEmail { get; set; }
    [Id(17)] public DateTimeOffset CreatedAt { get; set; }
    [Id(18)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Grows with every change of this payment: the version of its list row.</summary>
    [Id(19)] public long Revision { get; set; }
    /// <summary>The Idempotency-Key of the pay request that made this payment, if it had one.</summary>
    [Id(20)] public string? IdempotencyKey { get; set; }
    [Id(21), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
    /// <summary>The channel it was taken through: api | checkout | payment_link | pos | subscription.</summary>
    [Id(22), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; set; }
    /// <summary>The paired device that took it, and where (not written for other payments).</summary>
    [Id(23), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceId { get; set; }
    [Id(24), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? LocationId { get; set; }
}

[GenerateSerializer, Alias("flint.orders.pay_saga")]
public sealed class PaySaga
{
    [Id(0)] public List<string> PaymentIds { get; set; } = [];
    /// <summary>Stock to reserve (reservation id = order id), per variant; empty when stock was taken before.</summary>
    [Id(1)] public List<LineComponentState> Reservations { get; set; } = [];
    [Id(2)] public List<string> CouponIds { get; set; } = [];
    [Id(3)] public long TipMinor { get; set; }
    [Id(4)] public string? Source { get; set; }
    [Id(5)] public DateTimeOffset StartedAt { get; set; }
    /// <summary>The attempt's stock hold: named by its Idempotency-Key when it has one (every try of that key takes the
    /// same hold, <see cref="OrderGrain.KeyedHoldId"/>), else order id + the attempt's first payment id; a declined
    /// attempt's released hold never blocks the next attempt, which has another key or none.</summary>
    [Id(6)] public string ReservationId { get; set; } = "";
}

[GenerateSerializer, Alias("flint.orders.refund_state")]
public sealed class RefundState
{
    [Id(0)] public string RefundId { get; set; } = "";
    [Id(1)] public long AmountMinor { get; set; }
    [Id(2)] public long TaxMinor { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public RefundStatus Status { get; set; } = RefundStatus.Pending;
    [Id(5)] public List<RefundAllocationState> Allocations { get; set; } = [];
    [Id(6)] public List<LineComponentState> Restock { get; set; } = [];
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(9)] public string? FailureMessage { get; set; }
    [Id(10)] public long Revision { get; set; }
    [Id(11), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
    /// <summary>The paired device that gave it back (at the register), and where (not written for other refunds).</summary>
    [Id(12), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceId { get; set; }
    [Id(13), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? LocationId { get; set; }
}

[GenerateSerializer, Alias("flint.orders.refund_allocation_state")]
public sealed class RefundAllocationState
{
    [Id(0)] public string PaymentId { get; set; } = "";
    [Id(1)] public long AmountMinor { get; set; }
    /// <summary>The processor's idempotency key for this part of the refund.</summary>
    [Id(2)] public string ProcessorKey { get; set; } = "";
    [Id(3)] public string? ProcessorReference { get; set; }
}

[GenerateSerializer, Alias("flint.orders.refund_saga")]
public sealed class RefundSaga
{
    [Id(0)] public string RefundId { get; set; } = "";
}

[GenerateSerializer, Alias("flint.orders.line_state")]
public sealed class OrderLineState
{
    [Id(0)] public string LineItemId { get; set; } = "";
    /// <summary>variant | bundle | custom</summary>
    [Id(1)] public string ItemType { get; set; } = "custom";
    [Id(2)] public string? ProductId { get; set; }
    [Id(3)] public string? VariantId { get; set; }
    [Id(4)] public string? BundleId { get; set; }
    [Id(5)] public string Name { get; set; } = "";
    [Id(6)] public string? Sku { get; set; }
    [Id(7)] public long Quantity { get; set; }
    [Id(8)] public Money BasePriceMoney { get; set; }
    /// <summary>Stored as the API shows them: a picked modifier (option, set, name, price) is one value, with one type.</summary>
    [Id(9)] public List<LineModifierView> Modifiers { get; set; } = [];
    [Id(10)] public string TaxCategory { get; set; } = "general";
    [Id(11)] public bool Taxable { get; set; } = true;
    [Id(12)] public List<string> Categories { get; set; } = [];
    [Id(13)] public string? Note { get; set; }
    /// <summary>For bundle lines: the variants stock is taken from, per bundle.</summary>
    [Id(14)] public List<LineComponentState> Components { get; set; } = [];
    /// <summary>The modifier sets assigned to the item when the line was added (for later modifier changes).</summary>
    [Id(15)] public List<string> ModifierSetIds { get; set; } = [];
}

[GenerateSerializer, Alias("flint.orders.line_component_state")]
public sealed class LineComponentState
{
    [Id(0)] public string VariantId { get; set; } = "";
    [Id(1)] public long Quantity { get; set; }
}

[GenerateSerializer, Alias("flint.orders.discount_state")]
public sealed class OrderDiscountState
{
    [Id(0)] public string DiscountId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    /// <summary>percentage | fixed_amount</summary>
    [Id(2)] public string Type { get; set; } = "percentage";
    [Id(3)] public string? Percentage { get; set; }
    [Id(4)] public long? AmountMinor { get; set; }
    /// <summary>Line scope when set.</summary>
    [Id(5)] public List<string>? LineItemIds { get; set; }
    /// <summary>manual | coupon</summary>
    [Id(6)] public string Source { get; set; } = "manual";
    [Id(7)] public string? CouponId { get; set; }
    [Id(8)] public string? CouponCode { get; set; }
    [Id(9)] public bool Stackable { get; set; }
    /// <summary>A coupon's applies_to, frozen when applied; re-matched against the lines on every change.</summary>
    [Id(10)] public List<string> AppliesToProductIds { get; set; } = [];
    [Id(11)] public List<string> AppliesToCategories { get; set; } = [];
    /// <summary>A coupon's minimum on its eligible lines: below it (lines removed later) the coupon comes to 0.</summary>
    [Id(12)] public long? MinimumSubtotalMinor { get; set; }
}

[GenerateSerializer, Alias("flint.orders.tax_rate_snapshot")]
public sealed class TaxRateSnapshot
{
    [Id(0)] public string TaxRateId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Percentage { get; set; } = "0";
    [Id(3)] public string Inclusion { get; set; } = "additive";
    [Id(4)] public List<string> TaxCategories { get; set; } = [];
}
