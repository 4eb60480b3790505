using Flint.Abstractions.Tax;
using Flint.Domain;

namespace Flint.Abstractions.Orders;

[GenerateSerializer, Alias("flint.orders.modifier_input")]
public sealed class LineModifierInput
{
    [Id(0)] public string? ModifierOptionId { get; set; }
}

/// <summary>One of: <c>variant_id</c>, <c>bundle_id</c>, or an ad-hoc line with <c>name</c> + <c>unit_price_money</c>.</summary>
[GenerateSerializer, Alias("flint.orders.line_item_input")]
public class LineItemInput
{
    [Id(0)] public string? VariantId { get; set; }
    [Id(1)] public string? BundleId { get; set; }
    [Id(2)] public string? Name { get; set; }
    [Id(3)] public MoneyInput? UnitPriceMoney { get; set; }
    [Id(4)] public long? Quantity { get; set; }
    [Id(5)] public List<LineModifierInput>? Modifiers { get; set; }
    [Id(6)] public string? Note { get; set; }
}

[GenerateSerializer, Alias("flint.orders.add_line_item")]
public sealed class AddLineItemRequest : LineItemInput
{
    /// <summary>Optional optimistic check: the order's current version.</summary>
    [Id(0)] public long? Version { get; set; }
}

[GenerateSerializer, Alias("flint.orders.update_line_item")]
public sealed class UpdateLineItemRequest : OrderVersionRequest
{
    [Id(0)] public long? Quantity { get; set; }
    [Id(1)] public List<LineModifierInput>? Modifiers { get; set; }
    [Id(2)] public string? Note { get; set; }
}

