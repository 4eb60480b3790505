using System.Globalization;
using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;
using Flint.Domain;

namespace Flint.Api.Tests.Devices;

/// <summary>Terminal checkouts end to end: the merchant sends a payment of an order to a paired device, the device hears
/// of it on its stream and the buyer completes it there (cash with change, or a card-present token), through the
/// order's pay saga; declines leave it open for another card, its deadline times it out, the merchant or the buyer
/// cancels it, and the order — never the checkout — decides what may be charged. Every register here is at a location
/// with 10 % tax, so an order of one 1000 line totals 1100.</summary>
[Collection(ApiCollection.Name)]
public sealed class TerminalCheckoutTests(ApiFixture f)
{
    private const string Path = "/v1/terminal-checkouts";

    [Fact]
    public async Task Cash_with_a_tip_and_change_completes_on_the_device_and_pays_the_order_as_a_pos_payment()
    {
        var r = await Registers.New(f);
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        var orderId = await NewOrder(r);

        var created = await Create(r.Api, r.DeviceId, orderId, """ "tip_options":["10","15","20"],"note":"Table 4" """);
        var id = created.Str("terminal_checkout_id");
        Assert.StartsWith("tmc_", id);
        Assert.Equal(("pending", 1100L, r.LocationId, r.DeviceId, orderId), (created.Str("status"), created["amount_money"]!.Long("amount"),
            created.Str("location_id"), created.Str("device_id"), created.Str("order_id")));
        Assert.Null(created["payment_id"]);

        // The device hears of it on its stream, with the tip options' amounts worked out (of 1100).
        var heard = await stream.Next("terminal_checkout.created");
        Assert.Equal((id, "pending", "Table 4"), (heard.Object.Str("terminal_checkout_id"), heard.Object.Str("status"), heard.Object.Str("note")));
        Assert.Equal([("10", 110L), ("15", 165L), ("20", 220L)], TipOptions(heard.Object));
        Assert.Equal([("10", 110L), ("15", 165L), ("20", 220L)], TipOptions(created));

        var started = await r.Device.Post($"{Path}/{id}/start");
        Assert.True(started.Status == 200, started.ToString());
        Assert.Equal("in_progress", started.Data.Str("status"));
        Assert.Equal("in_progress", (await stream.Next("terminal_checkout.updated")).Object.Str("status"));

        // The buyer picks 15 % (165) and hands over 1500: 1265 due, 235 back.
        var completed = await r.Device.Post($"{Path}/{id}/complete",
            $$"""{"type":"cash","tendered_money":{{Usd(1500)}},"tip_money":{{Usd(165)}}}""");
        Assert.True(completed.Status == 200, completed.ToString());
        var c = completed.Data;
        Assert.Equal(("completed", 1100L, 165L, 1500L, 235L), (c.Str("status"), c["amount_money"]!.Long("amount"),
            c["tip_money"]!.Long("amount"), c["tendered_money"]!.Long("amount"), c["change_back_money"]!.Long("amount")));
        var paymentId = c.Str("payment_id");
        var done = await stream.Next("terminal_checkout.completed");
        Assert.Equal((id, paymentId, 235L), (done.Object.Str("terminal_checkout_id"), done.Object.Str("payment_id"), done.Object["change_back_money"]!.Long("amount")));

        var payment = await r.Api.Get($"/v1/payments/{paymentId}");
        Assert.True(payment.Status == 200, payment.ToString());
        var p = payment.Data;
        Assert.Equal(("succeeded", "pos", "cash", r.DeviceId, r.LocationId, orderId), (p.Str("status"), p.Str("source"), p.Str("source_type"),
            p.Str("device_id"), p.Str("location_id"), p.Str("order_id")));
        Assert.Equal((1265L, 165L, 1500L, 235L), (p["amount_money"]!.Long("amount"), p["tip_money"]!.Long("amount"),
            p["tendered_money"]!.Long("amount"), p["change_back_money"]!.Long("amount")));

        var order = await r.Api.GetOrder(orderId);
        Assert.Equal("paid", order.Str("status"));
        Assert.Equal((1000L, 100L, 165L, 1265L, 1265L, 0L), (order.Net("subtotal"), order.Net("tax"), order.Net("tip"), order.Net("total"),
            order.Net("paid"), order.Net("balance")));

        // Completing it again (a retry after a lost answer) answers the same completion; nothing is charged twice.
        var again = await r.Device.Post($"{Path}/{id}/complete", $$"""{"type":"cash","tendered_money":{{Usd(2000)}}}""");
        Assert.True(again.Status == 200, again.ToString());
        Assert.Equal((paymentId, 235L), (again.Data.Str("payment_id"), again.Data["change_back_money"]!.Long("amount")));
        Assert.Equal([paymentId], (await r.Api.ListAll($"/v1/payments?order_id={orderId}")).Select(x => x.Str("payment_id")));
        Assert.Equal(1265L, (await r.Api.GetOrder(orderId)).Net("paid"));
    }

