namespace Flint.Abstractions.Coupons;

/// <summary>Which live coupon has a code. Codes are unique among a tenant's coupons that are not deleted (a unique
/// index over the coupon projection's name, which holds the upper-case code, makes it so). Implemented by the storage
/// (Flint.Persistence); asked by the API and by grains that take a code (a subscription's coupon_code).</summary>
public interface ICouponCodeIndex
{
    /// <param name="code">The normalized (upper-case) code.</param>
    Task<string?> CouponIdOf(Tenant tenant, string code, CancellationToken ct);
}
