using Flint.Abstractions.Coupons;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Npgsql;

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

        g.MapGet("", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            var q = new ListQuery(Authentication.TenantOf(ctx), "coupon", ctx.Request.Query).Search().Status("active", "inactive", "deleted");
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "coupon_id");
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
