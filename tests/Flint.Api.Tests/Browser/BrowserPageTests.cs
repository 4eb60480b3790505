using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flint.Api.Tests.Browser;

/// <summary>The helpers themselves, on a form served by a throwaway loopback server: what a hosted checkout test
/// does (fill by label and by name, click a button by its text, follow a POST's redirect, read the result).</summary>
public sealed class BrowserPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Form = """
        <!doctype html><html><head><title>Pay</title><meta name="viewport" content="width=device-width"></head><body>
        <form method="post" action="/submit">
          <label for="email">Email</label><input id="email" name="email" type="email">
          <input name="card_number" placeholder="1234 1234 1234 1234">
          <button type="button">Cancel</button><button type="submit">Pay 10.00 EUR</button>
        </form></body></html>
        """;

    [Fact]
    public async Task A_form_is_filled_by_label_and_name_submitted_by_its_button_and_the_next_page_read()
    {
        await using var site = await StartSite();
        await using var page = await browser.NewPage(site.BaseAddress);
        await page.SetViewport(360);
        await page.Open("/form");
        await page.Fill("Email", "ana@example.com");
        await page.Fill("card_number", "4242 4242 4242 4242");
        await page.Screenshot("filled");
        await page.Click("Pay 10.00 EUR");
        await page.WaitForUrl("**/done?**");

        Assert.StartsWith(new Uri(site.BaseAddress, "/done?").ToString(), page.Url);
        Assert.Equal("ana@example.com paid with 4242 4242 4242 4242", await page.Text("#result"));
        Assert.Contains("Thank you", await page.Text());
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Opening_a_page_that_answers_404_fails_the_test()
    {
        await using var site = await StartSite();
        await using var page = await browser.NewPage(site.BaseAddress);
        // A 404 with a body loads, and Open fails on its status.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => page.Open("/not-found-page"));
        Assert.Contains("answered 404", e.Message);
        // An empty 404 fails the navigation itself (net::ERR_HTTP_RESPONSE_CODE_FAILURE). Last: Chromium then commits
        // its own error page, which can interrupt a navigation started right after it on the same page.
        e = await Assert.ThrowsAsync<InvalidOperationException>(() => page.Open("/missing"));
        Assert.Contains("/missing", e.Message);
    }

    private sealed class Site(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        public Uri BaseAddress { get; } = baseAddress;
        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private static async Task<Site> StartSite()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/form", () => Results.Content(Form, "text/html"));
        app.MapGet("/not-found-page", () => Results.Content("<h1>No such page</h1>", "text/html", statusCode: 404));
        app.MapPost("/submit", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return Results.Redirect($"/done?email={Uri.EscapeDataString(form["email"].ToString())}&card={Uri.EscapeDataString(form["card_number"].ToString())}");
        });
        app.MapGet("/done", (string email, string card) => Results.Content(
            $"""<!doctype html><title>Done</title><h1>Thank you</h1><p id="result">{WebUtility.HtmlEncode(email)} paid with {WebUtility.HtmlEncode(card)}</p>""",
            "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Site(app, new Uri(address));
    }
}
