using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Locations;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class LocationsResource(FlintTransport t) : ObjectsResource<LocationView, CreateLocationRequest, UpdateLocationRequest>(t, "/v1/locations");

/// <summary>
/// One event of a device's stream: its number (what <c>Last-Event-ID</c> names; null for the final
/// <c>device.unpaired</c>), its type (order.opened, order.updated, terminal_checkout.created, …) and what it carries.
/// </summary>
public sealed record DeviceEvent(long? Id, string Type, JsonObject Data);

/// <summary>
/// POS devices. The merchant's key makes pairing codes, lists, unpairs and sends orders to devices; a device's own
/// client (its device token as the key, from <see cref="FlintClient.PairDeviceAsync"/>) reads itself, puts orders on
/// its screen and listens to its events.
/// </summary>
public sealed class DevicesResource(FlintTransport t)
{
    private static string Of(string deviceId) => $"/v1/devices/{Segment(deviceId)}";

    /// <summary>A pairing code for a device at a location (the answer's pairing.code; valid a few minutes, once).</summary>
    public Task<DeviceView> CreateCodeAsync(CreateDeviceCodeRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Post, "/v1/devices/codes", request, options?.IdempotencyKey, ct);
    /// <summary>Pairs with a code; sends no key (see <see cref="FlintClient.PairDeviceAsync"/> for a device that has none).</summary>
    public Task<PairedDevice> PairAsync(PairDeviceRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PairedDevice>(HttpMethod.Post, "/v1/devices/pair", request, options?.IdempotencyKey, ct, anonymous: true);
    public Task<DeviceView> GetAsync(string deviceId, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Get, Of(deviceId), null, null, ct);
    public IAsyncEnumerable<DeviceView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<DeviceView>("/v1/devices", options, ct);
    /// <summary>Unpairs the device: its token stops working at once.</summary>
    public Task<DeviceView> DeleteAsync(string deviceId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Delete, Of(deviceId), null, options?.IdempotencyKey, ct);
    /// <summary>Puts an order on a device's screen (merchant side).</summary>
    public Task<DeviceView> SendOrderAsync(string deviceId, DeviceOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Post, Of(deviceId) + "/orders", request, options?.IdempotencyKey, ct);

    /// <summary>The device itself (device token only).</summary>
    public Task<DeviceView> MeAsync(CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Get, "/v1/devices/me", null, null, ct);
    /// <summary>Opens an order on this device (device token only): its changes go out on <see cref="EventsAsync"/>.</summary>
    public Task<DeviceView> AddOrderAsync(DeviceOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Post, "/v1/devices/me/orders", request, options?.IdempotencyKey, ct);
    public Task<DeviceView> RemoveOrderAsync(string orderId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<DeviceView>(HttpMethod.Delete, $"/v1/devices/me/orders/{Segment(orderId)}", null, options?.IdempotencyKey, ct);

    /// <summary>
    /// The device's events as they happen (device token only): from after <paramref name="lastEventId"/>, or from now.
    /// A dropped connection is opened again with Last-Event-ID, so nothing is missed or repeated; it ends when
    /// <paramref name="ct"/> is canceled, the caller stops, or the device is unpaired (a final device.unpaired event).
    /// </summary>
    public IAsyncEnumerable<DeviceEvent> EventsAsync(long? lastEventId = null, CancellationToken ct = default) =>
        t.Stream("/v1/devices/me/events", lastEventId, "device.unpaired", ct);
}

/// <summary>Checkouts the merchant sends to a device: the device starts one, the buyer pays by card or cash.</summary>
public sealed class TerminalCheckoutsResource(FlintTransport t)
{
    private static string Of(string checkoutId) => $"/v1/terminal-checkouts/{Segment(checkoutId)}";

    public Task<TerminalCheckoutView> CreateAsync(CreateTerminalCheckoutRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<TerminalCheckoutView>(HttpMethod.Post, "/v1/terminal-checkouts", request, options?.IdempotencyKey, ct);
    public Task<TerminalCheckoutView> GetAsync(string checkoutId, CancellationToken ct = default) =>
        t.Send<TerminalCheckoutView>(HttpMethod.Get, Of(checkoutId), null, null, ct);
    /// <summary>Filters: Status, DeviceId.</summary>
    public IAsyncEnumerable<TerminalCheckoutView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<TerminalCheckoutView>("/v1/terminal-checkouts", options, ct);
    /// <summary>The device shows it to the buyer (device token only).</summary>
    public Task<TerminalCheckoutView> StartAsync(string checkoutId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<TerminalCheckoutView>(HttpMethod.Post, Of(checkoutId) + "/start", new EmptyRequest(), options?.IdempotencyKey, ct);
    /// <summary>The buyer paid: card_present with what the reader read, or cash with what was handed over (device token only).</summary>
    public Task<TerminalCheckoutView> CompleteAsync(string checkoutId, CompleteTerminalCheckoutRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<TerminalCheckoutView>(HttpMethod.Post, Of(checkoutId) + "/complete", request, options?.IdempotencyKey, ct);
    public Task<TerminalCheckoutView> CancelAsync(string checkoutId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<TerminalCheckoutView>(HttpMethod.Post, Of(checkoutId) + "/cancel", new EmptyRequest(), options?.IdempotencyKey, ct);
}
