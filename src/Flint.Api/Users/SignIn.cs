using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Flint.Api.Users;

/// <summary>A merchant's dashboard user signed in to Flint's pages.</summary>
public sealed record SignedInUser(string UserId, string MerchantId, string Email);

/// <summary>
/// Who is signed in to Flint's pages, for the pages that need a merchant's user (the OAuth approval page): the
/// <c>flint_session</c> cookie of ASP.NET Core's cookie authentication, written by <c>POST /login</c>
/// (<see cref="SignInPages"/>). The cookie is read only where a page asks (<see cref="CurrentAsync"/>): there is no
/// default scheme and no global authentication, so it never authenticates a /v1 call (those take a Bearer key only)
/// and <c>HttpContext.User</c> stays anonymous (the antiforgery tokens of every form stay unbound to a user).
/// </summary>
public static class SignIn
{
    public const string Scheme = "flint_session";
    public const string CookieName = "flint_session";
    public const string MerchantIdClaim = "merchant_id";

    /// <summary>How long a session lasts without use; each use past half of it renews the cookie (sliding).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    private const string SuppressAutoDefaultScheme = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    /// <summary>The signed-in user of this request, or null. The cookie is checked on every call against the user's
    /// row (<see cref="UserAccounts.IsActive"/>), so a removed user's cookie stops working at once.</summary>
    public static async Task<SignedInUser?> CurrentAsync(HttpContext ctx)
    {
        var result = await ctx.AuthenticateAsync(Scheme);
        return result.Succeeded ? FromPrincipal(result.Principal) : null;
    }

    /// <summary>The sign-in page that comes back to <paramref name="returnUrl"/> once signed in (a local path such as
    /// <c>/oauth/authorize?client_id=…</c>; anything else is dropped: the page never redirects off this site).</summary>
    public static string LoginUrl(string returnUrl) =>
        IsLocalPath(returnUrl) ? "/login?return_url=" + Uri.EscapeDataString(returnUrl) : "/login";

    /// <summary>Whether <paramref name="url"/> is a path on this site, percent-encoded as a request's path and query are
    /// (<c>UriHelper.GetEncodedPathAndQuery</c>): one leading '/', not "//" (another host), no backslash (browsers read
    /// "/\host" as "//host"), and printable ASCII only — no spaces or control characters (browsers drop tabs and newlines,
    /// so "/\t/host" would become "//host"), and nothing a Location header cannot carry.</summary>
    public static bool IsLocalPath(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048 || url[0] != '/') return false;
        if (url.Length > 1 && url[1] == '/') return false;
        foreach (var c in url)
            if (c is < '!' or > '~' or '\\') return false;
        return true;
    }

    internal static ClaimsPrincipal Principal(SignedInUser user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.UserId),
            new Claim(MerchantIdClaim, user.MerchantId),
            new Claim(ClaimTypes.Email, user.Email),
        ], Scheme));

    private static SignedInUser? FromPrincipal(ClaimsPrincipal? principal) =>
        principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } userId
        && principal.FindFirst(MerchantIdClaim)?.Value is { } merchantId
        && principal.FindFirst(ClaimTypes.Email)?.Value is { } email
            ? new SignedInUser(userId, merchantId, email)
            : null;

    /// <summary>Registers the cookie scheme. SameSite=Lax, not Strict: a partner's site sends the merchant to
    /// <c>/oauth/authorize</c> with a top-level redirect, and the session must come along (Lax still keeps it off
    /// cross-site POSTs and subresources). Secure follows the request (<see cref="CookieSecurePolicy.SameAsRequest"/>):
    /// local runs are plain http on 127.0.0.1, where a Secure cookie would never come back; behind https the cookie is
    /// Secure.</summary>
    public static IServiceCollection AddFlintSignIn(this IServiceCollection services)
    {
        // No default scheme, and none inferred from this being the only one (ASP.NET Core makes a lone scheme the default
        // unless this documented switch is on; the options read it when the schemes are built): the host's automatic
        // authentication step then authenticates nobody, and only pages that ask read the cookie.
        AppContext.SetSwitch(SuppressAutoDefaultScheme, true);
        services.AddAuthentication()
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = SessionLifetime;
                o.SlidingExpiration = true;
                // LoginPath and LogoutPath stay unset on purpose: on those paths the handler itself redirects after signing in
                // or out (302 to a return URL from the query string), and /login already answers with its own checked 303.
                // Nothing challenges this scheme; pages send the browser to SignIn.LoginUrl themselves.
                o.Events.OnValidatePrincipal = async c =>
                {
                    var user = FromPrincipal(c.Principal);
                    var accounts = c.HttpContext.RequestServices.GetRequiredService<UserAccounts>();
                    if (user is not null && await accounts.IsActive(user.UserId, user.MerchantId, c.HttpContext.RequestAborted)) return;
                    // Removed (or not a cookie of ours): refuse it and delete it.
                    c.RejectPrincipal();
                    await c.HttpContext.SignOutAsync(Scheme);
                };
            });
        return services;
    }
}
