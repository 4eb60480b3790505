using Flint.Abstractions.Coupons;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Coupons;

public static class CouponEndpoints
{
    public static void MapCouponEndpoints(this IEndpointRouteBuilder v1) =>
        v1.MapCatalogRoutes<ICouponGrain, CouponRequest, CouponRequest, CouponView>(new("/coupons", "Coupons", IdPrefix.Coupon, "coupon_id"),
            ObjectList.Catalog(lists => lists.Coupons, "Coupons; query matches id, code and name; sort_by=name sorts by code."));
}
