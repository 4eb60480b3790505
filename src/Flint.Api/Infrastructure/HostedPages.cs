using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Flint.Api.Infrastructure;

/// <summary>
/// What every server-rendered page of Flint shares (hosted checkout, payment links, sign-in): the HTML document around
/// a page's body with its one stylesheet, the security headers, HTML encoding of every string that is not ours, and the
/// antiforgery field and check of every form (ASP.NET Core's, cookie-bound, form field <c>csrf</c>). A page adds only
/// what it shows.
/// </summary>
public static class HostedPages
{
    public const string StylesheetPath = "/assets/pages.css";

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static void MapHostedPageAssets(this IEndpointRouteBuilder app) =>
        app.MapGet(StylesheetPath, (HttpContext ctx) =>
        {
            ctx.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(Css, "text/css; charset=utf-8");
        }).ExcludeFromDescription();

    /// <summary>The origin (scheme, host, port) of an absolute URL, for a CSP source list; "" when it is not one.</summary>
    public static string Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : "";

    /// <summary>HTML-encodes a string for text or a quoted attribute.</summary>
    public static string E(string s) => Html.Encode(s);

    /// <summary>The page: <paramref name="body"/> (already encoded HTML) inside the shared document.</summary>
    public static IResult Document(HttpContext ctx, string title, string body, int status)
    {
        ctx.Response.StatusCode = status;
        return Results.Content($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · Flint</title><link rel="stylesheet" href="{StylesheetPath}"></head>
            <body><main>{body}</main></body></html>
            """, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A page that only says something: a title, a sentence, and an optional link.</summary>
    public static IResult Message(HttpContext ctx, string title, string text, int status, string? link, string linkText) =>
        Document(ctx, title, $"<h1>{E(title)}</h1><p>{E(text)}</p>" + (link is null ? "" : $"""<p><a href="{E(link)}">{E(linkText)}</a></p>"""), status);

    /// <summary>Headers of every page: nothing runs, nothing is framed or cached, no referrer leaves, and forms post only
    /// to <paramref name="formTargets"/> (this origin unless a page adds others). A page that needs more (the checkout
    /// page with Stripe's card element) names its extra image sources and its further directives.</summary>
    public static void Secure(HttpContext ctx, string formTargets = "'self'", string images = "'self'", string? moreDirectives = null)
    {
        ctx.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'self'; img-src {images}{(moreDirectives is null ? "" : "; " + moreDirectives)}; form-action {formTargets}; base-uri 'none'; frame-ancestors 'none'";
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
        // What ASP.NET Core's antiforgery sets on a page with a token anyway (it logs a warning when it has to change them).
        ctx.Response.Headers.CacheControl = "no-cache, no-store";
        ctx.Response.Headers.Pragma = "no-cache";
    }

    /// <summary>The hidden antiforgery field for a form of this page (and its cookie, set on the response).</summary>
    public static string AntiforgeryField(HttpContext ctx)
    {
        var tokens = ctx.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(ctx);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken!)}">""";
    }

    /// <summary>True when the posted form's antiforgery token is missing or does not match its cookie.</summary>
    public static async Task<bool> Forged(HttpContext ctx)
    {
        try
        {
            await ctx.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(ctx);
            return false;
        }
        catch (AntiforgeryValidationException)
        {
            return true;
        }
    }

    // Readable at 360 px (long words, such as an email, wrap), contrast ≥ 4.5:1, a visible focus ring.
    private const string Css = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f6f6f4}
        main{max-width:32rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}h1{font-size:1.5rem}
        table{width:100%;border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600}
        th,td{padding:.4rem;border-bottom:1px solid #ccc;text-align:left}.n{text-align:right}
        .sums{display:grid;grid-template-columns:1fr auto;gap:.2rem 1rem}.sums dt{margin:0}.sums dd{margin:0;text-align:right}
        form{display:flex;flex-direction:column;gap:.5rem;margin:1rem 0}form.inline{flex-direction:row;flex-wrap:wrap;align-items:end}
        label,.label{font-weight:600}.card-element{padding:.6rem .5rem;border:1px solid #555;border-radius:4px;background:#fff}fieldset{border:1px solid #999;padding:.5rem}fieldset label{display:block;font-weight:400}
        input{font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px;min-width:0}
        button{font:inherit;padding:.6rem 1rem;border:0;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}
        :focus-visible{outline:3px solid #b45309;outline-offset:2px}.hint{font-size:.875rem;color:#444;margin:0}
        .error{background:#fde8e8;color:#8a1c1c;border:1px solid #8a1c1c;padding:.5rem;border-radius:4px}
        a{color:#1d4ed8}
        """;
}
