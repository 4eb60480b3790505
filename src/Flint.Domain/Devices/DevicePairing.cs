using System.Security.Cryptography;

namespace Flint.Domain.Devices;

/// <summary>
/// Pairing a POS device: the merchant makes a 6-character code (<see cref="Alphabet"/>: no 0/O or 1/I/L, read aloud or
/// typed on a register without mistakes; about 10⁹ codes), valid 5 minutes and once; the device sends it without an
/// API key and gets its device token. What a paired device may do is <see cref="Scopes"/>: a register's work — read
/// the catalog and stock, build and pay orders, take payments and give them back (refunds at the register), look
/// customers up, hand a balance to a hosted checkout, run its terminal checkouts — and nothing of the merchant's
/// administration (keys, settings, users, apps, webhooks, other devices). Where it may do it is its location (and
/// online orders): Flint.Api.Devices.DeviceReach.
/// </summary>
public static class DevicePairing
{
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int CodeLength = 6;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The device's own routes (its live orders, its event stream, completing its terminal checkouts): a scope
    /// no partner app can be granted (it is not one of AppScopes.All).</summary>
    public const string SelfScope = "device:self";

    public static readonly IReadOnlyList<string> Scopes =
        ["catalog:read", "inventory:read", "orders:write", "payments:write", "refunds:write", "customers:read", "checkout:write", SelfScope];

    public static string NewCode() => RandomNumberGenerator.GetString(Alphabet, CodeLength);

    /// <summary>A code as typed (any case, spaces or dashes between groups), or null when it cannot be one.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 20) return null;
        var code = new string(typed.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());
        return code.Length == CodeLength && code.All(c => Alphabet.Contains(c)) ? code : null;
    }
}
