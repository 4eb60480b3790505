using System.Globalization;
using Flint.Api.Infrastructure;
using Flint.Domain.Users;
using Microsoft.AspNetCore.Authentication;

namespace Flint.Api.Users;

/// <summary>
/// The sign-in pages of a merchant's dashboard users, server-rendered like the checkout page (<see cref="HostedPages"/>:
/// no script, strict CSP, every string encoded, antiforgery on every form):
/// <list type="bullet">
/// <item><c>GET /login?return_url=/local/path</c>: email and password.</item>
/// <item><c>POST /login</c>: signs in (the <c>flint_session</c> cookie, <see cref="SignIn"/>) and sends the browser to
/// <c>return_url</c> with a 303 — only a path on this site; anything else goes to <c>/login/done</c>. A wrong password
/// and an unknown email get the same answer; too many wrong passwords lock the user (<see cref="SignInLockout"/>).</item>
/// <item><c>GET /login/done</c>: who is signed in. <c>GET /logout</c> / <c>POST /logout</c>: signs out.</item>
/// </list>
/// </summary>
public static class SignInPages
{
    public const string WrongCredentials = "Email or password is wrong.";
    public const string TooManyAttempts = "Too many attempts. Try again in a few minutes.";
    private const string Expired = "This form has expired. Try again.";

    public static void MapSignInPages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("").ExcludeFromDescription();
        g.MapGet("/login", (HttpContext ctx) =>
        {
            HostedPages.Secure(ctx);
            return LoginForm(ctx, ctx.Request.Query["return_url"].ToString(), "", null, 200);
        });

        g.MapPost("/login", async (HttpContext ctx, UserAccounts accounts) =>
        {
            HostedPages.Secure(ctx);
            if (await HostedPages.Forged(ctx)) return LoginForm(ctx, "", "", Expired, 400);
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var email = form["email"].ToString();
            var returnUrl = form["return_url"].ToString();
            switch (await accounts.SignIn(email, form["password"].ToString(), ctx.RequestAborted))
            {
                case SignInOutcome.SignedIn(var user):
                    await ctx.SignInAsync(SignIn.Scheme, SignIn.Principal(new SignedInUser(user.Id, user.MerchantId, user.Email)),
                        // A browser-session cookie: closing the browser ends it; the ticket inside ends after 8 h unused anyway.
                        new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
                    ctx.Response.Headers.Location = SignIn.IsLocalPath(returnUrl) ? returnUrl : "/login/done";
                    return Results.StatusCode(StatusCodes.Status303SeeOther);
                case SignInOutcome.LockedOut(var until):
                    var wait = Math.Max(1, (int)Math.Ceiling((until - ctx.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
                    ctx.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                    return LoginForm(ctx, returnUrl, email, TooManyAttempts, StatusCodes.Status429TooManyRequests);
                default:
                    return LoginForm(ctx, returnUrl, email, WrongCredentials, 400);
            }
        });

        g.MapGet("/login/done", async (HttpContext ctx) =>
        {
            HostedPages.Secure(ctx);
            if (await SignIn.CurrentAsync(ctx) is not { } user)
            {
                ctx.Response.Headers.Location = "/login";
                return Results.StatusCode(StatusCodes.Status303SeeOther);
            }
            return HostedPages.Document(ctx, "Signed in",
                $"""<h1>Signed in</h1><p id="signed-in-as">Signed in as {HostedPages.E(user.Email)}.</p>{LogoutForm(ctx)}""", 200);
        });

        g.MapGet("/logout", (HttpContext ctx) =>
        {
            HostedPages.Secure(ctx);
            return HostedPages.Document(ctx, "Sign out", $"<h1>Sign out</h1>{LogoutForm(ctx)}", 200);
        });

        g.MapPost("/logout", async (HttpContext ctx) =>
        {
            HostedPages.Secure(ctx);
            if (await HostedPages.Forged(ctx))
                return HostedPages.Document(ctx, "Sign out", $"""<h1>Sign out</h1><p class="error" role="alert" id="error">{Expired}</p>{LogoutForm(ctx)}""", 400);
            await ctx.SignOutAsync(SignIn.Scheme);
            return HostedPages.Message(ctx, "Signed out", "You are signed out of Flint.", 200, "/login", "Sign in again");
        });
    }

    private static IResult LoginForm(HttpContext ctx, string returnUrl, string email, string? error, int status)
    {
        var back = SignIn.IsLocalPath(returnUrl) ? returnUrl : "";
        // What was typed comes back (encoded), unless it cannot be an email anyway.
        var typed = email.Length <= UserRules.MaxEmailLength ? email : "";
        var body = $"""
            <h1>Sign in</h1>
            {(error is null ? "" : $"""<p class="error" role="alert" id="error">{HostedPages.E(error)}</p>""")}
            <form method="post" action="/login">{HostedPages.AntiforgeryField(ctx)}<input type="hidden" name="return_url" value="{HostedPages.E(back)}">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required maxlength="{UserRules.MaxEmailLength}" value="{HostedPages.E(typed)}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="{UserRules.MaxPasswordLength}">
            <button type="submit">Sign in</button></form>
            """;
        return HostedPages.Document(ctx, "Sign in", body, status);
    }

    private static string LogoutForm(HttpContext ctx) =>
        $"""<form method="post" action="/logout">{HostedPages.AntiforgeryField(ctx)}<button type="submit">Sign out</button></form>""";
}
