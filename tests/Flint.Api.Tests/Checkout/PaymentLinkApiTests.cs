using System.Net;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Checkout;

/// <summary>/v1/payment-links and /l/{id}: each visit opens a fresh checkout session; a limited link completes exactly
/// its number of sessions however many buyers pay at once.</summary>
public sealed partial class CheckoutApiTests
{
    [Fact]
    public async Task Each_visit_to_a_link_opens_a_fresh_session_and_a_paid_one_shows_the_links_message()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Links"));
        var link = await api.Post("/v1/payment-links", """
            {"amount_money":{"amount":1500,"currency":"USD"},"name":"Workshop seat","after_completion":{"message":"See you on Friday."},"collect_customer_email":true}
            """);
        Assert.Equal(201, link.Status);
        var id = link.Data.Str("payment_link_id");
        Assert.Equal($"{f.Host.BaseAddress.ToString().TrimEnd('/')}/l/{id}", link.Data.Str("url"));

        using var browser = Browser();
        var first = await browser.GetAsync($"/l/{id}");
        var second = await browser.GetAsync($"/l/{id}");
        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (first.StatusCode, second.StatusCode));
        Assert.NotEqual(first.Headers.Location, second.Headers.Location);
        var sessionUrl = first.Headers.Location!;
        var html = await (await browser.GetAsync(sessionUrl.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("Workshop seat", html);
        var sessionId = sessionUrl.Segments[^1];

        var noEmail = await Submit(browser, html, $"/checkout/{sessionId}/pay", new() { ["card"] = "tok_visa" });
        Assert.Contains("Enter your email.", await noEmail.Content.ReadAsStringAsync());
        var paid = await Submit(browser, html, $"/checkout/{sessionId}/pay", new() { ["card"] = "tok_visa", ["email"] = "ana@example.com" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var landing = await (await browser.GetAsync(paid.Headers.Location!.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("15.00 USD was paid. See you on Friday.", landing);

        var session = (await api.Get($"/v1/checkout-sessions/{sessionId}")).Data;
        Assert.Equal(("complete", id), (session.Str("status"), session.Str("payment_link_id")));
        Assert.Equal("payment_link", (await api.Get($"/v1/orders/{session.Str("order_id")}")).Data.Str("source"));
        Assert.Equal("payment_link", (await api.Get($"/v1/payments/{session.Str("payment_id")}")).Data.Str("source"));
        Assert.Equal(1L, (await api.Get($"/v1/payment-links/{id}")).Data.Long("completed_sessions"));

        Assert.Equal(200, (await api.Patch($"/v1/payment-links/{id}", """{"active":false}""")).Status);
        var inactive = await browser.GetAsync($"/l/{id}");
        Assert.Equal(HttpStatusCode.Gone, inactive.StatusCode);
        Assert.Contains("no longer active", await inactive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_donation_link_asks_for_an_amount_within_its_bounds()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Links"));
        var id = (await api.Post("/v1/payment-links", """
            {"custom_amount":{"minimum":500,"maximum":50000,"preset":2000,"currency":"USD"},"name":"Donation"}
            """)).Data.Str("payment_link_id");
        using var browser = Browser();
        var page = await browser.GetAsync($"/l/{id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("value=\"20.00\"", html);

        var low = await Submit(browser, html, $"/l/{id}", new() { ["amount"] = "2" });
        Assert.Equal(HttpStatusCode.BadRequest, low.StatusCode);
        Assert.Contains("from 5.00 USD to 500.00 USD", await low.Content.ReadAsStringAsync());
        var nonsense = await Submit(browser, html, $"/l/{id}", new() { ["amount"] = "1.234" });
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);

        var chosen = await Submit(browser, html, $"/l/{id}", new() { ["amount"] = "25.50" });
        Assert.Equal(HttpStatusCode.SeeOther, chosen.StatusCode);
        var sessionId = chosen.Headers.Location!.Segments[^1];
        Assert.Equal(2550L, (await api.Get($"/v1/checkout-sessions/{sessionId}")).Data.Amount("amount_due"));
    }

    [Fact]
    public async Task A_link_limited_to_10_completions_completes_exactly_10_under_50_concurrent_buyers()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Links"));
        var id = (await api.Post("/v1/payment-links", """
            {"line_items":[{"name":"Concert ticket","unit_price_money":{"amount":4000,"currency":"USD"},"quantity":1}],"max_completed_sessions":10}
            """)).Data.Str("payment_link_id");

        async Task<string> Buyer()
        {
            using var browser = Browser();
            var visit = await browser.GetAsync($"/l/{id}");
            if (visit.StatusCode != HttpStatusCode.SeeOther) return $"visit {(int)visit.StatusCode}";
            var page = visit.Headers.Location!;
            var html = await (await browser.GetAsync(page.PathAndQuery)).Content.ReadAsStringAsync();
            var paid = await Submit(browser, html, $"/checkout/{page.Segments[^1]}/pay", new() { ["card"] = "tok_visa" });
            return paid.StatusCode == HttpStatusCode.SeeOther ? "paid" : (await paid.Content.ReadAsStringAsync()).Contains("sold out") ? "sold out" : $"pay {(int)paid.StatusCode}";
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(Buyer)));

        Assert.Equal(10, outcomes.Count(o => o == "paid"));
        Assert.All(outcomes.Where(o => o != "paid"), o => Assert.True(o is "sold out" or "visit 410", o));
        Assert.Equal(10L, (await api.Get($"/v1/payment-links/{id}")).Data.Long("completed_sessions"));
        var orders = await api.ListAll("/v1/orders?source=payment_link&status=paid");
        Assert.Equal(10, orders.Count);
        Assert.Equal(HttpStatusCode.Gone, (await Browser().GetAsync($"/l/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bad_links_are_refused()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Links"));
        (await api.Post("/v1/payment-links", """{"name":"Nothing"}""")).AssertError(400, "INVALID_FIELD", "line_items");
        var tea = OrderData.AdHoc("Tea", 100);
        (await api.Post("/v1/payment-links", "{\"line_items\":[" + tea + "],\"amount_money\":{\"amount\":100,\"currency\":\"USD\"}}")).AssertError(400, "INVALID_FIELD", "line_items");
        (await api.Post("/v1/payment-links", """{"amount_money":{"amount":0,"currency":"USD"}}""")).AssertError(400, "INVALID_AMOUNT", "amount_money.amount");
        (await api.Post("/v1/payment-links", """{"custom_amount":{"minimum":500,"maximum":100,"currency":"USD"}}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "custom_amount.maximum");
        (await api.Post("/v1/payment-links", """{"custom_amount":{"minimum":500}}""")).AssertError(400, "INVALID_CURRENCY", "custom_amount.currency");
        (await api.Post("/v1/payment-links", """{"amount_money":{"amount":100,"currency":"USD"},"max_completed_sessions":0}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "max_completed_sessions");
        (await api.Post("/v1/payment-links", """{"amount_money":{"amount":100,"currency":"USD"},"after_completion":{"redirect_url":"https://a.example","message":"hi"}}""")).AssertError(400, "INVALID_FIELD", "after_completion");
        (await api.Post("/v1/payment-links", """{"amount_money":{"amount":100,"currency":"USD"},"after_completion":{"redirect_url":"ftp://a"}}""")).AssertError(400, "INVALID_URL", "after_completion.redirect_url");
        Assert.Empty((await api.Get("/v1/payment-links")).Data.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Browser().GetAsync("/l/plink_01ZZZZZZZZZZZZZZZZZZZZZZZZ")).StatusCode);
    }
}
