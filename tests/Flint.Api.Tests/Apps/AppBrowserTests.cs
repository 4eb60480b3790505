using Flint.Api.Tests.Browser;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Payments;
using static Flint.Api.Tests.Apps.AppInstalls;

namespace Flint.Api.Tests.Apps;

/// <summary>The hosted install in headless Chromium: a merchant who is not signed in opens the app's authorize link,
/// signs in, approves, and the browser lands on the app's redirect URI (here a page of the test host) with the code and
/// the state; the app exchanges the code and calls /v1 with the token.</summary>
[Collection(ApiCollection.Name)]
public sealed class AppBrowserTests(ApiFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_merchant_signs_in_approves_the_app_and_lands_on_its_redirect_uri_with_the_code_and_state()
    {
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var redirect = f.Host.BaseAddress.ToString().TrimEnd('/') + "/health/live";
        var created = await developer.Post("/v1/partner-apps", $$"""
            {"name":"Label printer <b>Pro</b>","redirect_uris":["{{redirect}}"],"scopes":["orders:read","catalog:read"],"description":"Prints shipping labels."}
            """);
        Assert.True(created.Status == 201, created.ToString());
        var app = new RegisteredApp(created.Data.Str("client_id"), created.Data.Str("client_secret"), redirect, created.Data);
        var email = $"{Guid.NewGuid():N}@shop.example";
        var merchant = await f.Admin.Post("/v1/merchants", $$"""{"name":"Browser shop","email":"{{email}}","password":"correct horse battery"}""");
        Assert.True(merchant.Status == 201, merchant.ToString());
        var shopKey = f.With(merchant.Data["api_keys"]!["test"]!.GetValue<string>());
        var order = await shopKey.Post("/v1/orders", """{"line_items":[{"name":"Tea","unit_price_money":{"amount":450,"currency":"USD"},"quantity":1}]}""");

        await using var page = await browser.NewPage(f.Host.BaseAddress, width: 360);
        await page.Open(AuthorizeUrl(app, "orders:read", state: "abc123"));
        await page.WaitForAddress(url => url.Contains("/login?return_url=", StringComparison.Ordinal));
        await page.Screenshot("sign-in");
        await page.Fill("Email", email);
        await page.Fill("Password", "correct horse battery");
        await page.Page.Locator("form[action='/login'] button[type=submit]").ClickAsync();
        await page.WaitForText("It will be able to:");
        Assert.Contains("Install Label printer <b>Pro</b>?", await page.Text("h1"));   // the app's name is text, not markup
        Assert.Contains("See your orders", await page.Text("#scopes"));
        Assert.DoesNotContain("See your products", await page.Text("#scopes"));
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("approval");
        await page.Click("Approve");
        await page.WaitForAddress(url => url.StartsWith(redirect + "?code=", StringComparison.Ordinal));
        await page.WaitForText("Healthy");

        var landed = new Uri(page.Url);
        Assert.Equal("abc123", Query(landed, "state"));
        var token = await Json(await Token(f, ("grant_type", "authorization_code"), ("code", Query(landed, "code")), ("redirect_uri", redirect),
            ("client_id", app.ClientId), ("client_secret", app.ClientSecret), ("code_verifier", Verifier)));
        var orders = await f.With(token.Str("access_token")).ListAll("/v1/orders");
        Assert.Equal([order.Data.Str("order_id")], orders.Select(o => o!.Str("order_id")));
        Assert.Empty(page.Errors);
    }
}
