using System.Net;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Checkout;

/// <summary>/v1/checkout-sessions and the hosted page /checkout/{id}, over plain HTTP (a browser drives the page in
/// CheckoutBrowserTests): the form flow with its antiforgery cookie, declines, expiry, escaping and the headers.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class CheckoutApiTests(ApiFixture f)
{
    private const string Success = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}";

    [Fact]
    public async Task A_session_for_new_lines_is_paid_on_its_page_and_lands_on_the_success_url()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Checkout"));
        var created = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{{OrderData.AdHoc("<script>alert(1)</script>", 1250, 2)}}],"success_url":"{{Success}}","cancel_url":"https://shop.example/cart",
             "collect_tip":["10","20"],"customer_email":"ada@example.com"}
            """);
        Assert.Equal(201, created.Status);
        var s = created.Data;
        var id = s.Str("checkout_session_id");
        Assert.StartsWith("cs_", id);
        Assert.Equal(("open", 2500L), (s.Str("status"), s.Amount("amount_due")));
        Assert.Equal($"{f.Host.BaseAddress.ToString().TrimEnd('/')}/checkout/{id}", s.Str("url"));
        var order = (await api.Get($"/v1/orders/{s.Str("order_id")}")).Data;
        Assert.Equal(("open", "checkout"), (order.Str("status"), order.Str("source")));

        using var browser = Browser();
        var page = await browser.GetAsync($"/checkout/{id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("form-action 'self' https://shop.example", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("25.00 USD", html);
        Assert.DoesNotContain("sk_test", html);

        // 10 % tip of 25.00 = 2.50; paid with a test card number.
        var paid = await Submit(browser, html, $"/checkout/{id}/pay", new() { ["card"] = "4242 4242 4242 4242", ["tip"] = "10" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal($"https://shop.example/thanks?session={id}", paid.Headers.Location!.ToString());
        var done = (await api.Get($"/v1/checkout-sessions/{id}")).Data;
        Assert.Equal("complete", done.Str("status"));
        var paidOrder = (await api.Get($"/v1/orders/{s.Str("order_id")}")).Data;
        Assert.Equal(("paid", 2750L, 250L), (paidOrder.Str("status"), paidOrder.Net("paid"), paidOrder.Net("tip")));
        Assert.Equal("checkout", (await api.Get($"/v1/payments/{done.Str("payment_id")}")).Data.Str("source"));
        var payment = Assert.Single((await api.Get($"/v1/payments?order_id={s.Str("order_id")}")).Data.AsArray())!;
        Assert.Equal("ada@example.com", payment.Str("buyer_email"));
        var again = await browser.GetAsync($"/checkout/{id}");
        Assert.Contains("Paid", await again.Content.ReadAsStringAsync());
        var types = (await api.ListAll("/v1/events")).Select(e => e.Str("type")).Where(t => t.StartsWith("checkout_session.")).ToList();
        Assert.Equal(["checkout_session.completed", "checkout_session.created"], types);
    }

    [Fact]
    public async Task A_decline_shows_its_reason_and_the_retry_pays_and_a_form_without_its_token_is_refused()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Checkout"));
        var id = await Session(api, """ "allow_coupons":true """);
        Assert.Equal(201, (await api.Post("/v1/coupons", """{"code":"HALF","discount_type":"percentage","percent_off":"50"}""")).Status);
        using var browser = Browser();
        var html = await (await browser.GetAsync($"/checkout/{id}")).Content.ReadAsStringAsync();

        var forged = await browser.PostAsync($"/checkout/{id}/pay", new FormUrlEncodedContent(new Dictionary<string, string> { ["card"] = "tok_visa", ["attempt"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var couponed = await Submit(browser, html, $"/checkout/{id}/coupon", new() { ["coupon_code"] = "half" });
        html = await couponed.Content.ReadAsStringAsync();
        Assert.Contains("Coupon HALF applied.", html);
        Assert.Contains("""<dd id="due">5.00 USD</dd>""", html);
        Assert.Equal(500L, (await api.Get($"/v1/checkout-sessions/{id}")).Data.Amount("amount_due"));

        var declined = await Submit(browser, html, $"/checkout/{id}/pay", new() { ["card"] = "4000 0000 0000 0002" });
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        html = await declined.Content.ReadAsStringAsync();
        Assert.Contains("""role="alert" """.Trim(), html);
        Assert.Contains("declined (card_declined)", html);
        Assert.Equal("open", (await api.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));

        var paid = await Submit(browser, html, $"/checkout/{id}/pay", new() { ["card"] = "tok_visa" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal("complete", (await api.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));
    }

    [Fact]
    public async Task Two_tabs_paying_at_once_charge_once()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Checkout"));
        var id = await Session(api);
        using var one = Browser();
        using var two = Browser();
        var first = await (await one.GetAsync($"/checkout/{id}")).Content.ReadAsStringAsync();
        var second = await (await two.GetAsync($"/checkout/{id}")).Content.ReadAsStringAsync();

        var answers = await Task.WhenAll(
            Submit(one, first, $"/checkout/{id}/pay", new() { ["card"] = "tok_visa" }),
            Submit(two, second, $"/checkout/{id}/pay", new() { ["card"] = "tok_mastercard" }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.SeeOther, a.StatusCode));
        var session = (await api.Get($"/v1/checkout-sessions/{id}")).Data;
        var payments = (await api.Get($"/v1/payments?order_id={session.Str("order_id")}")).Data.AsArray();
        Assert.Equal(1, payments.Count(p => p!.Str("status") == "succeeded"));
        Assert.Equal(1000L, (await api.Get($"/v1/orders/{session.Str("order_id")}")).Data.Net("paid"));
    }

    [Fact]
    public async Task An_expired_session_shows_its_own_page_and_cancels_its_order_and_bad_input_is_refused()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Checkout"));
        var id = await Session(api);
        var expired = await api.Post($"/v1/checkout-sessions/{id}/expire");
        Assert.Equal(("expired", 200), (expired.Data.Str("status"), expired.Status));
        Assert.Equal("canceled", (await api.Get($"/v1/orders/{expired.Data.Str("order_id")}")).Data.Str("status"));
        using var browser = Browser();
        var page = await browser.GetAsync($"/checkout/{id}");
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("This checkout has expired", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/checkout/cs_01ZZZZZZZZZZZZZZZZZZZZZZZZ")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/checkout/nope")).StatusCode);

        var line = OrderData.AdHoc("Tea", 1000);
        (await api.Post("/v1/checkout-sessions", $$"""{"line_items":[{{line}}]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "success_url");
        (await api.Post("/v1/checkout-sessions", $$"""{"line_items":[{{line}}],"success_url":"shop/thanks"}""")).AssertError(400, "INVALID_URL", "success_url");
        (await api.Post("/v1/checkout-sessions", $$"""{"success_url":"{{Success}}"}""")).AssertError(400, "INVALID_FIELD", "order_id");
        (await api.Post("/v1/checkout-sessions", $$"""{"line_items":[{{line}}],"success_url":"{{Success}}","collect_tip":["0"]}""")).AssertError(400, "INVALID_PERCENTAGE", "collect_tip[0]");
        var soon = DateTimeOffset.UtcNow.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        (await api.Post("/v1/checkout-sessions", $$"""{"line_items":[{{line}}],"success_url":"{{Success}}","expires_at":"{{soon}}"}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "expires_at");
        (await api.Post("/v1/checkout-sessions", $$"""{"line_items":[{{line}}],"success_url":"{{Success}}","hold":true}""")).AssertError(400, "UNKNOWN_FIELD", "hold");

        // A partly paid order: a session for the rest of it.
        var product = await api.CreateSimple(quantity: 5);
        var orderId = (await api.NewOrder((product.VariantId, 1))).Str("order_id");
        var part = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"type":"cash","amount_money":{"amount":500,"currency":"USD"}}]}""");
        Assert.True(part.Status == 200, part.ToString());
        var rest = await api.Post($"/v1/orders/{orderId}/checkout-session", $$"""{"success_url":"{{Success}}"}""");
        Assert.Equal(201, rest.Status);
        var total = (await api.Get($"/v1/orders/{orderId}")).Data.Net("total");
        Assert.Equal(total - 500, rest.Data.Amount("amount_due"));
        var paidOrder = (await api.NewOrder((product.VariantId, 1))).Str("order_id");
        Assert.Equal(200, (await api.PayWith(paidOrder, "tok_visa")).Status);
        (await api.Post($"/v1/orders/{paidOrder}/checkout-session", $$"""{"success_url":"{{Success}}"}""")).AssertError(409, "ORDER_NOT_PAYABLE", "order_id");
    }

    [Fact]
    public async Task A_session_holding_inventory_keeps_the_last_unit_from_others_and_its_buyer_gets_it()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Checkout"));
        var product = await api.CreateSimple(quantity: 1);
        async Task<long> Available() => (await api.Get($"/v1/products/{product.Id}")).Data["default_variant"]!.Long("quantity_available");
        var created = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{"variant_id":"{{product.VariantId}}","quantity":1}],"success_url":"{{Success}}","hold_inventory":true}
            """);
        Assert.Equal(201, created.Status);
        Assert.True(created.Data.Bool("hold_inventory"));
        var id = created.Data.Str("checkout_session_id");
        Assert.Equal(0L, await Available());

        // Another buyer finds it held; a second holding session cannot be made.
        var other = await api.NewOrder((product.VariantId, 1));
        (await api.PayWith(other.Str("order_id"), "tok_visa")).AssertError(409, "INSUFFICIENT_INVENTORY");
        (await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{"variant_id":"{{product.VariantId}}","quantity":1}],"success_url":"{{Success}}","hold_inventory":true}
            """)).AssertError(409, "INSUFFICIENT_INVENTORY");

        // The session's buyer pays: the held unit is theirs.
        using var browser = Browser();
        var html = await (await browser.GetAsync($"/checkout/{id}")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.SeeOther, (await Submit(browser, html, $"/checkout/{id}/pay", new() { ["card"] = "tok_visa" })).StatusCode);
        Assert.Equal("paid", (await api.Get($"/v1/orders/{created.Data.Str("order_id")}")).Data.Str("status"));
        Assert.Equal(0L, await Available());
        var onHand = (await api.Get($"/v1/products/{product.Id}/variants/{product.VariantId}/inventory")).Data;
        Assert.Equal(0L, onHand.Long("quantity_on_hand"));

        // An expired holding session gives its stock back.
        var restocked = await api.CreateSimple(quantity: 2);
        var held = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{"variant_id":"{{restocked.VariantId}}","quantity":2}],"success_url":"{{Success}}","hold_inventory":true}
            """);
        Assert.Equal(0L, (await api.Get($"/v1/products/{restocked.Id}")).Data["default_variant"]!.Long("quantity_available"));
        Assert.Equal(200, (await api.Post($"/v1/checkout-sessions/{held.Data.Str("checkout_session_id")}/expire")).Status);
        Assert.Equal(2L, (await api.Get($"/v1/products/{restocked.Id}")).Data["default_variant"]!.Long("quantity_available"));
    }

    private static async Task<string> Session(ApiClient api, string extra = "")
    {
        var r = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{{OrderData.AdHoc("Tea", 1000)}}],"success_url":"{{Success}}"{{(extra.Length > 0 ? "," + extra : "")}}}
            """);
        Assert.True(r.Status == 201, r.ToString());
        return r.Data.Str("checkout_session_id");
    }

    private HttpClient Browser() => CheckoutForms.Browser(f.Host.BaseAddress);

    private static Task<HttpResponseMessage> Submit(HttpClient browser, string html, string action, Dictionary<string, string> fields) =>
        CheckoutForms.Submit(browser, html, action, fields);
}
