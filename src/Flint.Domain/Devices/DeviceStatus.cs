namespace Flint.Domain.Devices;

/// <summary>A device's status: <c>pairing</c> (its code can still be redeemed), <c>paired</c>, <c>unpaired</c> (by the
/// merchant, or its code expired unused).</summary>
public enum DeviceStatus
{
    Pairing,
    Paired,
    Unpaired,
}

public static class DeviceStatuses
{
    public static DeviceStatus Of(bool paired, bool unpaired, DateTimeOffset? codeExpiresAt, DateTimeOffset now) =>
        paired ? DeviceStatus.Paired
        : unpaired || codeExpiresAt <= now ? DeviceStatus.Unpaired
        : DeviceStatus.Pairing;
}
