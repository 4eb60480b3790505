using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Flint.Domain.Webhooks;

/// <summary>
/// The signature of a webhook delivery, the one place it is made and checked: the header
/// <c>Flint-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c> (one <c>v1</c> per
/// secret while a rolled secret is still valid). A receiver recomputes the HMAC over the raw body it got, compares in
/// constant time, and refuses a timestamp older than its tolerance (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Flint-Signature";
    public const string EventIdHeader = "Flint-Event-Id";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(IEnumerable<string> secrets, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return "t=" + t + string.Concat(secrets.Select(s => ",v1=" + Hmac(s, t, body)));
    }

    /// <summary>Whether <paramref name="header"/> holds a valid signature of <paramref name="body"/> by
    /// <paramref name="secret"/>, made within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string? header, string body, string secret, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(header)) return false;
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) continue;
            if (kv[0] == "t") t = kv[1];
            else if (kv[0] == "v1") signatures.Add(kv[1]);
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? DefaultTolerance)) return false;
        var expected = Encoding.ASCII.GetBytes(Hmac(secret, t, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    private static string Hmac(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body)));
}

/// <summary>Where webhooks may be sent: an absolute http(s) URL without credentials; in live mode never to a
/// loopback, link-local or private address — checked on the URL's literal address here, and on every address its host
/// resolves to when a delivery is sent (<see cref="IsPublic"/>), since DNS can change.</summary>
public static class WebhookUrl
{
    public const int MaxLength = 2048;

    public static Uri Validate(string? url, bool liveMode, string param = "url")
    {
        if (url is null) throw DomainException.Missing(param);
        if (url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host))
            throw DomainException.Invalid("INVALID_URL", "Send an absolute http(s) URL without credentials, at most 2048 characters.", param);
        if (liveMode && (uri.Scheme != "https" || uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && !IsPublic(ip))
            || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
            throw DomainException.Invalid("INVALID_URL", "A live endpoint must be https on a public address.", param);
        return uri;
    }

    /// <summary>Not loopback, link-local, private (RFC 1918, unique local), unspecified or multicast.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254) || b[0] == 0 || b[0] >= 224 || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }
}

/// <summary>
/// When a failed delivery is tried again: after 1 minute, then doubling (2, 4, 8 … minutes, at most 6 hours apart),
/// until 3 days after the first attempt — then the delivery fails for good and the endpoint is disabled. In test mode
/// the same curve runs in seconds, for at most 5 minutes, so a merchant can watch it.
/// </summary>
public static class WebhookRetry
{
    public static TimeSpan Window(bool testMode) => testMode ? TimeSpan.FromMinutes(5) : TimeSpan.FromDays(3);

    /// <summary>The next attempt after <paramref name="failedAttempts"/> failures of a delivery first tried at
    /// <paramref name="firstAttemptAt"/>, or null when the window is over.</summary>
    public static DateTimeOffset? NextAttemptAt(DateTimeOffset firstAttemptAt, int failedAttempts, DateTimeOffset now, bool testMode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var unit = testMode ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1);
        var cap = testMode ? TimeSpan.FromSeconds(30) : TimeSpan.FromHours(6);
        var delay = unit * Math.Pow(2, Math.Min(failedAttempts - 1, 20));
        if (delay > cap) delay = cap;
        var next = now + delay;
        return next - firstAttemptAt > Window(testMode) ? null : next;
    }
}