    [Fact]
    public async Task A_declined_card_leaves_the_checkout_in_progress_and_the_next_card_pays_once()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        var id = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");

        (await r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_declined"))).AssertError(402, "PAYMENT_DECLINED");
        var after = await r.Device.Get($"{Path}/{id}");
        Assert.True(after.Status == 200, after.ToString());
        Assert.Equal(("in_progress", "card_declined"), (after.Data.Str("status"), after.Data.Str("decline_code")));
        Assert.Null(after.Data["payment_id"]);
        var unpaid = await r.Api.GetOrder(orderId);
        Assert.Equal(("open", 0L, 1100L), (unpaid.Str("status"), unpaid.Net("paid"), unpaid.Net("balance")));

        var completed = await r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_visa"));
        Assert.True(completed.Status == 200, completed.ToString());
        Assert.Equal("completed", completed.Data.Str("status"));
        Assert.Null(completed.Data["decline_code"]);
        Assert.Null(completed.Data["change_back_money"]);
        var paymentId = completed.Data.Str("payment_id");

        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 1100L, 1100L, 0L), (order.Str("status"), order.Net("total"), order.Net("paid"), order.Net("balance")));
        var payments = await r.Api.ListAll($"/v1/payments?order_id={orderId}");
        var succeeded = Assert.Single(payments, x => x.Str("status") == "succeeded");
        Assert.Equal((paymentId, 1100L, "card", "pos", r.DeviceId), (succeeded.Str("payment_id"), succeeded["amount_money"]!.Long("amount"),
            succeeded.Str("source_type"), succeeded.Str("source"), succeeded.Str("device_id")));
        var failed = Assert.Single(payments, x => x.Str("status") == "failed");
        Assert.Equal("card_declined", failed.Str("decline_code"));
        Assert.Equal(2, payments.Count);
        Assert.Equal([paymentId], (await r.Api.ListAll($"/v1/payments?order_id={orderId}&status=succeeded")).Select(x => x.Str("payment_id")));
    }

    [Fact]
    public async Task Its_deadline_cancels_it_as_timed_out_without_anyone_reading_it_and_it_cannot_be_paid_after()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        // Past the deadline's limit, or before now: refused.
        (await Post(r.Api, r.DeviceId, orderId, $""" "deadline":"{Rfc3339(DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(30))}" """))
            .AssertError(400, "INVALID_DEADLINE", "deadline");
        (await Post(r.Api, r.DeviceId, orderId, $""" "deadline":"{Rfc3339(DateTimeOffset.UtcNow.AddSeconds(-5))}" """))
            .AssertError(400, "INVALID_DEADLINE", "deadline");

        var deadline = DateTimeOffset.UtcNow.AddSeconds(3);
        var created = await Create(r.Api, r.DeviceId, orderId, $""" "deadline":"{Rfc3339(deadline)}" """);
        var id = created.Str("terminal_checkout_id");
        Assert.Equal("pending", created.Str("status"));
        Assert.Equal(deadline.ToUnixTimeMilliseconds(), DateTimeOffset.Parse(created.Str("deadline"), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());

        // Nobody reads the checkout (no stream is open, the list is the projection): the timeout reminder cancels it.
        var deadlineFor = DateTime.UtcNow + TimeSpan.FromSeconds(25);
        List<string> canceled;
        do
        {
            await Task.Delay(500);
            canceled = (await r.Api.ListAll($"{Path}?status=canceled")).Select(x => x.Str("terminal_checkout_id")).ToList();
        } while (!canceled.Contains(id) && DateTime.UtcNow < deadlineFor);
        Assert.True(canceled.Contains(id), "the checkout was not timed out by its reminder within 25 s");
        Assert.True(DateTimeOffset.UtcNow >= deadline);

        // The device's stream tells it (the device still watched the checkout).
        await using (var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token))
        {
            var heard = await stream.Next("terminal_checkout.canceled");
            Assert.Equal((id, "canceled", "timed_out"), (heard.Object.Str("terminal_checkout_id"), heard.Object.Str("status"), heard.Object.Str("cancel_reason")));
        }
        var read = await r.Device.Get($"{Path}/{id}");
        Assert.Equal(("canceled", "timed_out"), (read.Data.Str("status"), read.Data.Str("cancel_reason")));

        (await r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_visa"))).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        (await r.Device.Post($"{Path}/{id}/complete", $$"""{"type":"cash","tendered_money":{{Usd(1100)}}}""")).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        (await r.Device.Post($"{Path}/{id}/start")).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        var recanceled = await r.Api.Post($"{Path}/{id}/cancel");
        Assert.True(recanceled.Status == 200, recanceled.ToString());
        Assert.Equal("timed_out", recanceled.Data.Str("cancel_reason"));   // the first reason stays

        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("open", 0L, 1100L), (order.Str("status"), order.Net("paid"), order.Net("balance")));
        Assert.Empty(await r.Api.ListAll($"/v1/payments?order_id={orderId}"));
    }

    [Fact]
    public async Task A_deadline_passed_while_the_device_watches_is_read_as_timed_out_at_once()
    {
        var r = await Registers.New(f);
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        var orderId = await NewOrder(r);
        var id = (await Create(r.Api, r.DeviceId, orderId, $""" "deadline":"{Rfc3339(DateTimeOffset.UtcNow.AddSeconds(3))}" """)).Str("terminal_checkout_id");
        Assert.Equal(id, (await stream.Next("terminal_checkout.created")).Object.Str("terminal_checkout_id"));
        var heard = await stream.Next("terminal_checkout.canceled", TimeSpan.FromSeconds(15));
        Assert.Equal((id, "timed_out"), (heard.Object.Str("terminal_checkout_id"), heard.Object.Str("cancel_reason")));
        var read = await r.Api.Get($"{Path}/{id}");
        Assert.Equal(("canceled", "timed_out"), (read.Data.Str("status"), read.Data.Str("cancel_reason")));
        (await r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_visa"))).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        Assert.Equal(("open", 0L), ((await r.Api.GetOrder(orderId)).Str("status"), (await r.Api.GetOrder(orderId)).Net("paid")));
    }

    [Fact]
    public async Task The_merchant_cancels_through_the_API_the_buyer_on_the_device_and_the_stream_shows_both()
    {
        var r = await Registers.New(f);
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        var orderId = await NewOrder(r);
        var byMerchant = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");
        var byBuyer = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");
        await stream.Next("terminal_checkout.created");
        await stream.Next("terminal_checkout.created");

        var merchant = await r.Api.Post($"{Path}/{byMerchant}/cancel");
        Assert.True(merchant.Status == 200, merchant.ToString());
        Assert.Equal(("canceled", "merchant"), (merchant.Data.Str("status"), merchant.Data.Str("cancel_reason")));
        Assert.True((await r.Device.Post($"{Path}/{byBuyer}/start")).Status == 200);
        var buyer = await r.Device.Post($"{Path}/{byBuyer}/cancel");
        Assert.True(buyer.Status == 200, buyer.ToString());
        Assert.Equal(("canceled", "buyer"), (buyer.Data.Str("status"), buyer.Data.Str("cancel_reason")));

        var heard = new Dictionary<string, string>();
        while (heard.Count < 2)
        {
            var e = await stream.Next("terminal_checkout.canceled");
            heard[e.Object.Str("terminal_checkout_id")] = e.Object.Str("cancel_reason");
        }
        Assert.Equal(new Dictionary<string, string> { [byMerchant] = "merchant", [byBuyer] = "buyer" }, heard);

        (await r.Device.Post($"{Path}/{byMerchant}/complete", CardPresent("tok_cp_visa"))).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        (await r.Device.Post($"{Path}/{byBuyer}/start")).AssertError(409, "TERMINAL_CHECKOUT_CANCELED");
        // A canceled one stays as it was canceled: the other side's cancel does not rewrite the reason.
        Assert.Equal("merchant", (await r.Device.Post($"{Path}/{byMerchant}/cancel")).Data.Str("cancel_reason"));

        // A completed one cannot be canceled.
        var paid = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");
        var completed = await r.Device.Post($"{Path}/{paid}/complete", $$"""{"type":"cash","tendered_money":{{Usd(1100)}}}""");
        Assert.True(completed.Status == 200, completed.ToString());
        Assert.Equal(0L, completed.Data["change_back_money"]!.Long("amount"));
        (await r.Api.Post($"{Path}/{paid}/cancel")).AssertError(409, "TERMINAL_CHECKOUT_COMPLETED");

        var listed = await r.Api.ListAll($"{Path}?status=canceled");
        Assert.Equal(new[] { byMerchant, byBuyer }.Order(), listed.Select(x => x.Str("terminal_checkout_id")).Order());
        Assert.Equal([paid], (await r.Device.ListAll($"{Path}?status=completed")).Select(x => x.Str("terminal_checkout_id")));
    }

    [Fact]
    public async Task Twenty_checkouts_of_one_order_completed_at_once_charge_it_once()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var c = await Create(r.Api, r.DeviceId, orderId);
            Assert.Equal(1100L, c["amount_money"]!.Long("amount"));
            ids.Add(c.Str("terminal_checkout_id"));
        }

        var answers = await Task.WhenAll(ids.Select(id => r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_visa"))));
        var won = Assert.Single(answers, a => a.Status == 200);
        Assert.Equal("completed", won.Data.Str("status"));
        var paymentId = won.Data.Str("payment_id");
        var refused = answers.Where(a => a.Status != 200).ToList();
        Assert.Equal(19, refused.Count);
        Assert.All(refused, a => a.AssertError(409, "ORDER_ALREADY_PAID"));

        var payments = await r.Api.ListAll($"/v1/payments?order_id={orderId}");
        var only = Assert.Single(payments);
        Assert.Equal((paymentId, "succeeded", 1100L), (only.Str("payment_id"), only.Str("status"), only["amount_money"]!.Long("amount")));
        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 1100L, 1100L, 0L), (order.Str("status"), order.Net("total"), order.Net("paid"), order.Net("balance")));

        // The losers are not left stuck "paying": each stays in progress, nothing charged, and can be canceled.
        var winner = won.Data.Str("terminal_checkout_id");
        foreach (var id in ids.Where(x => x != winner))
        {
            var read = await r.Api.Get($"{Path}/{id}");
            Assert.Equal("in_progress", read.Data.Str("status"));
            Assert.Null(read.Data["payment_id"]);
            var canceled = await r.Api.Post($"{Path}/{id}/cancel");
            Assert.True(canceled.Status == 200, canceled.ToString());
            Assert.Equal(("canceled", "merchant"), (canceled.Data.Str("status"), canceled.Data.Str("cancel_reason")));
        }
        // A paid order takes no new checkout.
        (await Post(r.Api, r.DeviceId, orderId)).AssertError(409, "ORDER_NOT_PAYABLE", "order_id");
    }

    [Fact]
    public async Task One_checkout_completed_twenty_times_at_once_charges_once_and_answers_one_payment()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        var id = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => r.Device.Post($"{Path}/{id}/complete", CardPresent("tok_cp_visa"))));
        Assert.All(answers, a => Assert.True(a.Status == 200 || (a.Status == 409 && a.ErrorCode == "PAYMENT_IN_PROGRESS"), a.ToString()));
        var ok = answers.Where(a => a.Status == 200).ToList();
        Assert.NotEmpty(ok);
        var paymentId = ok[0].Data.Str("payment_id");
        Assert.All(ok, a => Assert.Equal(("completed", paymentId), (a.Data.Str("status"), a.Data.Str("payment_id"))));

        var only = Assert.Single(await r.Api.ListAll($"/v1/payments?order_id={orderId}"));
        Assert.Equal((paymentId, "succeeded", 1100L), (only.Str("payment_id"), only.Str("status"), only["amount_money"]!.Long("amount")));
        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 1100L), (order.Str("status"), order.Net("paid")));
        Assert.Equal(("completed", paymentId), ((await r.Api.Get($"{Path}/{id}")).Data.Str("status"), (await r.Api.Get($"{Path}/{id}")).Data.Str("payment_id")));
    }

    [Fact]
    public async Task A_checkout_of_part_of_the_balance_leaves_the_order_partially_paid_and_the_next_one_takes_the_rest()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        (await Post(r.Api, r.DeviceId, orderId, $""" "amount_money":{Usd(1101)} """)).AssertError(400, "AMOUNT_EXCEEDS_BALANCE", "amount_money.amount");
        (await Post(r.Api, r.DeviceId, orderId, $""" "amount_money":{Usd(0)} """)).AssertError(400, "INVALID_AMOUNT", "amount_money.amount");

        var first = await Create(r.Api, r.DeviceId, orderId, $""" "amount_money":{Usd(500)},"tip_options":["10"] """);
        Assert.Equal(500L, first["amount_money"]!.Long("amount"));
        Assert.Equal([("10", 50L)], TipOptions(first));   // of the 500, not of the order
        var completed = await r.Device.Post($"{Path}/{first.Str("terminal_checkout_id")}/complete",
            $$"""{"type":"card_present","token":"tok_cp_visa","tip_money":{{Usd(50)}}}""");
        Assert.True(completed.Status == 200, completed.ToString());
        Assert.Equal(("completed", 50L), (completed.Data.Str("status"), completed.Data["tip_money"]!.Long("amount")));
        var payment = (await r.Api.Get($"/v1/payments/{completed.Data.Str("payment_id")}")).Data;
        Assert.Equal((550L, 50L), (payment["amount_money"]!.Long("amount"), payment["tip_money"]!.Long("amount")));

        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("partially_paid", 1150L, 550L, 600L), (order.Str("status"), order.Net("total"), order.Net("paid"), order.Net("balance")));

        // The next one, without an amount, is for the balance left: 600.
        var rest = await Create(r.Api, r.DeviceId, orderId);
        Assert.Equal(600L, rest["amount_money"]!.Long("amount"));
        var cash = await r.Device.Post($"{Path}/{rest.Str("terminal_checkout_id")}/complete", $$"""{"type":"cash","tendered_money":{{Usd(599)}}}""");
        cash.AssertError(400, "INSUFFICIENT_TENDER", "tendered_money.amount");
        cash = await r.Device.Post($"{Path}/{rest.Str("terminal_checkout_id")}/complete", $$"""{"type":"cash","tendered_money":{{Usd(1000)}}}""");
        Assert.True(cash.Status == 200, cash.ToString());
        Assert.Equal(400L, cash.Data["change_back_money"]!.Long("amount"));
        order = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 1150L, 1150L, 0L), (order.Str("status"), order.Net("total"), order.Net("paid"), order.Net("balance")));
    }

    [Fact]
    public async Task The_register_refunds_a_card_present_payment_in_parts_and_the_tax_comes_back_by_the_cumulative_rule()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        var id = (await Create(r.Api, r.DeviceId, orderId, """ "tip_options":["10"] """)).Str("terminal_checkout_id");
        var completed = await r.Device.Post($"{Path}/{id}/complete", $$"""{"type":"card_present","token":"tok_cp_visa","tip_money":{{Usd(110)}}}""");
        Assert.True(completed.Status == 200, completed.ToString());
        var paymentId = completed.Data.Str("payment_id");
        var order = await r.Api.GetOrder(orderId);
        Assert.Equal(("paid", 100L, 1210L), (order.Str("status"), order.Net("tax"), order.Net("total")));

        // Tax refunded after refunds of R in all: round_half_even(100 × R / 1210), each refund carrying the difference.
        // 333 → 27.52… → 28; then the other 877 → 100 − 28 = 72 (all the tax, no drift).
        var first = await r.Device.RefundOf(orderId, 333, """ "reason":"returned one" """);
        Assert.True(first.Status == 201, first.ToString());
        var refund = first.Data["refund"]!;
        Assert.Equal(("succeeded", 333L, 28L, r.DeviceId, r.LocationId), (refund.Str("status"), refund["amount_money"]!.Long("amount"),
            refund["tax_money"]!.Long("amount"), refund.Str("device_id"), refund.Str("location_id")));
        Assert.Equal([(paymentId, 333L)], refund.Arr("allocations").Select(a => (a!.Str("payment_id"), a!["amount_money"]!.Long("amount"))));
        Assert.Equal(("partially_refunded", 333L), (first.Data["order"]!.Str("status"), first.Data["order"]!.Net("refunded")));

        var second = await r.Device.RefundOf(orderId, 877);
        Assert.True(second.Status == 201, second.ToString());
        Assert.Equal((877L, 72L, r.DeviceId), (second.Data["refund"]!["amount_money"]!.Long("amount"), second.Data["refund"]!["tax_money"]!.Long("amount"),
            second.Data["refund"]!.Str("device_id")));
        Assert.Equal("refunded", second.Data["order"]!.Str("status"));

        var payment = (await r.Api.Get($"/v1/payments/{paymentId}")).Data;
        Assert.Equal(("refunded", 1210L, 1210L, "pos", r.DeviceId), (payment.Str("status"), payment["amount_money"]!.Long("amount"),
            payment["refunded_money"]!.Long("amount"), payment.Str("source"), payment.Str("device_id")));
        var refunds = await r.Api.ListAll($"/v1/refunds?order_id={orderId}");
        Assert.Equal([28L, 72L], refunds.Select(x => x["tax_money"]!.Long("amount")).Order());
    }

    [Fact]
    public async Task Only_the_device_it_was_sent_to_completes_it_and_card_present_tokens_come_from_devices_only()
    {
        var r = await Registers.New(f);
        var orderId = await NewOrder(r);
        var id = (await Create(r.Api, r.DeviceId, orderId)).Str("terminal_checkout_id");
        var complete = $"{Path}/{id}/complete";

        // The merchant's key: not a device.
        (await r.Api.Post(complete, CardPresent("tok_cp_visa"))).AssertError(403, "DEVICE_ONLY");
        (await r.Api.Post($"{Path}/{id}/start")).AssertError(403, "DEVICE_ONLY");
        // Another till at the same location sees it, and may send checkouts, but does not complete another's.
        var till2 = await Registers.Pair(f, r.Api, r.LocationId, "Till 2");
        Assert.Equal(200, (await till2.Device.Get($"{Path}/{id}")).Status);
        (await till2.Device.Post(complete, CardPresent("tok_cp_visa"))).AssertError(403, "DEVICE_ONLY");
        (await till2.Device.Post($"{Path}/{id}/start")).AssertError(403, "DEVICE_ONLY");
        var sentByTill2 = await Post(till2.Device, r.DeviceId, orderId);
        Assert.True(sentByTill2.Status == 201, sentByTill2.ToString());
        Assert.Equal($"device:{till2.DeviceId}", sentByTill2.Data.Str("created_by"));
        (await till2.Device.Get($"{Path}?device_id={r.DeviceId}")).AssertError(403, "LOCATION_NOT_ALLOWED", "device_id");
        Assert.Empty(await till2.Device.ListAll(Path));   // a device lists the checkouts sent to it

        // A device of another location: the checkout is not there for it.
        var elsewhere = await Registers.Pair(f, r.Api, await Registers.NewLocation(r.Api, "Back store"), "Till 9");
        (await elsewhere.Device.Get($"{Path}/{id}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await elsewhere.Device.Post(complete, CardPresent("tok_cp_visa"))).AssertError(404, "RESOURCE_NOT_FOUND");
        (await elsewhere.Device.Post($"{Path}/{id}/cancel")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await Post(elsewhere.Device, r.DeviceId, orderId)).AssertError(400, "INVALID_DEVICE", "device_id");
        // Nor may the merchant send this location's order to a device of the other one.
        (await Post(r.Api, elsewhere.DeviceId, orderId)).AssertError(400, "INVALID_ORDER", "order_id");

        // A card-present token is the reader's: an API key cannot pay with one, and the device's checkout takes no other.
        (await r.Api.PayWith(orderId, "tok_cp_visa")).AssertError(400, "INVALID_PAYMENT_SOURCE", "payment_source_tokens[0].token");
        (await r.Device.Post(complete, CardPresent("tok_visa"))).AssertError(400, "INVALID_PAYMENT_SOURCE", "token");
        (await r.Device.Post(complete, """{"type":"cheque"}""")).AssertError(400, "INVALID_ENUM_VALUE", "type");

        // Devices that are not paired, unknown or malformed.
        var code = await r.Api.Post("/v1/devices/codes", $$"""{"name":"Till 3","location_id":"{{r.LocationId}}"}""");
        Assert.True(code.Status == 201, code.ToString());
        (await Post(r.Api, code.Data.Str("device_id"), orderId)).AssertError(409, "DEVICE_NOT_PAIRED", "device_id");
        Assert.Equal(200, (await r.Api.Delete($"/v1/devices/{till2.DeviceId}")).Status);
        (await Post(r.Api, till2.DeviceId, orderId)).AssertError(409, "DEVICE_NOT_PAIRED", "device_id");
        (await Post(r.Api, FlintId.New(IdPrefix.Device), orderId)).AssertError(400, "INVALID_DEVICE", "device_id");
        (await Post(r.Api, "till-1", orderId)).AssertError(400, "INVALID_DEVICE", "device_id");
        (await r.Api.Post(Path, $$"""{"order_id":"{{orderId}}"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "device_id");

        // None of that charged anything; the right device still completes it.
        Assert.Empty(await r.Api.ListAll($"/v1/payments?order_id={orderId}"));
        var done = await r.Device.Post(complete, CardPresent("tok_cp_visa"));
        Assert.True(done.Status == 200, done.ToString());
        Assert.Equal("paid", (await r.Api.GetOrder(orderId)).Str("status"));
    }

    private static string Usd(long amount) => $$"""{"amount":{{amount}},"currency":"USD"}""";

    private static string CardPresent(string token) => $$"""{"type":"card_present","token":"{{token}}"}""";

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static List<(string, long)> TipOptions(JsonNode checkout) =>
        checkout.Arr("tip_options").Select(t => (t!.Str("percentage"), t!["tip_money"]!.Long("amount"))).ToList();

    /// <summary>An order of one 1000 line made by the merchant at the register's location: 1100 with its 10 % tax.</summary>
    private static async Task<string> NewOrder(Register r)
    {
        var order = await r.Api.CreateOrder($$"""{"location_id":"{{r.LocationId}}","line_items":[{{OrderData.AdHoc("Lamp", 1000)}}]}""");
        Assert.Equal((r.LocationId, 1000L, 100L, 1100L), (order.Str("location_id"), order.Net("subtotal"), order.Net("tax"), order.Net("total")));
        return order.Str("order_id");
    }

    private static Task<ApiResponse> Post(ApiClient caller, string deviceId, string orderId, string extra = "") =>
        caller.Post(Path, $$"""{"device_id":"{{deviceId}}","order_id":"{{orderId}}"{{(extra.Trim().Length > 0 ? "," + extra.Trim() : "")}}}""");

    private static async Task<JsonNode> Create(ApiClient caller, string deviceId, string orderId, string extra = "")
    {
        var created = await Post(caller, deviceId, orderId, extra);
        Assert.True(created.Status == 201, created.ToString());
        return created.Data;
    }
}
