using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Devices;
using Flint.Persistence.Payments;

namespace Flint.Api.Devices;

/// <summary>
/// What a paired device may reach, in one place: its own location's objects, and orders made at no location (online
/// orders, which a register may open and take payment for). An order, payment, refund or checkout session of another
/// location answers <c>404 RESOURCE_NOT_FOUND</c> to the device, as another merchant's would; its lists of orders,
/// payments and refunds hold its location's only, and asking them for another location is <c>403
/// LOCATION_NOT_ALLOWED</c>. What it may do at all is its scopes (<see cref="Flint.Domain.Devices.DevicePairing.Scopes"/>,
/// checked by Apps.EndpointScopes).
/// </summary>
public static class DeviceReach
{
    private const string LocationParam = "location_id";

    /// <summary>Checks the route's order, payment, refund, checkout session or location against the calling device
    /// (every other caller passes untouched). Runs after routing and authentication; an id that is malformed or missing
    /// is left to the endpoint, which answers it as for anyone.</summary>
    public static IApplicationBuilder UseDeviceReach(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (Authentication.DeviceOf(ctx) is { } device && ctx.GetEndpoint() is not null)
            await Check(ctx, device);
        await next(ctx);
    });

    private static async Task Check(HttpContext ctx, CallingDevice device)
    {
        if (ctx.GetRouteValue(LocationParam) is string location && location != device.LocationId) throw ApiException.NotFound();
        var tenant = Authentication.TenantOf(ctx);
        var grains = ctx.RequestServices.GetRequiredService<IGrainFactory>();
        if (Id(ctx, "terminal_checkout_id", IdPrefix.TerminalCheckout) is { } tmc)
        {
            if (await Found(() => grains.GetGrain<ITerminalCheckoutGrain>(tenant.GrainKey(tmc)).Get()) is { } checkout
                && !LocationReach.Reaches(device.LocationId, checkout.LocationId))
                throw ApiException.NotFound();
            return;
        }
        var orderId = ctx.GetRouteValue("order_id") as string;
        // A hosted checkout is its order's: another location's answers 404 too (read, changed or expired).
        if (orderId is null && Id(ctx, "checkout_session_id", IdPrefix.CheckoutSession) is { } session)
            orderId = (await Found(() => grains.GetGrain<ICheckoutSessionGrain>(tenant.GrainKey(session)).Get()))?.OrderId;
        if (orderId is null && Id(ctx, "payment_id", IdPrefix.Payment) is { } payment)
            orderId = await ctx.RequestServices.GetRequiredService<IPaymentIndex>().OrderOfPayment(tenant, payment, ctx.RequestAborted);
        if (orderId is null && Id(ctx, "refund_id", IdPrefix.Refund) is { } refund)
            orderId = await ctx.RequestServices.GetRequiredService<IPaymentIndex>().OrderOfRefund(tenant, refund, ctx.RequestAborted);
        if (orderId is null || !FlintId.IsValid(orderId, IdPrefix.Order)) return;
        if (await Found(() => grains.GetGrain<IOrderGrain>(tenant.GrainKey(orderId)).Get()) is { } order
            && !LocationReach.Reaches(device.LocationId, order.LocationId))
            throw ApiException.NotFound();
    }

    /// <summary>The route's id of this kind, when it is a well-formed one (the endpoint answers a malformed one).</summary>
    private static string? Id(HttpContext ctx, string name, string prefix) =>
        ctx.GetRouteValue(name) is string id && FlintId.IsValid(id, prefix) ? id : null;

    /// <summary>The object read, or null when there is none (the endpoint answers that, as for anyone).</summary>
    private static async Task<T?> Found<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return null;
        }
    }

    /// <summary>A list's <c>location_id</c> filter: as asked; for a device, its own location (asking another is 403).</summary>
    public static string? ListLocation(HttpContext ctx)
    {
        var asked = ListParameters.Text(ctx.Request.Query, LocationParam);
        if (Authentication.DeviceOf(ctx) is not { } device) return asked;
        if (asked is not null && asked != device.LocationId)
            throw new ApiException(403, "authentication", "LOCATION_NOT_ALLOWED", $"This device works at {device.LocationId} and sees that location only.", LocationParam);
        return device.LocationId;
    }

    public static QueryParam LocationQuery(string description) => ApiQuery.Text(LocationParam, description + " A paired device sees its own location's only.");
}
