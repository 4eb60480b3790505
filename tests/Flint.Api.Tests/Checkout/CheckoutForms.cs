using System.Net;
using System.Text.RegularExpressions;

namespace Flint.Api.Tests.Checkout;

/// <summary>The hosted pages' forms over plain HTTP, as a browser without JavaScript sends them.</summary>
internal static partial class CheckoutForms
{
    /// <summary>A client like a browser without JavaScript: keeps cookies, does not follow redirects.</summary>
    public static HttpClient Browser(Uri baseAddress) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
        };

    /// <summary>Posts the page's form at <paramref name="action"/>: its hidden fields (antiforgery token, attempt) and
    /// <paramref name="fields"/>.</summary>
    public static Task<HttpResponseMessage> Submit(HttpClient browser, string html, string action, Dictionary<string, string> fields)
    {
        var form = Regex.Match(html, $"<form method=\"post\" action=\"{Regex.Escape(action)}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form posting to {action}");
        var values = new Dictionary<string, string>();
        foreach (Match m in Hidden().Matches(form.Groups[1].Value)) values[m.Groups[1].Value] = WebUtility.HtmlDecode(m.Groups[2].Value);
        foreach (var (k, v) in fields) values[k] = v;
        return browser.PostAsync(action, new FormUrlEncodedContent(values));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex Hidden();
}
