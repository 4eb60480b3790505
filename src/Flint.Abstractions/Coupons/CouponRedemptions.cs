using System.Text.Json.Serialization;

namespace Flint.Abstractions.Coupons;

/// <summary>
/// A coupon's redemptions are rows of its object log (flint_object_log, kind <see cref="LogKind"/>, id = the order's
/// id, doc = <see cref="CouponRedemptionRow"/>): the coupon's state write that takes one adds its row and the one that
/// gives it back withdraws it, in the same transaction as the count. So the coupon's state keeps numbers, not every
/// order that ever used it, and whether an order holds one is asked here when the coupon no longer remembers.
/// </summary>
public interface ICouponRedemptions
{
    public const string LogKind = "coupon_redemption";

    /// <summary>The redemption of the coupon <paramref name="orderId"/> holds, or null when it holds none.</summary>
    Task<CouponRedemptionRow?> HeldBy(Tenant tenant, string couponId, string orderId, CancellationToken ct);

    /// <summary>How many redemptions of the coupon are held by orders of <paramref name="customerId"/>.</summary>
    Task<long> CountOf(Tenant tenant, string couponId, string customerId, CancellationToken ct);
}

/// <summary>What a redemption's row says besides its order (its id) and when it was taken (its time): whose it is.</summary>
public sealed record CouponRedemptionRow(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CustomerId);
