using Flint.Domain;

namespace Flint.Abstractions.Coupons;

[GenerateSerializer, Alias("flint.coupons.applies_to")]
public sealed class CouponAppliesToInput
{
    [Id(0)] public List<string>? ProductIds { get; set; }
    [Id(1)] public List<string>? Categories { get; set; }
}

[GenerateSerializer, Alias("flint.coupons.coupon_request")]
public sealed class CouponRequest
{
    [Id(0)] public string? Code { get; set; }
    /// <summary>percentage | fixed_amount</summary>
    [Id(1)] public string? DiscountType { get; set; }
    /// <summary>Decimal string, 0 &lt; p ≤ 100.</summary>
    [Id(2)] public string? PercentOff { get; set; }
    [Id(3)] public MoneyInput? AmountOff { get; set; }
    [Id(4)] public long? MaxRedemptions { get; set; }
    [Id(5)] public long? PerCustomerLimit { get; set; }
    [Id(6)] public DateTimeOffset? StartsAt { get; set; }
    [Id(7)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(8)] public MoneyInput? MinimumSubtotalMoney { get; set; }
    [Id(9)] public CouponAppliesToInput? AppliesTo { get; set; }
    [Id(10)] public bool? Stackable { get; set; }
    /// <summary>active | inactive</summary>
    [Id(11)] public string? Status { get; set; }
    [Id(12)] public Dictionary<string, string>? Metadata { get; set; }
    [Id(13)] public string? Name { get; set; }
}

[GenerateSerializer, Alias("flint.coupons.applies_to_view"), Immutable]
public sealed record CouponAppliesToView(
    [property: Id(0)] IReadOnlyList<string> ProductIds,
    [property: Id(1)] IReadOnlyList<string> Categories);

[GenerateSerializer, Alias("flint.coupons.coupon_view")]
public sealed record CouponView : CatalogObjectView
{
    [Id(0)] public required string CouponId { get; init; }
    /// <summary>Normalized (upper-case); matching is case-insensitive.</summary>
    [Id(1)] public required string Code { get; init; }
    [Id(2)] public string? Name { get; init; }
    [Id(3)] public required string DiscountType { get; init; }
    [Id(4)] public string? PercentOff { get; init; }
    [Id(5)] public Money? AmountOff { get; init; }
    [Id(6)] public long? MaxRedemptions { get; init; }
    [Id(7)] public long? PerCustomerLimit { get; init; }
    [Id(8)] public DateTimeOffset? StartsAt { get; init; }
    [Id(9)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(10)] public Money? MinimumSubtotalMoney { get; init; }
    [Id(11)] public required CouponAppliesToView AppliesTo { get; init; }
    [Id(12)] public bool Stackable { get; init; }
    [Id(13)] public required string Status { get; init; }
    /// <summary>Redemptions taken by paid orders.</summary>
    [Id(14)] public long TimesRedeemed { get; init; }
}

/// <summary>What an order needs to decide whether a coupon may be applied.</summary>
[GenerateSerializer, Alias("flint.coupons.application")]
public sealed record CouponApplication(
    [property: Id(0)] CouponView Coupon,
    [property: Id(1)] long CustomerRedemptions);

/// <summary>One coupon; counts its redemptions atomically. A redemption is taken when an order is paid
/// (idempotent by order id) and given back if the payment fails.</summary>
public interface ICouponGrain : ICatalogObjectGrain<CouponRequest, CouponRequest, CouponView>
{
    /// <summary>Throws RESOURCE_NOT_FOUND for a missing or deleted coupon.</summary>
    Task<CouponApplication> ForApplication(string? customerId);
    /// <summary>Takes one redemption for the order (idempotent by order id); COUPON_EXHAUSTED / COUPON_CUSTOMER_LIMIT.</summary>
    Task<CouponView> Redeem(string orderId, string? customerId);
    /// <summary>Gives the order's redemption back (idempotent; unknown order ids are a no-op).</summary>
    Task<CouponView> Release(string orderId);
}