[GenerateSerializer, Alias("flint.orders.create_order")]
public sealed class CreateOrderRequest
{
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public string? Currency { get; set; }
    [Id(2)] public List<LineItemInput>? LineItems { get; set; }
    [Id(3)] public TaxLocationInput? TaxLocation { get; set; }
    /// <summary>api | checkout | payment_link | pos | subscription (default api)</summary>
    [Id(4)] public string? Source { get; set; }
    [Id(5)] public string? LocationId { get; set; }
    [Id(6)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.orders.update_order")]
public sealed class UpdateOrderRequest : OrderVersionRequest
{
    [Id(0)] public Dictionary<string, string>? Metadata { get; set; }
    /// <summary>"" unlinks the customer.</summary>
    [Id(1)] public string? CustomerId { get; set; }
    [Id(2)] public TaxLocationInput? TaxLocation { get; set; }
}

[GenerateSerializer, Alias("flint.orders.apply_coupon")]
public sealed class ApplyCouponRequest : OrderVersionRequest
{
    [Id(0)] public string? CouponCode { get; set; }
}

[GenerateSerializer, Alias("flint.orders.add_discount")]
public sealed class AddDiscountRequest : OrderVersionRequest
{
    [Id(0)] public string? Name { get; set; }
    /// <summary>Decimal string, 0 &lt; p ≤ 100 (or use amount_money).</summary>
    [Id(1)] public string? Percentage { get; set; }
    [Id(2)] public MoneyInput? AmountMoney { get; set; }
    /// <summary>Line scope; absent = the whole order.</summary>
    [Id(3)] public List<string>? LineItemIds { get; set; }
}

/// <summary>
/// What every change of an order may send: the version it expects the order to be at (409 VERSION_MISMATCH when the
/// order has moved on). Alone, the body of a cancel; the other change requests extend it, and System.Text.Json writes
/// (and the OpenAPI document lists) their own fields first, so <c>version</c> stays last. A line added to an order
/// (<see cref="AddLineItemRequest"/>) extends the line input instead and declares its version itself.
/// </summary>
[GenerateSerializer, Alias("flint.orders.version_only")]
public class OrderVersionRequest
{
    [Id(0)] public long? Version { get; set; }
}

[GenerateSerializer, Alias("flint.orders.line_modifier_view"), Immutable]
public sealed record LineModifierView(
    [property: Id(0)] string ModifierOptionId,
    [property: Id(1)] string ModifierSetId,
    [property: Id(2)] string Name,
    [property: Id(3)] Money PriceAdjustmentMoney);

[GenerateSerializer, Alias("flint.orders.share_view"), Immutable]
public sealed record AppliedAmountView([property: Id(0)] string Id, [property: Id(1)] Money AppliedMoney);

[GenerateSerializer, Alias("flint.orders.line_item_view")]
public sealed record LineItemView
{
    [Id(0)] public required string LineItemId { get; init; }
    /// <summary>variant | bundle | custom</summary>
    [Id(1)] public required string ItemType { get; init; }
    [Id(2)] public string? ProductId { get; init; }
    [Id(3)] public string? VariantId { get; init; }
    [Id(4)] public string? BundleId { get; init; }
    [Id(5)] public required string Name { get; init; }
    [Id(6)] public string? Sku { get; init; }
    [Id(7)] public long Quantity { get; init; }
    /// <summary>The unit price frozen when the line was added, before modifiers.</summary>
    [Id(8)] public required Money BasePriceMoney { get; init; }
    [Id(9)] public required IReadOnlyList<LineModifierView> Modifiers { get; init; }
    /// <summary>Base price plus modifier adjustments.</summary>
    [Id(10)] public required Money UnitPriceMoney { get; init; }
    [Id(11)] public required string TaxCategory { get; init; }
    [Id(12)] public bool Taxable { get; init; }
    [Id(13)] public string? Note { get; init; }
    [Id(14)] public required Money GrossSalesMoney { get; init; }
    [Id(15)] public required Money TotalDiscountMoney { get; init; }
    [Id(16)] public required Money TotalTaxMoney { get; init; }
    [Id(17)] public required Money TotalMoney { get; init; }
    [Id(18)] public required IReadOnlyList<AppliedAmountView> AppliedDiscounts { get; init; }
    [Id(19)] public required IReadOnlyList<AppliedAmountView> AppliedTaxes { get; init; }
}

[GenerateSerializer, Alias("flint.orders.discount_view")]
public sealed record OrderDiscountView
{
    [Id(0)] public required string DiscountId { get; init; }
    [Id(1)] public required string Name { get; init; }
    /// <summary>percentage | fixed_amount</summary>
    [Id(2)] public required string Type { get; init; }
    [Id(3)] public string? Percentage { get; init; }
    [Id(4)] public Money? AmountMoney { get; init; }
    /// <summary>order | line_item</summary>
    [Id(5)] public required string Scope { get; init; }
    [Id(6)] public IReadOnlyList<string>? LineItemIds { get; init; }
    /// <summary>manual | coupon</summary>
    [Id(7)] public required string Source { get; init; }
    [Id(8)] public string? CouponId { get; init; }
    [Id(9)] public string? CouponCode { get; init; }
    /// <summary>What it came to on this order.</summary>
    [Id(10)] public required Money AppliedMoney { get; init; }
}

[GenerateSerializer, Alias("flint.orders.tax_view")]
public sealed record OrderTaxView
{
    [Id(0)] public required string TaxRateId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Percentage { get; init; }
    [Id(3)] public required string Inclusion { get; init; }
    [Id(4)] public required Money AppliedMoney { get; init; }
}

[GenerateSerializer, Alias("flint.orders.net_amounts")]
public sealed record NetAmountsView
{
    [Id(0)] public required Money SubtotalMoney { get; init; }
    [Id(1)] public required Money DiscountMoney { get; init; }
    [Id(2)] public required Money TaxMoney { get; init; }
    [Id(3)] public required Money TipMoney { get; init; }
    [Id(4)] public required Money TotalMoney { get; init; }
    [Id(5)] public required Money PaidMoney { get; init; }
    [Id(6)] public required Money RefundedMoney { get; init; }
    [Id(7)] public required Money BalanceMoney { get; init; }
}

[GenerateSerializer, Alias("flint.orders.tax_location_view"), Immutable]
public sealed record TaxLocationView(
    [property: Id(0)] string Country,
    [property: Id(1)] string? Region,
    [property: Id(2)] string? PostalCode);

[GenerateSerializer, Immutable, Alias("flint.orders.order_view")]
public sealed record OrderView
{
    /// <summary>Null for a calculated (unsaved) order.</summary>
    [Id(0)] public string? OrderId { get; init; }
    [Id(1)] public required string Status { get; init; }
    [Id(2)] public required string Currency { get; init; }
    [Id(3)] public string? CustomerId { get; init; }
    [Id(4)] public required string Source { get; init; }
    [Id(5)] public string? LocationId { get; init; }
    [Id(6)] public TaxLocationView? TaxLocation { get; init; }
    [Id(7)] public required IReadOnlyList<LineItemView> LineItems { get; init; }
    [Id(8)] public required IReadOnlyList<OrderDiscountView> AppliedDiscounts { get; init; }
    [Id(9)] public required IReadOnlyList<OrderTaxView> AppliedTaxes { get; init; }
    [Id(10)] public required IReadOnlyList<string> CouponCodes { get; init; }
    [Id(11)] public required NetAmountsView NetAmounts { get; init; }
    [Id(12)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(13)] public long Version { get; init; }
    [Id(14)] public DateTimeOffset CreatedAt { get; init; }
    [Id(15)] public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The subscription whose cycle this order bills.</summary>
    [Id(16)] public string? SubscriptionId { get; init; }
    /// <summary>Who created it: api_key:key_… or app:app_… (a partner app); null for a subscription's cycle.</summary>
    [Id(17)] public string? CreatedBy { get; init; }
}

/// <summary>Units of one variant an order takes when it is paid.</summary>
[GenerateSerializer, Alias("flint.orders.stock_need"), Immutable]
public sealed record StockNeed([property: Id(0)] string VariantId, [property: Id(1)] long Quantity);

public interface IOrderGrain : IObjectGrain<CreateOrderRequest, UpdateOrderRequest, OrderView>, Flint.Abstractions.Payments.IOrderPaymentsGrain
{
    Task<OrderView> AddLineItem(AddLineItemRequest request);
    Task<OrderView> UpdateLineItem(string lineItemId, UpdateLineItemRequest request);
    Task<OrderView> RemoveLineItem(string lineItemId, long? version);
    /// <summary>The coupon was resolved from its code by the caller.</summary>
    Task<OrderView> ApplyCoupon(string couponId, long? version);
    Task<OrderView> RemoveCoupon(string couponCode, long? version);
    Task<OrderView> AddDiscount(AddDiscountRequest request);
    Task<OrderView> RemoveDiscount(string discountId, long? version);
    Task<OrderView> Cancel(long? version);
    /// <summary>The stock paying this order would take, per variant (bundle lines as their components); none once taken.</summary>
    Task<IReadOnlyList<StockNeed>> StockNeeds();
    /// <summary>Creates the order of a subscription's cycle (once: called again, answers with the order as it is).</summary>
    Task<OrderView> CreateForCycle(Flint.Abstractions.Subscriptions.CycleOrderRequest request);
}

/// <summary>Prices an order body without saving anything (a cart preview). Stateless: any silo, many at once.</summary>
public interface IOrderQuoteGrain : IGrainWithStringKey
{
    Task<OrderView> Calculate(CreateOrderRequest request);
}
