using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Devices;
using Flint.Persistence.Lists;

namespace Flint.Api.Devices;

/// <summary>
/// Terminal checkouts: <c>POST /v1/terminal-checkouts</c> sends a payment of an order to a paired device (the
/// merchant's key, an app with checkout:write, or a device of the same location); the device hears of it on its
/// stream, shows it (<c>/start</c>) and completes it with what the buyer presents (<c>/complete</c>, the device it was
/// sent to only); the merchant (or the buyer, on the device) cancels it (<c>/cancel</c>); its deadline times it out.
/// A device reaches its own location's checkouts only (DeviceReach).
/// </summary>
public static class TerminalCheckoutEndpoints
{
    internal static readonly ObjectKind Checkouts = new("/terminal-checkouts", "Terminal checkouts", IdPrefix.TerminalCheckout, "terminal_checkout_id");
    private static readonly string[] Statuses = [.. SnakeCase.Names<TerminalCheckoutStatus>()];

    public static void MapTerminalCheckoutEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup(Checkouts.Path).WithTags(Checkouts.Tag);
        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateTerminalCheckoutRequest>(ctx);
            var checkout = await grains.Grain<ITerminalCheckoutGrain>(ctx, FlintId.New(IdPrefix.TerminalCheckout)).Create(body);
            // The device hears of it on its stream (and opens its order). A create whose answer was lost and is
            // repeated with its Idempotency-Key is answered from the stored response: the device lists its pending
            // checkouts (GET /v1/terminal-checkouts?status=pending) when it starts, for one this step missed.
            await grains.Grain<IDeviceGrain>(ctx, checkout.DeviceId).Watch(checkout);
            return Responses.Ok(ctx, checkout, 201);
        }).Doc<CreateTerminalCheckoutRequest, TerminalCheckoutView>(201)
          .WithSummary("Send a payment of an order (its balance, or amount_money of it) to a paired device; the buyer completes it there.");

        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var query = ctx.Request.Query;
            var window = ListParameters.Window(query, ["created_at", "updated_at"]);
            var status = ListParameters.OneOf(query, "status", Statuses);
            var deviceId = ListParameters.Text(query, "device_id");
            if (Authentication.DeviceOf(ctx) is { } caller)
            {
                if (deviceId is not null && deviceId != caller.DeviceId)
                    throw new ApiException(403, "authentication", "LOCATION_NOT_ALLOWED", "A device lists the terminal checkouts sent to it.", "device_id");
                deviceId = caller.DeviceId;
            }
            var page = await lists.TerminalCheckouts(Authentication.TenantOf(ctx), status, deviceId, window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, Checkouts.IdField);
        }).DocList<TerminalCheckoutView>()
          .Query([.. ApiQuery.Listing("created_at", "updated_at"), ApiQuery.Status(Statuses), ApiQuery.Text("device_id", "Only those sent to this device (a device: itself)."), ApiQuery.Fields])
          .WithSummary("List terminal checkouts: status, device_id, created/updated ranges.");

        g.MapGet(Checkouts.One, async (HttpContext ctx, IGrainFactory grains, string terminal_checkout_id) =>
            Responses.Ok(ctx, await Checkouts.Grain<ITerminalCheckoutGrain>(grains, ctx, terminal_checkout_id).Get())).Doc<TerminalCheckoutView>();

        g.MapPost(Checkouts.One + "/start", async (HttpContext ctx, IGrainFactory grains, string terminal_checkout_id) =>
        {
            var checkout = await OfThisDevice(ctx, grains, terminal_checkout_id);
            await JsonBody.Read<EmptyRequest>(ctx, optional: true);
            return Responses.Ok(ctx, await checkout.Start());
        }).DocOptionalBody<EmptyRequest, TerminalCheckoutView>().PathIds(Checkouts.IdField)
          .WithSummary("The device shows it to the buyer (pending → in_progress). Its device only.");

        g.MapPost(Checkouts.One + "/complete", async (HttpContext ctx, IGrainFactory grains, string terminal_checkout_id) =>
        {
            var checkout = await OfThisDevice(ctx, grains, terminal_checkout_id);
            var body = await JsonBody.Read<CompleteTerminalCheckoutRequest>(ctx);
            return Responses.Ok(ctx, await checkout.Complete(body));
        }).Doc<CompleteTerminalCheckoutRequest, TerminalCheckoutView>().Produces<ErrorEnvelope>(402).PathIds(Checkouts.IdField)
          .WithSummary("The buyer pays on the device: card_present (token) or cash (tendered_money; change computed), tip on top. Its device only.");

        g.MapPost(Checkouts.One + "/cancel", async (HttpContext ctx, IGrainFactory grains, string terminal_checkout_id) =>
        {
            var checkout = Checkouts.Grain<ITerminalCheckoutGrain>(grains, ctx, terminal_checkout_id);
            await JsonBody.Read<EmptyRequest>(ctx, optional: true);
            // On the device it was sent to it is the buyer who cancels; through the API (or from another register of the
            // location), the merchant.
            var reason = Authentication.DeviceOf(ctx) is { } caller && (await checkout.Get()).DeviceId == caller.DeviceId
                ? TerminalCancelReason.Buyer : TerminalCancelReason.Merchant;
            return Responses.Ok(ctx, await checkout.Cancel(reason));
        }).DocOptionalBody<EmptyRequest, TerminalCheckoutView>().PathIds(Checkouts.IdField)
          .WithSummary("Cancel it (by the merchant; by the buyer when the device it was sent to calls).");
    }

    /// <summary>The checkout, when the caller is the device it was sent to: 403 DEVICE_ONLY for another caller.</summary>
    private static async Task<ITerminalCheckoutGrain> OfThisDevice(HttpContext ctx, IGrainFactory grains, string id)
    {
        var checkout = Checkouts.Grain<ITerminalCheckoutGrain>(grains, ctx, id);
        var caller = Authentication.DeviceOf(ctx) ?? throw DeviceEndpoints.DeviceOnly();
        var view = await checkout.Get();
        if (view.DeviceId != caller.DeviceId)
            throw new ApiException(403, "authentication", "DEVICE_ONLY", $"This terminal checkout was sent to {view.DeviceId}; that device completes it.");
        return checkout;
    }
}
