using System.Net;
using System.Text.Json.Nodes;
using Flint.Api.Tests.Checkout;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Devices;

/// <summary>One order across channels, end to end with exact money: started online (the API, a hosted checkout) and
/// finished at a register, started at a register and finished on the hosted page, and paid at both then refunded from
/// both — each payment saying its channel, the tax given back exactly as charged and the stock moved once.</summary>
[Collection(ApiCollection.Name)]
public sealed class OmnichannelTests(ApiFixture f)
{
    private const string Success = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}";
    private const string CaTax = """ "tax_location":{"country":"US","region":"CA"} """;

    /// <summary>The issue's rule, computed here independently: tax refunded after R = half_even(tax × R / total).</summary>
    private static long CumulativeTax(long tax, long total, long refunded) =>
        (long)Math.Round((decimal)tax * refunded / total, MidpointRounding.ToEven);

    /// <summary>Sends a payment of the order to the register's device (by <paramref name="sender"/>: the merchant or
    /// the device itself) and asserts it is pending there.</summary>
    private static async Task<string> SendToTill(ApiClient sender, Register r, string orderId, long? amount = null)
    {
        var part = amount is { } a ? $$""","amount_money":{"amount":{{a}},"currency":"USD"}""" : "";
        var created = await sender.Post("/v1/terminal-checkouts", $$"""{"device_id":"{{r.DeviceId}}","order_id":"{{orderId}}"{{part}}}""");
        Assert.True(created.Status == 201, created.ToString());
        Assert.Equal(("pending", r.LocationId, orderId), (created.Data.Str("status"), created.Data.Str("location_id"), created.Data.Str("order_id")));
        return created.Data.Str("terminal_checkout_id");
    }

    private static async Task<ApiResponse> Complete(Register r, string checkoutId, string body)
    {
        var done = await r.Device.Post($"/v1/terminal-checkouts/{checkoutId}/complete", body);
        Assert.True(done.Status == 200, done.ToString());
        Assert.Equal("completed", done.Data.Str("status"));
        return done;
    }

    /// <summary>Reads the stream until each of <paramref name="wanted"/> has arrived (in whatever order: the device looks
    /// at its order and its checkouts in turn, so a payment may show on either first); returns the first match of each.</summary>
    private static async Task<StreamEvent[]> UntilEach(DeviceStreamReader stream, params (string Type, Func<JsonNode, bool> Match)[] wanted)
    {
        var found = new StreamEvent?[wanted.Length];
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (found.Any(e => e is null))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new Xunit.Sdk.XunitException($"Not arrived within 15 s: {string.Join(", ", wanted.Where((_, i) => found[i] is null).Select(w => w.Type))}.");
            var e = await stream.Next(null, left);
            for (var i = 0; i < wanted.Length; i++)
                if (found[i] is null && e.Type == wanted[i].Type && wanted[i].Match(e.Object)) { found[i] = e; break; }
        }
        return found.Select(e => e!).ToArray();
    }

    /// <summary>Pays a checkout session on its hosted page, as a buyer's browser does, with a test card.</summary>
    private async Task PayOnPage(string sessionId, string card = "tok_visa")
    {
        using var browser = CheckoutForms.Browser(f.Host.BaseAddress);
        var page = await browser.GetAsync($"/checkout/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var paid = await CheckoutForms.Submit(browser, await page.Content.ReadAsStringAsync(), $"/checkout/{sessionId}/pay", new() { ["card"] = card });
        Assert.True(paid.StatusCode == HttpStatusCode.SeeOther, $"{(int)paid.StatusCode} {await paid.Content.ReadAsStringAsync()}");
        Assert.Equal($"https://shop.example/thanks?session={sessionId}", paid.Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_online_order_is_opened_on_a_register_and_paid_there_with_a_card_present()
    {
        var r = await Registers.New(f, "OnlineToTill");
        var item = await r.Api.Stocked(price: 1500, quantity: 5);
        // Made through the API, at no location, taxed where the buyer is (US/CA, 10 %): 2 × 15.00 + 3.00 = 33.00.
        var order = await r.Api.CreateOrderWith(CaTax, OrderData.VariantLine(item.VariantId, 2));
        var orderId = order.Str("order_id");
        Assert.Equal((3000L, 0L, 300L, 3300L, 3300L), order.Amounts());
        Assert.Equal("api", order.Str("source"));
        Assert.Null(order.StrOrNull("location_id"));
        Assert.Equal((5L, 0L, 5L), await r.Api.Stock(item));

        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        var opened = await r.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""");
        Assert.True(opened.Status == 200, opened.ToString());
        Assert.Contains(orderId, opened.Data.Arr("live_order_ids").Strings());
        var shown = await stream.Next("order.opened");
        Assert.Equal((orderId, 3300L, "open"), (shown.Object.Str("order_id"), shown.Object.Net("total"), shown.Object.Str("status")));

        // The merchant sends the balance to the till; the buyer taps a card there.
        var checkoutId = await SendToTill(r.Api, r, orderId);
        var sent = await stream.Next("terminal_checkout.created");
        Assert.Equal((checkoutId, 3300L), (sent.Object.Str("terminal_checkout_id"), sent.Object.Amount("amount_money")));
        var done = await Complete(r, checkoutId, """{"type":"card_present","token":"tok_cp_visa"}""");
        var paymentId = done.Data.Str("payment_id");

        var paid = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 3300L, 0L), (paid.Str("status"), paid.Net("paid"), paid.Net("balance")));
        Assert.Null(paid.StrOrNull("location_id"));   // still the online order it was; the payment says where it was paid
        var payment = Assert.Single(await r.Api.PaymentsOf(orderId));
        Assert.Equal((paymentId, "succeeded", 3300L), (payment.Str("payment_id"), payment.Str("status"), payment.Amount("amount_money")));
        Assert.Equal(("pos", "card", "visa"), (payment.Str("source"), payment.Str("source_type"), payment.Str("card_brand")));
        Assert.Equal((r.DeviceId, r.LocationId), (payment.Str("device_id"), payment.Str("location_id")));

        // The stock went once: two units sold, one history entry.
        Assert.Equal((3L, 0L, 3L), await r.Api.Stock(item));
        var sold = Assert.Single(await r.Api.History(item), h => h.Str("change_reason") == "order_fulfillment");
        Assert.Equal((-2L, orderId), (sold.Long("quantity_delta"), sold.Str("reference")));

        // The register sees it paid on its stream, and the checkout completed.
        var seen = await UntilEach(stream, ("order.updated", o => o.Str("status") == "paid"), ("terminal_checkout.completed", _ => true));
        Assert.Equal((orderId, 3300L, 0L), (seen[0].Object.Str("order_id"), seen[0].Object.Net("paid"), seen[0].Object.Net("balance")));
        Assert.Equal((checkoutId, paymentId), (seen[1].Object.Str("terminal_checkout_id"), seen[1].Object.Str("payment_id")));
    }

    [Fact]
    public async Task An_order_of_a_hosted_checkout_paid_at_a_register_completes_its_session_and_hands_back_its_held_stock()
    {
        var r = await Registers.New(f, "SessionToTill");
        var item = await r.Api.Stocked(price: 1200, quantity: 3);
        var created = await r.Api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{{OrderData.VariantLine(item.VariantId)}}],{{CaTax}},"success_url":"{{Success}}","hold_inventory":true}
            """);
        Assert.True(created.Status == 201, created.ToString());
        var sessionId = created.Data.Str("checkout_session_id");
        var orderId = created.Data.Str("order_id");
        Assert.Equal(("open", 1320L), (created.Data.Str("status"), created.Data.Amount("amount_due")));   // 12.00 + 1.20 tax
        Assert.Equal((3L, 1L, 2L), await r.Api.Stock(item));   // one unit held for the session's buyer

        // The buyer comes to the store instead: the register opens the order and takes cash for it.
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        Assert.Equal(200, (await r.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""")).Status);
        var shown = await stream.Next("order.opened");
        Assert.Equal((orderId, "checkout", 1320L), (shown.Object.Str("order_id"), shown.Object.Str("source"), shown.Object.Net("total")));
        var checkoutId = await SendToTill(r.Device, r, orderId);
        var done = await Complete(r, checkoutId, """{"type":"cash","tendered_money":{"amount":2000,"currency":"USD"}}""");
        Assert.Equal((1320L, 2000L, 680L), (done.Data.Amount("amount_money"), done.Data.Amount("tendered_money"), done.Data.Amount("change_back_money")));

        var paid = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 1320L, 0L), (paid.Str("status"), paid.Net("paid"), paid.Net("balance")));
        var payment = Assert.Single(await r.Api.PaymentsOf(orderId));
        Assert.Equal(("pos", "cash", r.DeviceId, r.LocationId), (payment.Str("source"), payment.Str("source_type"), payment.Str("device_id"), payment.Str("location_id")));
        Assert.Equal((1320L, 2000L, 680L), (payment.Amount("amount_money"), payment.Amount("tendered_money"), payment.Amount("change_back_money")));

        // The session's order is paid: the session reads complete with nothing due (no payment of its own page), and the
        // unit it held is handed back — the sale took its own, once.
        var session = (await r.Api.Get($"/v1/checkout-sessions/{sessionId}")).Data;
        Assert.Equal(("complete", 0L), (session.Str("status"), session.Amount("amount_due")));
        Assert.Null(session.StrOrNull("payment_id"));
        Assert.Equal((2L, 0L, 2L), await r.Api.Stock(item));
        Assert.Single(await r.Api.History(item), h => h.Str("change_reason") == "order_fulfillment");
        var completions = (await r.Api.ListAll("/v1/events?type=checkout_session.completed")).Select(e => e["data"]!["object"]!.Str("checkout_session_id"));
        Assert.Equal([sessionId], completions);
        Assert.Equal([sessionId], (await r.Api.ListAll("/v1/checkout-sessions?status=complete")).Select(s => s.Str("checkout_session_id")));

        // Its page says it is paid; it takes no second payment, and expiring it now is refused.
        using var browser = CheckoutForms.Browser(f.Host.BaseAddress);
        var page = await browser.GetAsync($"/checkout/{sessionId}");
        Assert.Contains("Paid", await page.Content.ReadAsStringAsync());
        (await r.Api.Post($"/v1/checkout-sessions/{sessionId}/expire")).AssertError(409, "INVALID_STATE_TRANSITION");
        Assert.Single(await r.Api.PaymentsOf(orderId));
        Assert.Equal("paid", (await r.Api.GetOrder(orderId)).Str("status"));
    }

    [Fact]
    public async Task An_order_begun_at_a_register_with_cash_is_finished_on_the_hosted_page_with_a_card()
    {
        var r = await Registers.New(f, "TillToPage");
        // 20.00 at the store, 10 % tax there: 22.00.
        var order = await r.Device.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Espresso set", 2000)}}]}""");
        var orderId = order.Str("order_id");
        Assert.Equal((2000L, 0L, 200L, 2200L, 2200L), order.Amounts());
        Assert.Equal(("pos", r.LocationId), (order.Str("source"), order.Str("location_id")));

        // 10.00 in cash at the till.
        var checkoutId = await SendToTill(r.Device, r, orderId, amount: 1000);
        var cash = await Complete(r, checkoutId, """{"type":"cash","tendered_money":{"amount":1000,"currency":"USD"}}""");
        Assert.Equal((1000L, 1000L, 0L), (cash.Data.Amount("amount_money"), cash.Data.Amount("tendered_money"), cash.Data.Amount("change_back_money")));
        var part = await r.Api.GetOrder(orderId);
        Assert.Equal(("partially_paid", 1000L, 1200L), (part.Str("status"), part.Net("paid"), part.Net("balance")));

        // The rest on the hosted page: the register hands the balance over, the buyer pays it by card at home.
        var handed = await r.Device.Post($"/v1/orders/{orderId}/checkout-session", $$"""{"success_url":"{{Success}}"}""");
        Assert.True(handed.Status == 201, handed.ToString());
        var sessionId = handed.Data.Str("checkout_session_id");
        Assert.Equal(("open", orderId, 1200L), (handed.Data.Str("status"), handed.Data.Str("order_id"), handed.Data.Amount("amount_due")));
        await PayOnPage(sessionId);

        var paid = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 2200L, 0L, 200L), (paid.Str("status"), paid.Net("paid"), paid.Net("balance"), paid.Net("tax")));
        var payments = await r.Api.PaymentsOf(orderId);
        Assert.Equal(2, payments.Count);
        var pos = payments.Single(p => p.Str("source") == "pos");
        var hosted = payments.Single(p => p.Str("source") == "checkout");
        Assert.Equal((cash.Data.Str("payment_id"), "cash", 1000L, "succeeded"), (pos.Str("payment_id"), pos.Str("source_type"), pos.Amount("amount_money"), pos.Str("status")));
        Assert.Equal((r.DeviceId, r.LocationId), (pos.Str("device_id"), pos.Str("location_id")));
        Assert.Equal(("card", "visa", 1200L, "succeeded"), (hosted.Str("source_type"), hosted.Str("card_brand"), hosted.Amount("amount_money"), hosted.Str("status")));
        Assert.Null(hosted.StrOrNull("device_id"));   // the buyer's browser, not the register
        Assert.Null(hosted.StrOrNull("location_id"));
        var session = (await r.Api.Get($"/v1/checkout-sessions/{sessionId}")).Data;
        Assert.Equal(("complete", hosted.Str("payment_id"), 0L), (session.Str("status"), session.Str("payment_id"), session.Amount("amount_due")));
        // The order made at the till stays the location's: its register lists it.
        Assert.Contains(orderId, (await r.Device.ListAll("/v1/orders")).Select(o => o.Str("order_id")));
    }

    [Fact]
    public async Task Payments_taken_at_a_register_and_by_the_api_are_refunded_across_channels_with_exact_tax_and_one_restock()
    {
        var r = await Registers.New(f, "CrossRefund");
        var item = await r.Api.Stocked(price: 1000, quantity: 5);
        // Two units at the store: 20.00 + 2.00 tax = 22.00.
        var order = await r.Device.CreateOrder($$"""{"line_items":[{{OrderData.VariantLine(item.VariantId, 2)}}]}""");
        var orderId = order.Str("order_id");
        var lineId = order.Arr("line_items").Single()!.Str("line_item_id");
        Assert.Equal((2000L, 0L, 200L, 2200L, 2200L), order.Amounts());

        // 10.00 cash at the till (the merchant sends it there), the remaining 12.00 by card through the merchant's API.
        var checkoutId = await SendToTill(r.Api, r, orderId, amount: 1000);
        var posPayment = (await Complete(r, checkoutId, """{"type":"cash","tendered_money":{"amount":1000,"currency":"USD"}}""")).Data.Str("payment_id");
        var apiPaid = await r.Api.PayWith(orderId, "tok_visa");
        Assert.True(apiPaid.Status == 200, apiPaid.ToString());
        var apiPayment = apiPaid.Data.Arr("payments").Single()!;
        Assert.Equal(("api", 1200L), (apiPayment.Str("source"), apiPayment.Amount("amount_money")));
        Assert.Null(apiPayment.StrOrNull("device_id"));
        Assert.Equal("paid", apiPaid.Data["order"]!.Str("status"));
        Assert.Equal((3L, 0L, 3L), await r.Api.Stock(item));

        // The merchant refunds the till's cash payment, the two units back on the shelf.
        var first = await r.Api.RefundOf(orderId, 1000, $"\"payment_id\":\"{posPayment}\",{PayTestData.Restock((lineId, 2))}");
        Assert.True(first.Status == 201, first.ToString());
        var one = first.Data["refund"]!;
        Assert.Equal((orderId, 1000L, CumulativeTax(200, 2200, 1000)), (one.Str("order_id"), one.Amount("amount_money"), one.Amount("tax_money")));
        Assert.Equal(91L, one.Amount("tax_money"));
        Assert.Equal((posPayment, 1000L), (one.Arr("allocations").Single()!.Str("payment_id"), one.Arr("allocations").Single()!.Amount("amount_money")));
        Assert.Null(one.StrOrNull("device_id"));
        Assert.Null(one.StrOrNull("location_id"));
        Assert.Equal("partially_refunded", first.Data["order"]!.Str("status"));
        Assert.Equal((5L, 0L, 5L), await r.Api.Stock(item));

        // The register refunds the API's card payment; the units are back already, so restocking them again is refused.
        (await r.Device.RefundOf(orderId, 1200, $"\"payment_id\":\"{apiPayment.Str("payment_id")}\",{PayTestData.Restock((lineId, 1))}"))
            .AssertError(400, "RESTOCK_EXCEEDS_SOLD", "restock_line_items[0].quantity");
        var second = await r.Device.RefundOf(orderId, 1200, $"\"payment_id\":\"{apiPayment.Str("payment_id")}\"");
        Assert.True(second.Status == 201, second.ToString());
        var two = second.Data["refund"]!;
        Assert.Equal((orderId, 1200L, 200L - 91L), (two.Str("order_id"), two.Amount("amount_money"), two.Amount("tax_money")));
        Assert.Equal((apiPayment.Str("payment_id"), 1200L), (two.Arr("allocations").Single()!.Str("payment_id"), two.Arr("allocations").Single()!.Amount("amount_money")));
        Assert.Equal((r.DeviceId, r.LocationId), (two.Str("device_id"), two.Str("location_id")));

        // Both on the one order, which is refunded; the tax given back is exactly the tax charged.
        var final = await r.Api.GetOrder(orderId);
        Assert.Equal(("refunded", 2200L, 0L, 0L), (final.Str("status"), final.Net("refunded"), final.Net("tax"), final.Net("total")));
        var refunds = await r.Api.RefundsOf(orderId);
        Assert.Equal(new[] { one.Str("refund_id"), two.Str("refund_id") }.Order().ToList(), refunds.Select(x => x.Str("refund_id")).Order().ToList());
        Assert.All(refunds, x => Assert.Equal((orderId, "succeeded"), (x.Str("order_id"), x.Str("status"))));
        Assert.Equal(200L, refunds.Sum(x => x.Amount("tax_money")));
        Assert.Equal(2200L, refunds.Sum(x => x.Amount("amount_money")));
        Assert.All(await r.Api.PaymentsOf(orderId), p => Assert.Equal("refunded", p.Str("status")));
        Assert.Equal(1000L, (await r.Api.Get($"/v1/payments/{posPayment}")).Data.Amount("refunded_money"));
        Assert.Equal(1200L, (await r.Api.Get($"/v1/payments/{apiPayment.Str("payment_id")}")).Data.Amount("refunded_money"));
        // The location's refunds are the register's one.
        Assert.Equal([two.Str("refund_id")], (await r.Api.ListAll($"/v1/refunds?location_id={r.LocationId}")).Select(x => x.Str("refund_id")));

        // Restocked once: two units sold, two back, nothing more.
        Assert.Equal((5L, 0L, 5L), await r.Api.Stock(item));
        var history = await r.Api.History(item);
        var back = Assert.Single(history, h => h.Str("change_reason") == "order_refund");
        Assert.Equal((2L, 3L, 5L, orderId), (back.Long("quantity_delta"), back.Long("quantity_before"), back.Long("quantity_after"), back.Str("reference")));
        Assert.Equal(-2L, Assert.Single(history, h => h.Str("change_reason") == "order_fulfillment").Long("quantity_delta"));
    }
}
