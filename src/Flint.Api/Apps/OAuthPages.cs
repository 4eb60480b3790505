using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Api.Infrastructure;
using Flint.Api.Users;
using Flint.Domain.Apps;
using Flint.Persistence.Lists;
using static Flint.Api.Infrastructure.HostedPages;

namespace Flint.Api.Apps;

/// <summary>
/// The hosted install, <c>GET /oauth/authorize</c> (RFC 6749 §4.1.1, PKCE per RFC 7636): the request is checked against
/// the app first — an unknown client or a redirect URI the app did not register is shown to the merchant and never
/// redirected to; other faults go back to the app as <c>error=…</c>. Then the merchant signs in (if not already) and
/// sees the approval page: the app, the environment, and each scope in plain words. Approve sends the browser back with
/// a single-use code (5 minutes) and the <c>state</c>; Deny with <c>error=access_denied</c>. The form carries the
/// request's parameters and is checked again when posted (antiforgery, sign-in, the app's rules).
/// </summary>
public static class OAuthPages
{
    private static readonly string[] RequestFields =
        ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "environment"];

    public static void MapOAuthPages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/oauth").ExcludeFromDescription();
        g.MapGet("/authorize", async (HttpContext ctx, IGrainFactory grains, IObjectTenants tenants) =>
        {
            Secure(ctx);
            var fields = RequestFields.ToDictionary(f => f, f => ctx.Request.Query[f].ToString() is { Length: > 0 } v ? v : null);
            var (consent, refused) = await Check(ctx, grains, tenants, fields);
            if (refused is not null) return refused;
            var user = await SignIn.CurrentAsync(ctx);
            if (user is null)
            {
                ctx.Response.Headers.Location = SignIn.LoginUrl(ctx.Request.Path + ctx.Request.QueryString);
                return Results.StatusCode(303);
            }
            return Approval(ctx, consent!, fields, user);
        });

        g.MapPost("/authorize", async (HttpContext ctx, IGrainFactory grains, IObjectTenants tenants) =>
        {
            Secure(ctx);
            if (await Forged(ctx)) return Message(ctx, "This form has expired", "Go back to the app and start the installation again.", 400, null, "");
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var fields = RequestFields.ToDictionary(f => f, f => form[f].ToString() is { Length: > 0 } v ? v : null);
            var (consent, refused) = await Check(ctx, grains, tenants, fields);
            if (refused is not null) return refused;
            var user = await SignIn.CurrentAsync(ctx);
            if (user is null) return Message(ctx, "You were signed out", "Go back to the app and start the installation again.", 401, null, "");
            if (form["decision"].ToString() != "approve")
                return Back(ctx, OAuthRules.Redirect(consent!.RedirectUri, ("error", "access_denied"),
                    ("error_description", "The merchant denied the request."), ("state", fields["state"])));
            var tenant = new Tenant(user.MerchantId, consent!.Environment);
            var installation = grains.GetGrain<IInstallationGrain>(tenant.GrainKey(Installations.IdOf(tenant, consent.AppId, consent.AppCreatedAt)));
            var code = await installation.Approve(consent, user.UserId);
            return Back(ctx, OAuthRules.Redirect(consent.RedirectUri, ("code", code), ("state", fields["state"])));
        });
    }

    /// <summary>The request checked against its app: the consent to show, or the answer that refuses it.</summary>
    private static async Task<(AppConsent? Consent, IResult? Refused)> Check(HttpContext ctx, IGrainFactory grains, IObjectTenants tenants,
        Dictionary<string, string?> f)
    {
        var app = f["client_id"] is { } clientId ? await OAuthEndpoints.App(grains, tenants, clientId, ctx.RequestAborted) : null;
        if (app is null) return (null, Message(ctx, "Unknown app", "The link that brought you here names no app of Flint. Nothing was installed.", 400, null, ""));
        var answer = await app.Consent(new AuthorizationRequest(f["response_type"], f["redirect_uri"], f["scope"], f["code_challenge"],
            f["code_challenge_method"], f["environment"]));
        if (answer.Refusal is { Redirect: false } page)
            return (null, Message(ctx, "This link cannot be used", page.Description + " Nothing was installed.", 400, null, ""));
        if (answer.Refusal is { } r)
            return (null, Back(ctx, OAuthRules.Redirect(answer.RedirectUri!, ("error", r.Error), ("error_description", r.Description), ("state", f["state"]))));
        // The form may send the browser on to the app's redirect URI (CSP form-action covers redirects after a post).
        Secure(ctx, "'self' " + Origin(answer.Consent!.RedirectUri));
        return (answer.Consent, null);
    }

    private static IResult Approval(HttpContext ctx, AppConsent c, Dictionary<string, string?> fields, SignedInUser user)
    {
        var b = new StringBuilder();
        b.Append($"""<h1>Install {E(c.AppName)}?</h1>""");
        if (c.Description is not null) b.Append($"""<p>{E(c.Description)}</p>""");
        b.Append($"""<p id="environment">{E(c.AppName)} asks for access to your <strong>{(c.Environment == Tenant.Live ? "live" : "test")}</strong> data.</p>""");
        b.Append("""<h2>It will be able to:</h2><ul id="scopes">""");
        foreach (var scope in c.Scopes) b.Append($"""<li>{E(AppScopes.Words(scope))} <span class="hint">({E(scope)})</span></li>""");
        b.Append("</ul>");
        b.Append($"""<p class="hint">Signed in as {E(user.Email)}. You can uninstall the app at any time; it then loses access at once.</p>""");
        b.Append($"""<form method="post" action="/oauth/authorize">{AntiforgeryField(ctx)}""");
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
            b.Append($"""<input type="hidden" name="{E(name)}" value="{E(value!)}">""");
        b.Append("""<button type="submit" name="decision" value="approve" id="approve">Approve</button>""");
        b.Append("""<button type="submit" name="decision" value="deny" id="deny" class="secondary">Deny</button></form>""");
        return Document(ctx, $"Install {c.AppName}", b.ToString(), 200);
    }

    /// <summary>303 back to the app (its registered redirect URI).</summary>
    private static IResult Back(HttpContext ctx, string url)
    {
        ctx.Response.Headers.Location = url;
        return Results.StatusCode(303);
    }
}
