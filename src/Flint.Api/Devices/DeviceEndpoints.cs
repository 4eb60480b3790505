using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Devices;
using Flint.Persistence.Devices;
using Flint.Persistence.Lists;

namespace Flint.Api.Devices;

/// <summary>
/// POS devices: the merchant makes a pairing code for a location (<c>POST /v1/devices/codes</c>); the device sends it
/// without an API key (<c>POST /v1/devices/pair</c>, rate limited per client address) and gets its token, a Bearer
/// token for the register's work (<see cref="DevicePairing.Scopes"/>); <c>DELETE /v1/devices/{id}</c> unpairs it and
/// its token stops at once.
/// </summary>
public static class DeviceEndpoints
{
    public const string PairPath = "/v1/devices/pair";
    internal static readonly ObjectKind Devices = new("/devices", "Devices", IdPrefix.Device, "device_id");

    /// <summary>Wrong codes per client address in the current minute (this silo's count; a client spread over silos gets
    /// each silo's allowance).</summary>
    public sealed class WrongPairingCodes(FlintSettings settings, TimeProvider clock)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Minute, int Count)> _counts = new();

        private long Minute => clock.GetUtcNow().ToUnixTimeSeconds() / 60;

        /// <summary>How long until this client may try again, or null when it may now.</summary>
        public TimeSpan? Exhausted(string client) =>
            _counts.TryGetValue(client, out var c) && c.Minute == Minute && c.Count >= settings.WrongPairingCodesPerMinute
                ? TimeSpan.FromSeconds(60 - clock.GetUtcNow().ToUnixTimeSeconds() % 60)
                : null;

        public void Count(string client)
        {
            var minute = Minute;
            _counts.AddOrUpdate(client, (minute, 1), (_, c) => c.Minute == minute ? (minute, c.Count + 1) : (minute, 1));
            if (_counts.Count > 100_000) _counts.Clear();   // a flood of addresses cannot grow it without bound
        }
    }

    public static void MapDeviceEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup(Devices.Path).WithTags(Devices.Tag);
        g.MapPost("/codes", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateDeviceCodeRequest>(ctx);
            var view = await grains.Grain<IDeviceGrain>(ctx, FlintId.New(IdPrefix.Device)).Create(body);
            return Responses.Ok(ctx, view, 201);
        }).Doc<CreateDeviceCodeRequest, DeviceView>(201)
          .WithSummary("A new device for a location and its pairing code (6 characters, 5 minutes, single use).");

        g.MapPost("/pair", async (HttpContext ctx, IGrainFactory grains, WrongPairingCodes wrong) =>
        {
            var client = ctx.Connection.RemoteIpAddress?.ToString() ?? "";
            if (wrong.Exhausted(client) is { } wait)
            {
                ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ErrorMapper.Write(ctx, 429, new ErrorBody("rate_limit", "RATE_LIMITED", "Too many wrong pairing codes from this address; wait a minute.", null));
                return Results.Empty;
            }
            var body = await JsonBody.Read<PairDeviceRequest>(ctx);
            if (body.Code is null) throw ApiException.Invalid("MISSING_REQUIRED_FIELD", "code is required.", "code");
            var holder = DevicePairing.Normalize(body.Code) is { } code ? await grains.GetGrain<IPairingCodeGrain>(code).Redeem() : null;
            if (holder is null)
            {
                wrong.Count(client);
                throw ApiException.Invalid("INVALID_CODE", "This pairing code is unknown, used or expired; make a new one.", "code");
            }
            var device = grains.GetGrain<IDeviceGrain>(new Tenant(holder.MerchantId, holder.Environment).GrainKey(holder.DeviceId));
            return Responses.Ok(ctx, await device.Pair(body.AppVersion), 201);
        }).Doc<PairDeviceRequest, PairedDevice>(201)
          .WithSummary("Pair a device with its code (no API key): its device token, shown this once.");

        string[] sorts = ["created_at", "updated_at"];
        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var window = ListParameters.Window(ctx.Request.Query, sorts);
            var page = await lists.Devices(Authentication.TenantOf(ctx), window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, Devices.IdField);
        }).DocList<DeviceView>().Query([.. ApiQuery.Listing(sorts), ApiQuery.Fields]).WithSummary("The devices, newest first.");
        g.MapGet(Devices.One, async (HttpContext ctx, IGrainFactory grains, string device_id) =>
            Responses.Ok(ctx, await Devices.Grain<IDeviceGrain>(grains, ctx, device_id).Get())).Doc<DeviceView>();
        g.MapDelete(Devices.One, async (HttpContext ctx, IGrainFactory grains, string device_id) =>
            Responses.Ok(ctx, await Devices.Grain<IDeviceGrain>(grains, ctx, device_id).Unpair())).Doc<DeviceView>()
          .WithSummary("Unpair: the device's token stops working at once.");
        g.MapPost(Devices.One + "/orders", async (HttpContext ctx, IGrainFactory grains, string device_id) =>
        {
            var device = Devices.Grain<IDeviceGrain>(grains, ctx, device_id);
            var body = await JsonBody.Read<DeviceOrderRequest>(ctx);
            return Responses.Ok(ctx, await device.OpenOrder(body.OrderId));
        }).Doc<DeviceOrderRequest, DeviceView>().PathIds("device_id")
          .WithSummary("Open an order on a device's screen (an online order the register takes over): its changes go out on the device's stream.");

        // The paired device's own routes (its token only): its live orders and its event stream.
        var me = v1.MapGroup(Devices.Path + "/me").WithTags(SelfTag);
        me.MapGet("", async (HttpContext ctx, IGrainFactory grains) => Responses.Ok(ctx, await Me(ctx, grains).Get())).Doc<DeviceView>()
          .WithSummary("The calling device: its location and the orders open on its screen.");
        me.MapPost("/orders", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var device = Me(ctx, grains);
            var body = await JsonBody.Read<DeviceOrderRequest>(ctx);
            return Responses.Ok(ctx, await device.OpenOrder(body.OrderId));
        }).Doc<DeviceOrderRequest, DeviceView>()
          .WithSummary("Open an order on this device's screen (its location's, or an online one): its changes go out on the stream.");
        me.MapDelete("/orders/{order_id}", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
            Responses.Ok(ctx, await Me(ctx, grains).CloseOrder(Responses.PathId(order_id, IdPrefix.Order)))).Doc<DeviceView>().PathIds("order_id")
          .WithSummary("Take an order off this device's screen.");
        me.MapGet("/events", (HttpContext ctx, IGrainFactory grains, IDeviceStreamLog log) => DeviceEventStream.Serve(ctx, grains, log))
          .Produces<string>(200, "text/event-stream").Produces<ErrorEnvelope>(400)
          .Query(ApiQuery.Text("last_event_id", "Resume after this event (as the Last-Event-ID header does)."))
          .WithSummary("Server-sent events: each change of the orders open on this device and of the terminal checkouts sent to it. "
              + "Reconnect with Last-Event-ID (or ?last_event_id=) to get what was missed.");
    }

    /// <summary>The OpenAPI tag of the routes only a paired device calls (EndpointScopes: scope device:self).</summary>
    public const string SelfTag = "Device session";

    private static IDeviceGrain Me(HttpContext ctx, IGrainFactory grains)
    {
        var device = Authentication.DeviceOf(ctx) ?? throw DeviceOnly();
        return grains.GetGrain<IDeviceGrain>(Authentication.TenantOf(ctx).GrainKey(device.DeviceId));
    }

    public static ApiException DeviceOnly() =>
        new(403, "authentication", "DEVICE_ONLY", "This route is for a paired device's token (fdt_…): pair a device with POST /v1/devices/pair.");
}
