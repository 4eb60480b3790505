using Flint.Abstractions.Orders;
using Flint.Api.Devices;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;
using Flint.Abstractions.Coupons;
using Flint.Persistence.Coupons;
using Flint.Persistence.Lists;

namespace Flint.Api.Orders;

public static class OrderEndpoints
{
    internal static readonly ObjectKind Orders = new("/orders", "Orders", IdPrefix.Order, "order_id", FieldsOn.Create | FieldsOn.Get);
    private static readonly ObjectPart LineItems = new("line_item_id", IdPrefix.LineItem);
    private static readonly ObjectPart Discounts = new("discount_id", IdPrefix.Discount);

    public static void MapOrderEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapObjectRoutes<IOrderGrain, CreateOrderRequest, UpdateOrderRequest, OrderView>(Orders, new(r =>
        {
            var status = ListParameters.Text(r.Query, "status") is { } s ? Validation.ParseSnakeEnum<OrderStatus>(s, "status") : (OrderStatus?)null;
            var customer = ListParameters.Text(r.Query, "customer_id");
            var source = ListParameters.Text(r.Query, "source") is { } src ? Validation.ParseSnakeEnum<OrderSource>(src, "source") : (OrderSource?)null;
            var subscription = ListParameters.Text(r.Query, "subscription_id");
            return r.Lists.Orders(r.Tenant, new OrderListFilter(status, customer, source, subscription, DeviceReach.ListLocation(r.Http)), r.Window, r.Aborted);
        }, [ApiQuery.EnumOf<OrderStatus>("status", "Only orders with this status."), ApiQuery.Text("customer_id", "Only this customer's orders."),
            ApiQuery.EnumOf<OrderSource>("source", "Only orders from this source."),
            ApiQuery.Text("subscription_id", "Only the orders of this subscription's cycles."), DeviceReach.LocationQuery("Only orders made at this location.")],
            Sorts: ["created_at", "updated_at"],
            Summary: "List orders: status, customer_id, source, subscription_id, location_id, created/updated ranges, sort_by created_at|updated_at."),
            createSummary: "Create an order; every amount is computed on the server.");

        g.MapPost("/calculate", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateOrderRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IOrderQuoteGrain>(ctx, "quote").Calculate(body));
        }).Doc<CreateOrderRequest, OrderView>().WithSummary("Price an order body without saving anything (a cart preview).");

        g.MapChange(Orders, HttpMethods.Post, "/line-items", (IOrderGrain o, AddLineItemRequest r) => o.AddLineItem(r), 201);
        g.MapPartChange(Orders, HttpMethods.Patch, "/line-items", LineItems, (IOrderGrain o, string id, UpdateLineItemRequest r) => o.UpdateLineItem(id, r));
        g.MapPartCall(Orders, HttpMethods.Delete, "/line-items", LineItems, (IOrderGrain o, string id, HttpContext ctx) => o.RemoveLineItem(id, VersionParam(ctx)))
          .Query(ApiQuery.Version).WithSummary("Remove a line; ?version=N checks the order's version first.");

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

        g.MapChange(Orders, HttpMethods.Post, "/discounts", (IOrderGrain o, AddDiscountRequest r) => o.AddDiscount(r), 201);
        g.MapPartCall(Orders, HttpMethods.Delete, "/discounts", Discounts, (IOrderGrain o, string id, HttpContext ctx) => o.RemoveDiscount(id, VersionParam(ctx)))
          .Query(ApiQuery.Version);

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
