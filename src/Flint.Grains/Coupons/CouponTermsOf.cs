using Flint.Abstractions.Coupons;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;

namespace Flint.Grains.Coupons;

/// <summary>A coupon as the coupon rules (<see cref="CouponRules"/>) take it. The one mapping from a coupon to its
/// terms: the order grain applies a coupon with it, the coupon grain takes a redemption with it.</summary>
public static class CouponTermsOf
{
    public static CouponTerms ToTerms(this CouponView c)
    {
        var status = Validation.ParseSnakeEnum<CatalogStatus>(c.Status, "status");
        return new CouponTerms(
            c.Code,
            Validation.ParseSnakeEnum<CouponDiscountType>(c.DiscountType, "discount_type"),
            c.PercentOff is null ? null : Percentage.Parse(c.PercentOff, "percent_off", Percentage.DiscountDecimals),
            c.AmountOff?.Amount,
            c.AmountOff?.Currency ?? c.MinimumSubtotalMoney?.Currency,
            c.MaxRedemptions,
            c.PerCustomerLimit,
            c.StartsAt,
            c.ExpiresAt,
            c.MinimumSubtotalMoney?.Amount,
            c.AppliesTo.ProductIds,
            c.AppliesTo.Categories,
            c.Stackable,
            Active: status == CatalogStatus.Active,
            Deleted: status == CatalogStatus.Deleted);
    }
}
