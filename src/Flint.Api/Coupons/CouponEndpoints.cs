using Flint.Abstractions.Coupons;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Coupons;

public static class CouponEndpoints
{
    public static void MapCouponEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/coupons").WithTags("Coupons");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CouponRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<ICouponGrain>(ctx, FlintId.New(IdPrefix.Coupon)).Create(body), 201);
        }).Doc<CouponRequest, CouponView>(201);

        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var window = ListParameters.Window(ctx.Request.Query);
            var filter = new CatalogListFilter(ListParameters.Search(ctx.Request.Query), ListParameters.Status(ctx.Request.Query));
            var page = await lists.Coupons(Authentication.TenantOf(ctx), filter, window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "coupon_id");
        }).DocList<CouponView>().Query([.. ApiQuery.Listing("created_at", "updated_at", "name"), ApiQuery.Search, ApiQuery.Status("active", "inactive", "deleted"), ApiQuery.Fields]).WithSummary("Coupons; query matches id, code and name; sort_by=name sorts by code.");

        g.MapGet("/{coupon_id}", async (HttpContext ctx, IGrainFactory grains, string coupon_id) =>
            Responses.Ok(ctx, await Coupon(grains, ctx, coupon_id).Get())).Doc<CouponView>();

        g.MapPatch("/{coupon_id}", async (HttpContext ctx, IGrainFactory grains, string coupon_id) =>
        {
            var grain = Coupon(grains, ctx, coupon_id);
            return Responses.Ok(ctx, await grain.Update(await JsonBody.Read<CouponRequest>(ctx)));
        }).Doc<CouponRequest, CouponView>();

        g.MapDelete("/{coupon_id}", async (HttpContext ctx, IGrainFactory grains, string coupon_id) =>
            Responses.Ok(ctx, await Coupon(grains, ctx, coupon_id).Delete())).Doc<CouponView>();
    }

    private static ICouponGrain Coupon(IGrainFactory grains, HttpContext ctx, string id) =>
        grains.Grain<ICouponGrain>(ctx, Responses.PathId(id, IdPrefix.Coupon));
}
