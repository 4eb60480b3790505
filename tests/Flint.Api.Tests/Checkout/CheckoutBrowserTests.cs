using Flint.Api.Tests.Browser;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Checkout;

/// <summary>The hosted checkout page in headless Chromium, as a buyer uses it (at a phone's 360 px where it matters).
/// The success URL is a page of the test host itself, so the browser really lands on it.</summary>
[Collection(ApiCollection.Name)]
public sealed class CheckoutBrowserTests(ApiFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private string Success => f.Host.BaseAddress.ToString().TrimEnd('/') + "/health/live?session={CHECKOUT_SESSION_ID}";

    private async Task<(ApiClient Api, string Id)> Session(string name, long price, string extra = "")
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Browser"));
        var r = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{{OrderData.AdHoc(name, price)}}],"success_url":"{{Success}}"{{(extra.Length > 0 ? "," + extra : "")}}}
            """);
        Assert.True(r.Status == 201, r.ToString());
        return (api, r.Data.Str("checkout_session_id"));
    }

    /// <summary>Waits until the browser is on the success page (a 303 from the pay form): by its URL and its text.</summary>
    private static async Task Landed(BrowserPage page, string urlPart)
    {
        await page.WaitForAddress(url => url.Contains(urlPart, StringComparison.Ordinal));
        await page.WaitForText("Healthy");
    }

    [Fact]
    public async Task A_buyer_pays_with_a_test_card_on_a_phone_and_lands_on_the_success_url()
    {
        var (api, id) = await Session("Beans", 1999, """ "collect_tip":["10"] """.Trim());
        await using var page = await browser.NewPage(f.Host.BaseAddress, width: 360);

        await page.Open($"/checkout/{id}");
        Assert.Contains("Beans", await page.Text());
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("open");
        await page.Page.GetByLabel("10 % (2.00 USD)").CheckAsync();
        await page.Fill("Email for the receipt", "ada@example.com");
        await page.Fill("Card", "4242 4242 4242 4242");
        await page.Click("Pay 19.99 USD");
        await Landed(page, $"/health/live?session={id}");

        var order = (await api.Get($"/v1/orders/{(await api.Get($"/v1/checkout-sessions/{id}")).Data.Str("order_id")}")).Data;
        Assert.Equal(("paid", 2199L), (order.Str("status"), order.Net("paid")));
        await page.Open($"/checkout/{id}");
        await page.WaitForText("Paid — thank you");
        await page.Screenshot("paid");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_coupon_changes_the_amounts_and_a_decline_shows_its_reason_then_a_retry_pays()
    {
        var (api, id) = await Session("Lamp", 4000, """ "allow_coupons":true """.Trim());
        Assert.Equal(201, (await api.Post("/v1/coupons", """{"code":"SPRING20","discount_type":"percentage","percent_off":"20"}""")).Status);
        await using var page = await browser.NewPage(f.Host.BaseAddress);
        await page.Open($"/checkout/{id}");
        Assert.Equal("40.00 USD", await page.Text("#due"));

        await page.Fill("Coupon code", "spring20");
        await page.Click("Apply");
        await page.WaitForText("Coupon SPRING20 applied.");
        Assert.Equal("32.00 USD", await page.Text("#due"));
        Assert.Equal("-8.00 USD", await page.Text("#discount"));
        await page.Screenshot("coupon");

        await page.Fill("Card", "4000 0000 0000 0002");
        await page.Click("Pay 32.00 USD");
        await page.WaitForText("Your card was declined (card_declined). Try another card.");
        Assert.Equal("alert", await page.Page.Locator("#error").GetAttributeAsync("role"));
        await page.Screenshot("declined");

        await page.Fill("Card", "tok_visa");
        await page.Click("Pay 32.00 USD");
        await Landed(page, $"/health/live?session={id}");
        Assert.Equal("complete", (await api.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));
        // The decline page answers 402, which Chromium logs; nothing else went wrong.
        Assert.DoesNotContain(page.Errors, e => !e.Contains("status of 402", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_link_visited_twice_makes_two_sessions()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Browser"));
        var link = (await api.Post("/v1/payment-links", """{"amount_money":{"amount":2500,"currency":"USD"},"name":"Gift card"}""")).Data;
        await using var page = await browser.NewPage(f.Host.BaseAddress, width: 360);

        await page.Open(link.Str("url"));
        var first = page.Url;
        await page.WaitForText("Gift card");
        await page.Screenshot("link");
        await page.Open(link.Str("url"));
        var second = page.Url;

        Assert.Matches("/checkout/cs_[0-9A-Z]{26}$", first);
        Assert.Matches("/checkout/cs_[0-9A-Z]{26}$", second);
        Assert.NotEqual(first, second);
        Assert.Equal(2, (await api.ListAll("/v1/checkout-sessions")).Count);
    }

    [Fact]
    public async Task A_product_named_like_a_script_renders_as_text_and_an_expired_session_has_its_own_page()
    {
        const string name = "<script>alert(1)</script>";
        var (api, id) = await Session(name, 500);
        await using var page = await browser.NewPage(f.Host.BaseAddress);
        var dialogs = 0;
        page.Page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.Open($"/checkout/{id}");
        Assert.Contains(name, await page.Text("table"));
        Assert.Equal(0, dialogs);
        await page.Screenshot("escaped");

        Assert.Equal(200, (await api.Post($"/v1/checkout-sessions/{id}/expire")).Status);
        var response = await page.Page.GotoAsync($"/checkout/{id}");
        Assert.Equal(410, response!.Status);
        await page.WaitForText("This checkout has expired");
        await page.Screenshot("expired");
        Assert.Equal(0, dialogs);
    }
}
