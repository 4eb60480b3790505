namespace Flint.Abstractions.Devices;

[GenerateSerializer, Alias("flint.devices.create_code")]
public sealed class CreateDeviceCodeRequest
{
    /// <summary>What the device is called on the dashboard ("Till 2").</summary>
    [Id(0)] public string? Name { get; set; }
    /// <summary>The location the device works at (an active one).</summary>
    [Id(1)] public string? LocationId { get; set; }
}

[GenerateSerializer, Alias("flint.devices.pair")]
public sealed class PairDeviceRequest
{
    [Id(0)] public string? Code { get; set; }
    /// <summary>The POS app's version, shown on the dashboard.</summary>
    [Id(1)] public string? AppVersion { get; set; }
}

[GenerateSerializer, Alias("flint.devices.device_view"), Immutable]
public sealed record DeviceView
{
    [Id(0)] public required string DeviceId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string LocationId { get; init; }
    /// <summary>pairing (a code is out) | paired | unpaired (the code expired unused, or the device was unpaired)</summary>
    [Id(3)] public required string Status { get; init; }
    /// <summary>The pairing code, in the answer that makes it only.</summary>
    [Id(4)] public string? Code { get; init; }
    [Id(5)] public DateTimeOffset? CodeExpiresAt { get; init; }
    [Id(6)] public DateTimeOffset? PairedAt { get; init; }
    [Id(7)] public DateTimeOffset? LastSeenAt { get; init; }
    [Id(8)] public string? AppVersion { get; init; }
    [Id(9)] public DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(11)] public long Version { get; init; }
    /// <summary>Who made the code: api_key:key_….</summary>
    [Id(12)] public string? CreatedBy { get; init; }
    /// <summary>The orders open on its screen (its live orders), whose every change its event stream carries.</summary>
    [Id(13)] public IReadOnlyList<string> LiveOrderIds { get; init; } = [];
}

[GenerateSerializer, Alias("flint.devices.live_order")]
public sealed class DeviceOrderRequest
{
    /// <summary>An order made at the device's location, or at none (an online order the register takes over).</summary>
    [Id(0)] public string? OrderId { get; set; }
}

/// <summary>One event of a device's stream (<c>GET /v1/devices/me/events</c>): its number in the device's stream (the
/// server-sent event's id, which <c>Last-Event-ID</c> names on reconnect), its type and the JSON it carries.</summary>
[GenerateSerializer, Alias("flint.devices.stream_event"), Immutable]
public sealed record DeviceStreamEvent([property: Id(0)] long Seq, [property: Id(1)] string Type, [property: Id(2)] string Json);

/// <summary>What the device gets when it pairs: its token, shown this once.</summary>
[GenerateSerializer, Alias("flint.devices.paired"), Immutable]
public sealed record PairedDevice(
    [property: Id(0)] DeviceView Device,
    [property: Id(1)] string DeviceToken,
    [property: Id(2)] string MerchantId,
    [property: Id(3)] string Environment,
    [property: Id(4)] IReadOnlyList<string> Scopes);

[GenerateSerializer, Alias("flint.devices.device_access"), Immutable]
public sealed record DeviceAccess([property: Id(0)] string LocationId, [property: Id(1)] IReadOnlyList<string> Scopes);

/// <summary>A pairing code, found by the code alone (grain key: the code), pointing at its device.</summary>
[GenerateSerializer, Alias("flint.devices.code_holder"), Immutable]
public sealed record PairingCodeHolder([property: Id(0)] string MerchantId, [property: Id(1)] string Environment, [property: Id(2)] string DeviceId);

/// <summary>One pairing code, cluster-wide (its key is the code, so two tenants can never hold the same live code).</summary>
public interface IPairingCodeGrain : IGrainWithStringKey
{
    /// <summary>Takes the code for the device until <paramref name="expiresAt"/>; false when it is held (unexpired).</summary>
    Task<bool> Reserve(PairingCodeHolder holder, DateTimeOffset expiresAt);
    /// <summary>The device the code pairs, once: null when unknown, expired or used.</summary>
    Task<PairingCodeHolder?> Redeem();
}

public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>A new device waiting to pair at <see cref="CreateDeviceCodeRequest.LocationId"/>, and its code.</summary>
    Task<DeviceView> Create(CreateDeviceCodeRequest request);
    /// <summary>Its code was redeemed: the device is paired and gets its token (INVALID_CODE when it is not waiting).</summary>
    Task<PairedDevice> Pair(string? appVersion);
    /// <summary>Null unless the token is this paired device's. (Not interleaved: it may write when the device was last seen.)</summary>
    Task<DeviceAccess?> Authenticate(string tokenHash);
    Task<DeviceView> Get();
    /// <summary>The token stops working at once.</summary>
    Task<DeviceView> Unpair();
    /// <summary>Puts the order on the device's screen: its changes go out on the device's stream (order.opened now,
    /// order.updated on each change). Not found unless the order is at the device's location or at none.</summary>
    Task<DeviceView> OpenOrder(string? orderId);
    /// <summary>Takes the order off the screen (order.closed); its changes stop going out.</summary>
    Task<DeviceView> CloseOrder(string orderId);
    /// <summary>A terminal checkout was sent to this device: terminal_checkout.created now, .updated on each change
    /// until it completes or is canceled. Its order is opened too.</summary>
    Task Watch(Flint.Abstractions.Devices.TerminalCheckoutView checkout);
    /// <summary>The number of the stream's newest event, once it is past <paramref name="after"/> or
    /// <paramref name="wait"/> has passed (whichever first); -1 asks for the newest now. A stream is listening
    /// while these calls come: changes are looked for several times a second until none came for a minute.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<long> Listen(long after, TimeSpan wait);
}

/// <summary>How a device's stream is kept: each event a row of the device's log (flint_object_log, kind
/// <see cref="DeviceProjection.StreamLogKind"/>) whose id is the event's number, zero-padded so the ids sort as the
/// numbers do.</summary>
public static class DeviceStream
{
    public static string RowId(long seq) => seq.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}
