using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;
using Flint.Persistence.Coupons;
using Flint.Persistence.Lists;

namespace Flint.Api.Orders;

public static class OrderEndpoints
{
    private static readonly ObjectKind Orders = new("/orders", "Orders", IdPrefix.Order, "order_id", FieldsOn.Create | FieldsOn.Get);

    public static void MapOrderEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapObjectRoutes<IOrderGrain, CreateOrderRequest, UpdateOrderRequest, OrderView>(Orders, new(r =>
        {
            var status = ListParameters.Text(r.Query, "status") is { } s ? Validation.ParseSnakeEnum<OrderStatus>(s, "status") : (OrderStatus?)null;
            var customer = ListParameters.Text(r.Query, "customer_id");
            var source = ListParameters.Text(r.Query, "source") is { } src ? Validation.ParseSnakeEnum<OrderSource>(src, "source") : (OrderSource?)null;
            return r.Lists.Orders(r.Tenant, new OrderListFilter(status, customer, source), r.Window, r.Aborted);
        }, [ApiQuery.EnumOf<OrderStatus>("status", "Only orders with this status."), ApiQuery.Text("customer_id", "Only this customer's orders."),
            ApiQuery.EnumOf<OrderSource>("source", "Only orders from this source.")], Sorts: ["created_at", "updated_at"],
            Summary: "List orders: status, customer_id, source, created/updated ranges, sort_by created_at|updated_at."),
            createSummary: "Create an order; every amount is computed on the server.");

        g.MapPost("/calculate", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateOrderRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IOrderQuoteGrain>(ctx, "quote").Calculate(body));
        }).Doc<CreateOrderRequest, OrderView>().WithSummary("Price an order body without saving anything (a cart preview).");

        g.MapPost("/{order_id}/line-items", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var grain = Order(grains, ctx, order_id);
            return Responses.Ok(ctx, await grain.AddLineItem(await JsonBody.Read<AddLineItemRequest>(ctx)), 201);
        }).Doc<AddLineItemRequest, OrderView>(201);

        g.MapPatch("/{order_id}/line-items/{line_item_id}", async (HttpContext ctx, IGrainFactory grains, string order_id, string line_item_id) =>
        {
            var grain = Order(grains, ctx, order_id);
            var id = Responses.PathId(line_item_id, IdPrefix.LineItem);
            return Responses.Ok(ctx, await grain.UpdateLineItem(id, await JsonBody.Read<UpdateLineItemRequest>(ctx)));
        }).Doc<UpdateLineItemRequest, OrderView>();

        g.MapDelete("/{order_id}/line-items/{line_item_id}", async (HttpContext ctx, IGrainFactory grains, string order_id, string line_item_id) =>
            Responses.Ok(ctx, await Order(grains, ctx, order_id).RemoveLineItem(Responses.PathId(line_item_id, IdPrefix.LineItem), VersionParam(ctx))))
          .Doc<OrderView>().Query(ApiQuery.Version).WithSummary("Remove a line; ?version=N checks the order's version first.");

        g.MapPost("/{order_id}/apply-coupon", async (HttpContext ctx, IGrainFactory grains, ICouponCodeIndex coupons, string order_id) =>
        {
            var grain = Order(grains, ctx, order_id);
            var body = await JsonBody.Read<ApplyCouponRequest>(ctx);
            var code = CouponRules.NormalizeCode(body.CouponCode, "coupon_code");
            var couponId = await coupons.CouponIdOf(Authentication.TenantOf(ctx), code, ctx.RequestAborted) ?? throw new ApiException(404, "not_found", "RESOURCE_NOT_FOUND", $"No such coupon: '{code}'.", "coupon_code");
            return Responses.Ok(ctx, await grain.ApplyCoupon(couponId, body.Version));
        }).Doc<ApplyCouponRequest, OrderView>();

        g.MapDelete("/{order_id}/coupons/{coupon_code}", async (HttpContext ctx, IGrainFactory grains, string order_id, string coupon_code) =>
            Responses.Ok(ctx, await Order(grains, ctx, order_id).RemoveCoupon(coupon_code, VersionParam(ctx)))).Doc<OrderView>().Query(ApiQuery.Version);

        g.MapPost("/{order_id}/discounts", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var grain = Order(grains, ctx, order_id);
            return Responses.Ok(ctx, await grain.AddDiscount(await JsonBody.Read<AddDiscountRequest>(ctx)), 201);
        }).Doc<AddDiscountRequest, OrderView>(201);

        g.MapDelete("/{order_id}/discounts/{discount_id}", async (HttpContext ctx, IGrainFactory grains, string order_id, string discount_id) =>
            Responses.Ok(ctx, await Order(grains, ctx, order_id).RemoveDiscount(Responses.PathId(discount_id, IdPrefix.Discount), VersionParam(ctx))))
          .Doc<OrderView>().Query(ApiQuery.Version);

        g.MapPost("/{order_id}/cancel", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var grain = Order(grains, ctx, order_id);
            var body = await JsonBody.Read<OrderVersionRequest>(ctx, optional: true);
            return Responses.Ok(ctx, await grain.Cancel(body.Version));
        }).DocOptionalBody<OrderVersionRequest, OrderView>();
    }

    private static IOrderGrain Order(IGrainFactory grains, HttpContext ctx, string orderId) =>
        Orders.Grain<IOrderGrain>(grains, ctx, orderId);

    private static long? VersionParam(HttpContext ctx)
    {
        var raw = ctx.Request.Query["version"].ToString();
        if (raw.Length == 0) return null;
        return long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw ApiException.Invalid("INVALID_FIELD_TYPE", "version must be a whole number.", "version");
    }
}
