using Flint.Api.Tests.Browser;
using Flint.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Flint.Api.Tests.Users;

/// <summary>The sign-in page in headless Chromium, as a merchant uses it on a phone.</summary>
[Collection(ApiCollection.Name)]
public sealed class SignInBrowserTests(ApiFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_merchant_signs_in_on_a_phone_after_a_typo_and_lands_on_the_return_page()
    {
        var email = UserData.NewEmail("phone");
        var created = await f.Admin.Post("/v1/merchants", $$"""{"name":"Phone shop","email":"{{email}}","password":"{{UserData.Password}}"}""");
        Assert.True(created.Status == 201, created.ToString());
        await using var page = await browser.NewPage(f.Host.BaseAddress, width: 360);

        await page.Open("/login?return_url=" + Uri.EscapeDataString("/login/done?via=browser"));
        Assert.Equal("Sign in · Flint", await page.Page.TitleAsync());
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("form");

        await page.Fill("Email", email);
        await page.Fill("Password", "correct horse battery staple");
        await page.Click("Sign in");
        await page.WaitForText("Email or password is wrong.");
        Assert.Equal("alert", await page.Page.Locator("#error").GetAttributeAsync("role"));
        Assert.Equal(email, await page.Field("Email").InputValueAsync());
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("wrong-password");

        await page.Fill("Password", UserData.Password);
        await page.Click("Sign in");
        await page.WaitForUrl("**/login/done?via=browser");
        Assert.Equal($"Signed in as {email}.", await page.Text("#signed-in-as"));
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("signed-in");

        var session = Assert.Single(await page.Page.Context.CookiesAsync(), c => c.Name == "flint_session");
        Assert.Equal((true, SameSiteAttribute.Lax, false, -1f), (session.HttpOnly, session.SameSite, session.Secure, session.Expires));
        // The wrong password's page answers 400, which Chromium logs; nothing else went wrong.
        Assert.DoesNotContain(page.Errors, e => !e.Contains("status of 400", StringComparison.Ordinal));
    }
}
