namespace Flint.Domain.Devices;

/// <summary>Where a paired device works: its location. It reaches what was made there and what belongs to no location
/// (online orders); another location's orders, payments, refunds, sessions and terminal checkouts are ones it does not
/// know (404, or "No such order." when named in a body).</summary>
public static class LocationReach
{
    public static bool Reaches(string deviceLocation, string? objectLocation) =>
        objectLocation is null || objectLocation == deviceLocation;
}
