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
}

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
}
