using Flint.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Flint.Api.Tests.Browser;

/// <summary>The API docs page (/docs, Scalar) in headless Chromium: it renders the OpenAPI document with scripts,
/// so what is asserted here was drawn by the browser, not only sent by the host.</summary>
[Collection(ApiCollection.Name)]
public sealed class BrowserSmokeTests(ApiFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_docs_page_renders_the_API_reference_on_a_desktop_and_a_phone()
    {
        await using var page = await browser.NewPage(f.Host.BaseAddress);
        await page.Open("/docs");
        Assert.Equal("Flint API", await page.Page.TitleAsync());
        Assert.StartsWith(new Uri(f.Host.BaseAddress, "/docs").ToString(), page.Url);
        // Drawn from /openapi/v1.json by the page's scripts after load.
        var heading = page.Page.GetByRole(AriaRole.Heading, new() { Name = "Flint API", Exact = true });
        await heading.WaitForAsync();
        await page.WaitForText("One commerce API where the order is the source of truth");
        Assert.Contains("Authorization: Bearer sk_test_", await page.Text());
        Assert.True(File.Exists(await page.Screenshot("desktop")));

        await page.SetViewport(360, 740);
        Assert.True(await heading.IsVisibleAsync(), "the API's title is not visible 360 px wide");
        Assert.False(await page.OverflowsHorizontally(), "the docs page scrolls sideways 360 px wide");
        var png = await page.Screenshot("phone");
        Assert.True(new FileInfo(png).Length > 1000, $"{png} is nearly empty");
    }
}
