using System.Net;
using System.Text.Json.Nodes;
using Flint.Api.Tests.Checkout;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Apps;

/// <summary>A merchant with a dashboard user, signed in through /login like a browser without JavaScript.</summary>
internal sealed record SignedInMerchant(string MerchantId, ApiClient Test, ApiClient Live, string Email, string Password, HttpClient Browser);

/// <summary>A registered app: its ids, secret and redirect URI.</summary>
internal sealed record RegisteredApp(string ClientId, string ClientSecret, string RedirectUri, JsonNode View);

/// <summary>The tokens of one install, as /oauth/token answered them.</summary>
internal sealed record InstalledApp(string AccessToken, string RefreshToken, string InstallationId, string Scope, ApiClient Api);

/// <summary>The partner-app install over plain HTTP, step by step as the app and the merchant's browser make it.</summary>
internal static class AppInstalls
{
    public const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    public const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    public const string RedirectUri = "https://app.example/callback";

    public static async Task<SignedInMerchant> Merchant(ApiFixture f, string name)
    {
        var email = $"{Guid.NewGuid():N}@shop.example";
        const string password = "correct horse battery";
        var created = await f.Admin.Post("/v1/merchants", $$"""{"name":"{{name}}","email":"{{email}}","password":"{{password}}"}""");
        Assert.True(created.Status == 201, created.ToString());
        var keys = created.Data["api_keys"]!;
        var browser = await SignIn(f, email, password);
        return new SignedInMerchant(created.Data.Str("merchant_id"), f.With(keys["test"]!.GetValue<string>()), f.With(keys["live"]!.GetValue<string>()),
            email, password, browser);
    }

    /// <summary>A browser without JavaScript, signed in through /login as the dashboard user.</summary>
    public static async Task<HttpClient> SignIn(ApiFixture f, string email, string password)
    {
        var browser = CheckoutForms.Browser(f.Host.BaseAddress);
        var form = await browser.GetStringAsync("/login?return_url=%2Flogin%2Fdone");
        var signedIn = await CheckoutForms.Submit(browser, form, "/login", new() { ["email"] = email, ["password"] = password });
        Assert.True(signedIn.StatusCode == HttpStatusCode.SeeOther, await signedIn.Content.ReadAsStringAsync());
        return browser;
    }

    public static async Task<RegisteredApp> Register(ApiClient developer, IEnumerable<string> scopes, string name = "Label printer")
    {
        var r = await developer.Post("/v1/partner-apps", $$"""
            {"name":"{{name}}","redirect_uris":["{{RedirectUri}}"],"scopes":[{{string.Join(",", scopes.Select(s => $"\"{s}\""))}}],"description":"Prints shipping labels."}
            """);
        Assert.True(r.Status == 201, r.ToString());
        return new RegisteredApp(r.Data.Str("client_id"), r.Data.Str("client_secret"), RedirectUri, r.Data);
    }

    public static string AuthorizeUrl(RegisteredApp app, string scope, string state = "st-1", string environment = "test", string? redirectUri = null,
        string? challenge = Challenge) =>
        "/oauth/authorize?response_type=code&client_id=" + app.ClientId + "&redirect_uri=" + Uri.EscapeDataString(redirectUri ?? app.RedirectUri)
        + "&scope=" + Uri.EscapeDataString(scope) + "&state=" + Uri.EscapeDataString(state) + "&environment=" + environment
        + (challenge is null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");

    /// <summary>The approval page, then its Approve (or Deny) button: the redirect back to the app.</summary>
    public static Task<Uri> Decide(SignedInMerchant m, string authorizeUrl, bool approve = true) => Decide(m.Browser, authorizeUrl, approve);

    public static async Task<Uri> Decide(HttpClient browser, string authorizeUrl, bool approve = true)
    {
        var page = await browser.GetAsync(authorizeUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode} {html}");
        var decided = await CheckoutForms.Submit(browser, html, "/oauth/authorize", new() { ["decision"] = approve ? "approve" : "deny" });
        Assert.True(decided.StatusCode == HttpStatusCode.SeeOther, await decided.Content.ReadAsStringAsync());
        return decided.Headers.Location!;
    }

    public static string Query(Uri redirect, string name) =>
        System.Web.HttpUtility.ParseQueryString(redirect.Query)[name] ?? throw new InvalidOperationException($"no {name} in {redirect}");

    public static Task<HttpResponseMessage> Token(ApiFixture f, params (string Name, string Value)[] fields) =>
        f.Host.Client.PostAsync("/oauth/token", new FormUrlEncodedContent(fields.Select(x => KeyValuePair.Create(x.Name, x.Value))));

    public static async Task<JsonNode> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    /// <summary>The whole install: approve in the browser, exchange the code (PKCE and the secret).</summary>
    public static Task<InstalledApp> Install(ApiFixture f, SignedInMerchant m, RegisteredApp app, string scope, string environment = "test") =>
        Install(f, m.Browser, app, scope, environment);

    public static async Task<InstalledApp> Install(ApiFixture f, HttpClient browser, RegisteredApp app, string scope, string environment = "test")
    {
        var back = await Decide(browser, AuthorizeUrl(app, scope, environment: environment));
        var token = await Token(f, ("grant_type", "authorization_code"), ("code", Query(back, "code")), ("redirect_uri", app.RedirectUri),
            ("client_id", app.ClientId), ("client_secret", app.ClientSecret), ("code_verifier", Verifier));
        var body = await Json(token);
        Assert.True(token.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return new InstalledApp(body.Str("access_token"), body.Str("refresh_token"), body.Str("installation_id"), body.Str("scope"),
            f.With(body.Str("access_token")));
    }
}
