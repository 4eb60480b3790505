namespace Flint.Abstractions;

/// <summary>
/// Who a call acts for — <c>api_key:key_…</c> (the merchant's own key), <c>app:app_…</c> (a partner app's token) or
/// <c>device:dev_…</c> (a paired POS device) — carried from the API into grain calls by Orleans' request context (and on
/// into the calls those make), so an object created in the call records it as its <c>created_by</c>. A device's calls
/// also carry its location, which its payments and refunds record. Work nobody asked for now (a reminder billing a
/// subscription) has none.
/// </summary>
public static class Actors
{
    private const string Key = "flint.actor";
    private const string LocationKey = "flint.location";
    private const string DevicePrefix = "device:";

    public static string? Current => Orleans.Runtime.RequestContext.Get(Key) as string;

    public static void Set(string actor) => Orleans.Runtime.RequestContext.Set(Key, actor);

    /// <summary>A paired device acts, at its location.</summary>
    public static void SetDevice(string deviceId, string locationId)
    {
        Set(DevicePrefix + deviceId);
        Orleans.Runtime.RequestContext.Set(LocationKey, locationId);
    }

    /// <summary>The device the call acts for, or null.</summary>
    public static string? Device => Current is { } a && a.StartsWith(DevicePrefix, StringComparison.Ordinal) ? a[DevicePrefix.Length..] : null;

    /// <summary>The location of the device the call acts for, or null.</summary>
    public static string? DeviceLocation => Device is null ? null : Orleans.Runtime.RequestContext.Get(LocationKey) as string;
}
