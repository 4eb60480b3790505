using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
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
        if (ctx.GetRouteValue("terminal_checkout_id") is string tmc && FlintId.IsValid(tmc, IdPrefix.TerminalCheckout))
        {
            try
            {
                var checkout = await ctx.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ITerminalCheckoutGrain>(tenant.GrainKey(tmc)).Get();
                if (checkout.LocationId != device.LocationId) throw ApiException.NotFound();
            }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
            {
                // the endpoint answers it
            }
            return;
        }
        var orderId = ctx.GetRouteValue("order_id") as string;
        // A hosted checkout is its order's: another location's answers 404 too (read, changed or expired).
        if (orderId is null && ctx.GetRouteValue("checkout_session_id") is string session && FlintId.IsValid(session, IdPrefix.CheckoutSession))
        {
            try
            {
                orderId = (await ctx.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ICheckoutSessionGrain>(tenant.GrainKey(session)).Get()).OrderId;
            }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
            {
                return;   // the endpoint answers it
            }
        }
        if (orderId is null && ctx.GetRouteValue("payment_id") is string payment && FlintId.IsValid(payment, IdPrefix.Payment))
            orderId = await ctx.RequestServices.GetRequiredService<IPaymentIndex>().OrderOfPayment(tenant, payment, ctx.RequestAborted);
        if (orderId is null && ctx.GetRouteValue("refund_id") is string refund && FlintId.IsValid(refund, IdPrefix.Refund))
            orderId = await ctx.RequestServices.GetRequiredService<IPaymentIndex>().OrderOfRefund(tenant, refund, ctx.RequestAborted);
        if (orderId is null || !FlintId.IsValid(orderId, IdPrefix.Order)) return;
        string? at;
        try
        {
            at = (await ctx.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IOrderGrain>(tenant.GrainKey(orderId)).Get()).LocationId;
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return;   // the endpoint answers it
        }
        if (at is not null && at != device.LocationId) throw ApiException.NotFound();
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
