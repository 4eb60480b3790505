using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Flint.Domain.Apps;

/// <summary>The OAuth 2.0 rules of the partner-app install: redirect URIs (RFC 6749 §3.1.2, matched exactly), PKCE
/// (RFC 7636, S256 only) and the lifetimes of what the token endpoint issues.</summary>
public static partial class OAuthRules
{
    public const int MaxRedirectUris = 10;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>A redirect URI an app registers: absolute https without a fragment or credentials; plain http only
    /// to a loopback host (127.0.0.1, [::1], localhost) and only for an app of the test environment, for local
    /// development (RFC 8252 §7.3).</summary>
    public static string RedirectUri(string? value, bool testApp, string param)
    {
        if (value is null) throw DomainException.Missing(param);
        if (value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host) || value.Contains('#'))
            throw DomainException.Invalid("INVALID_REDIRECT_URI", "A redirect URI is an absolute https URL without a fragment, at most 2048 characters.", param);
        var loopback = uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        if (uri.Scheme == "http" && !(loopback && testApp))
            throw DomainException.Invalid("INVALID_REDIRECT_URI", "A redirect URI is https (http only to a loopback address, for a test-environment app).", param);
        return value;
    }

    /// <summary>A PKCE code challenge as sent to /oauth/authorize (S256: base64url of a SHA-256, 43 characters).</summary>
    public static bool IsCodeChallenge(string value) => Challenge().IsMatch(value);

    /// <summary>Whether <paramref name="verifier"/> (43–128 unreserved characters) is the one whose S256 challenge is
    /// <paramref name="challenge"/>: BASE64URL(SHA256(ASCII(verifier))), compared in fixed time.</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        if (verifier is null || !Verifier().IsMatch(verifier)) return false;
        var computed = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The redirect back to the app: <paramref name="redirectUri"/> with <paramref name="parameters"/> added to its
    /// query (URL-encoded), keeping the query it already has.</summary>
    public static string Redirect(string redirectUri, params (string Name, string? Value)[] parameters)
    {
        var added = string.Join("&", parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={WebUtility.UrlEncode(p.Value)}"));
        if (added.Length == 0) return redirectUri;
        return redirectUri + (redirectUri.Contains('?') ? (redirectUri.EndsWith('?') || redirectUri.EndsWith('&') ? "" : "&") : "?") + added;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex Challenge();

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex Verifier();
}
