using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Npgsql;

namespace Flint.Api.Tests.Payments;

/// <summary>POST /v1/orders/{id}/pay end to end on PostgreSQL with the simulated processor: declines, the
/// processor's transient failure, split tender, partial payments, tips, refusals, look-ups, idempotent replays
/// and saved cards.</summary>
[Collection(ApiCollection.Name)]
public sealed class PayApiTests(ApiFixture f)
{
    [Theory]
    [InlineData("tok_chargeDeclined", "card_declined", "0002")]
    [InlineData("tok_chargeDeclinedInsufficientFunds", "insufficient_funds", "9995")]
    [InlineData("tok_chargeDeclinedExpiredCard", "expired_card", "0069")]
    public async Task A_declined_card_is_402_PAYMENT_DECLINED_with_its_decline_code_the_stock_untouched_the_payment_failed_and_the_order_still_payable(
        string token, string declineCode, string last4)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Decline"));
        var item = await api.Stocked(price: 750, quantity: 4);
        var order = await api.NewOrder((item.VariantId, 3));
        var orderId = order.Str("order_id");

        var declined = await api.PayWith(orderId, token);

        declined.AssertError(402, "PAYMENT_DECLINED");
        Assert.Equal("payment", declined.Body!["error"]!.Str("type"));
        Assert.Equal(declineCode, declined.Body!["error"]!.Str("decline_code"));
        Assert.Equal((4L, 0L, 4L), await api.Stock(item));
        Assert.Single(await api.History(item));
        var after = await api.GetOrder(orderId);
        Assert.Equal("open", after.Str("status"));
        Assert.Equal((0L, 2250L), (after.Net("paid"), after.Net("balance")));
        var payment = Assert.Single(await api.PaymentsOf(orderId));
        Assert.Equal(("failed", declineCode), (payment.Str("status"), payment.Str("decline_code")));
        Assert.Equal(("visa", last4), (payment.Str("card_brand"), payment.Str("card_last4")));
        Assert.Equal(2250, payment.Amount("amount_money"));

        var ok = await api.PayWith(orderId, "tok_amex");
        Assert.True(ok.Status == 200, ok.ToString());
        Assert.Equal("paid", ok.Data["order"]!.Str("status"));
        Assert.Equal(("amex", "8431"), (ok.Data.Arr("payments")[0]!.Str("card_brand"), ok.Data.Arr("payments")[0]!.Str("card_last4")));
        Assert.Equal((1L, 0L, 1L), await api.Stock(item));
        Assert.Equal(["failed", "succeeded"], (await api.PaymentsOf(orderId)).Select(p => p.Str("status")).Order());
    }

    [Fact]
    public async Task Tok_processingError_is_retried_by_the_saga_and_succeeds_with_exactly_one_charge()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Retry"));
        var item = await api.Stocked(price: 1200, quantity: 5);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");

        var paid = await api.PayWith(orderId, "tok_processingError");

        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal("paid", paid.Data["order"]!.Str("status"));
        var payment = Assert.Single(await api.PaymentsOf(orderId));
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal(2400, payment.Amount("amount_money"));
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
        // The processor saw one failed attempt and made one charge, under the payment id.
        var charges = await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_");
        Assert.Equal(("charge_" + payment.Str("payment_id"), "Succeeded"), Assert.Single(charges));
        Assert.Single(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge-attempt_"));
    }

    [Fact]
    public async Task Split_tender_card_and_cash_pays_the_order_and_cash_tendered_above_the_rest_reports_change_back()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Split"));
        var item = await api.Stocked(price: 2500, quantity: 5);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");

        var paid = await api.Post($"/v1/orders/{orderId}/pay", """
            {"payment_sources":[{"token":"tok_visa","amount_money":{"amount":3000,"currency":"USD"}},
                                {"type":"cash","amount_money":{"amount":2500,"currency":"USD"}}]}
            """);

        Assert.True(paid.Status == 200, paid.ToString());
        var o = paid.Data["order"]!;
        Assert.Equal("paid", o.Str("status"));
        Assert.Equal((5000L, 5000L, 0L), (o.Net("total"), o.Net("paid"), o.Net("balance")));
        var card = paid.Data.Arr("payments").Single(p => p!.Str("source_type") == "card")!;
        var cash = paid.Data.Arr("payments").Single(p => p!.Str("source_type") == "cash")!;
        Assert.Equal((3000L, "succeeded", "visa"), (card.Amount("amount_money"), card.Str("status"), card.Str("card_brand")));
        Assert.Equal((2000L, 2500L, 500L), (cash.Amount("amount_money"), cash.Amount("tendered_money"), cash.Amount("change_back_money")));
        Assert.Equal("succeeded", cash.Str("status"));
        Assert.Null(cash["processor_reference"]);
        Assert.Equal(2, (await api.PaymentsOf(orderId, "succeeded")).Count);
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
    }

    [Fact]
    public async Task A_split_tender_whose_second_card_declines_gives_the_first_card_its_money_back_and_takes_no_stock()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("SplitDecline"));
        var item = await api.Stocked(price: 2000, quantity: 3);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");

        var r = await api.Post($"/v1/orders/{orderId}/pay", """
            {"payment_sources":[{"token":"tok_visa","amount_money":{"amount":1500,"currency":"USD"}},{"token":"tok_chargeDeclinedInsufficientFunds"}]}
            """);

        r.AssertError(402, "PAYMENT_DECLINED");
        Assert.Equal("insufficient_funds", r.Body!["error"]!.Str("decline_code"));
        var payments = await api.PaymentsOf(orderId);
        Assert.Equal(2, payments.Count);
        Assert.All(payments, p => Assert.Equal("failed", p.Str("status")));
        var visa = payments.Single(p => p.Amount("amount_money") == 1500);
        Assert.Equal("voided", visa.Str("decline_code"));
        Assert.Equal("insufficient_funds", payments.Single(p => p.Amount("amount_money") == 2500).Str("decline_code"));
        // The processor charged the visa and then refunded all of it.
        var charges = await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_");
        Assert.Equal(("Succeeded", "Declined"), (charges.Single(c => c.Key.EndsWith(visa.Str("payment_id"))).Outcome, charges.Single(c => !c.Key.EndsWith(visa.Str("payment_id"))).Outcome));
        var refunds = await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "refund_");
        Assert.Equal(("refund_" + visa.Str("payment_id") + "_void", "Succeeded"), Assert.Single(refunds));
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
        var o = await api.GetOrder(orderId);
        Assert.Equal(("open", 0L, 4000L), (o.Str("status"), o.Net("paid"), o.Net("balance")));
        Assert.Equal(200, (await api.PayWith(orderId, "tok_visa")).Status);
    }

    [Fact]
    public async Task A_line_short_of_stock_refuses_the_payment_with_409_INSUFFICIENT_INVENTORY_naming_that_line_and_holds_nothing()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Short"));
        var plenty = await api.Stocked(price: 500, quantity: 10);
        var scarce = await api.Stocked(price: 700, quantity: 1, name: "Scarce mug");
        var order = await api.NewOrder((plenty.VariantId, 2), (scarce.VariantId, 2));
        var orderId = order.Str("order_id");
        var scarceLine = order.Arr("line_items")[1]!.Str("line_item_id");

        var r = await api.PayWith(orderId, "tok_visa");

        r.AssertError(409, "INSUFFICIENT_INVENTORY");
        Assert.Equal((10L, 0L, 10L), await api.Stock(plenty));
        Assert.Equal((1L, 0L, 1L), await api.Stock(scarce));
        Assert.Empty(await api.PaymentsOf(orderId, "succeeded"));
        Assert.Empty(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_"));
        Assert.Equal("open", (await api.GetOrder(orderId)).Str("status"));
        // The refusal says which line is short (issue 5: "naming the line"): by its index in param, or by its id or
        // name in the message.
        var message = r.Body!["error"]!.Str("message");
        Assert.True(r.ErrorParam == "line_items[1]" || message.Contains(scarceLine) || message.Contains("Scarce mug"), r.ToString());
    }

    [Fact]
    public async Task Paying_a_bundle_line_takes_the_stock_of_each_component_and_restocking_it_returns_them()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("BundlePay"));
        var beans = await api.Stocked(price: 1500, quantity: 10);
        var mug = await api.Stocked(price: 1200, quantity: 10);
        var bundle = await api.CreateBundle(null, (beans.VariantId, 2), (mug.VariantId, 1));
        var order = await api.CreateOrder($$"""{"currency":"USD","line_items":[{"bundle_id":"{{bundle.Str("bundle_id")}}","quantity":3}]}""");
        var orderId = order.Str("order_id");

        var paid = await api.PayWith(orderId, "tok_visa");

        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal(7500, paid.Data["order"]!.Net("paid"));
        Assert.Equal((4L, 0L, 4L), await api.Stock(beans));
        Assert.Equal((7L, 0L, 7L), await api.Stock(mug));
        var lineId = order.Arr("line_items")[0]!.Str("line_item_id");
        var refund = await api.RefundOf(orderId, 2500, PayTestData.Restock((lineId, 1)));
        Assert.True(refund.Status == 201, refund.ToString());
        Assert.Equal((6L, 0L, 6L), await api.Stock(beans));
        Assert.Equal((8L, 0L, 8L), await api.Stock(mug));
        (await api.RefundOf(orderId, 100, PayTestData.Restock((lineId, 3))))
            .AssertError(400, "RESTOCK_EXCEEDS_SOLD");
    }

    [Fact]
    public async Task A_partial_payment_makes_the_order_partially_paid_and_a_second_payment_of_the_rest_makes_it_paid_taking_stock_once()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Partial"));
        var item = await api.Stocked(price: 2000, quantity: 5);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");

        var first = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"token":"tok_visa","amount_money":{"amount":1500,"currency":"USD"}}]}""");

        Assert.True(first.Status == 200, first.ToString());
        Assert.Equal("partially_paid", first.Data["order"]!.Str("status"));
        Assert.Equal((1500L, 2500L), (first.Data["order"]!.Net("paid"), first.Data["order"]!.Net("balance")));
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
        // Lines are frozen once money came in.
        (await api.Post($"/v1/orders/{orderId}/line-items", OrderData.VariantLine(item.VariantId))).AssertError(409, "ORDER_NOT_EDITABLE");
        // More than the balance is refused; the balance itself is accepted.
        (await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"token":"tok_visa","amount_money":{"amount":2501,"currency":"USD"}}]}"""))
            .AssertError(400, "AMOUNT_EXCEEDS_BALANCE", "payment_sources[0].amount_money");

        var second = await api.PayWith(orderId, "tok_mastercard");

        Assert.True(second.Status == 200, second.ToString());
        Assert.Equal("paid", second.Data["order"]!.Str("status"));
        Assert.Equal(2500, second.Data.Arr("payments").Single()!.Amount("amount_money"));
        Assert.Equal((4000L, 0L), (second.Data["order"]!.Net("paid"), second.Data["order"]!.Net("balance")));
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
        Assert.Single(await api.History(item), h => h.Str("change_reason") == "order_fulfillment");
        Assert.Equal([1500L, 2500L], (await api.PaymentsOf(orderId, "succeeded")).Select(p => p.Amount("amount_money")).Order());
        (await api.PayWith(orderId, "tok_visa")).AssertError(409, "ORDER_ALREADY_PAID");
    }

    [Fact]
    public async Task Paying_more_than_the_balance_is_400_AMOUNT_EXCEEDS_BALANCE_and_changes_nothing()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Exceeds"));
        var item = await api.Stocked(price: 1000, quantity: 2);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");

        (await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"token":"tok_visa","amount_money":{"amount":1001,"currency":"USD"}}]}"""))
            .AssertError(400, "AMOUNT_EXCEEDS_BALANCE", "payment_sources[0].amount_money");
        (await api.Post($"/v1/orders/{orderId}/pay", """
            {"payment_sources":[{"token":"tok_visa","amount_money":{"amount":600,"currency":"USD"}},{"token":"tok_amex","amount_money":{"amount":401,"currency":"USD"}}]}
            """)).AssertError(400, "AMOUNT_EXCEEDS_BALANCE");

        Assert.Empty(await api.PaymentsOf(orderId));
        Assert.Equal("open", (await api.GetOrder(orderId)).Str("status"));
        Assert.Equal((2L, 0L, 2L), await api.Stock(item));
    }

    [Fact]
    public async Task A_payment_or_tip_in_another_currency_is_400_CURRENCY_MISMATCH()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Currency"));
        var item = await api.Stocked(price: 1000, quantity: 2);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");

        (await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"token":"tok_visa","amount_money":{"amount":1000,"currency":"EUR"}}]}"""))
            .AssertError(400, "CURRENCY_MISMATCH", "payment_sources[0].amount_money.currency");
        (await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_visa"],"tip_money":{"amount":100,"currency":"EUR"}}"""))
            .AssertError(400, "CURRENCY_MISMATCH", "tip_money.currency");

        Assert.Empty(await api.PaymentsOf(orderId));
        Assert.Equal("open", (await api.GetOrder(orderId)).Str("status"));
    }

    [Fact]
    public async Task Payment_source_tokens_takes_exactly_one_token()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Tokens"));
        var item = await api.Stocked(price: 1000, quantity: 2);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");

        var r = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_visa","tok_mastercard"]}""");

        r.AssertError(400, "INVALID_FIELD", "payment_source_tokens");
        Assert.Empty(await api.PaymentsOf(orderId));
        (await api.Post($"/v1/orders/{orderId}/pay", "{}")).AssertError(400, "MISSING_REQUIRED_FIELD");
    }

    [Fact]
    public async Task A_tip_raises_the_total_and_what_is_paid_and_is_neither_discounted_nor_taxed()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Tip"));
        await api.UsTax("10");
        var item = await api.Stocked(price: 2000, quantity: 2);
        var order = await api.NewOrder((item.VariantId, 1));
        var orderId = order.Str("order_id");
        Assert.Equal((200L, 2200L), (order.Net("tax"), order.Net("total")));

        var paid = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_visa"],"tip_money":{"amount":300,"currency":"USD"}}""");

        Assert.True(paid.Status == 200, paid.ToString());
        var o = paid.Data["order"]!;
        Assert.Equal("paid", o.Str("status"));
        Assert.Equal((300L, 200L, 2500L, 2500L, 0L), (o.Net("tip"), o.Net("tax"), o.Net("total"), o.Net("paid"), o.Net("balance")));
        var payment = paid.Data.Arr("payments").Single()!;
        Assert.Equal((2500L, 300L), (payment.Amount("amount_money"), payment.Amount("tip_money")));
        var again = await api.GetOrder(orderId);
        Assert.Equal((300L, 2500L), (again.Net("tip"), again.Net("total")));
    }

    [Fact]
    public async Task Payments_are_read_by_id_and_listed_by_order_and_status()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("PayList"));
        var item = await api.Stocked(price: 900, quantity: 5);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        var otherId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        Assert.Equal(402, (await api.PayWith(orderId, "tok_chargeDeclined")).Status);
        var paid = await api.PayWith(orderId, "tok_visa");
        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal(200, (await api.PayWith(otherId, "tok_mastercard")).Status);
        var paymentId = paid.Data.Arr("payments")[0]!.Str("payment_id");

        var one = await api.Get($"/v1/payments/{paymentId}");

        Assert.Equal(200, one.Status);
        Assert.StartsWith("pay_", paymentId);
        Assert.Equal((paymentId, orderId, "succeeded", "card"), (one.Data.Str("payment_id"), one.Data.Str("order_id"), one.Data.Str("status"), one.Data.Str("source_type")));
        Assert.Equal(("visa", "4242"), (one.Data.Str("card_brand"), one.Data.Str("card_last4")));
        Assert.Equal(900, one.Data.Amount("amount_money"));
        Assert.Equal(0, one.Data.Amount("refunded_money"));
        Assert.False(string.IsNullOrEmpty(one.Data.Str("processor_reference")));
        Assert.Equal(2, (await api.PaymentsOf(orderId)).Count);
        Assert.Equal(paymentId, Assert.Single(await api.PaymentsOf(orderId, "succeeded")).Str("payment_id"));
        Assert.Equal("card_declined", Assert.Single(await api.PaymentsOf(orderId, "failed")).Str("decline_code"));
        Assert.Empty(await api.PaymentsOf(orderId, "refunded"));
        Assert.Single(await api.PaymentsOf(otherId));
        var all = await api.Get("/v1/payments?page_size=100");
        Assert.Equal(3, all.Data.AsArray().Count);
        (await api.Get("/v1/payments?status=paid")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await api.Get($"/v1/payments/{CatalogData.UnknownId("pay")}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Paying_a_canceled_order_is_409_and_charges_nothing()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Canceled"));
        var item = await api.Stocked(price: 1000, quantity: 2);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        Assert.Equal(200, (await api.Post($"/v1/orders/{orderId}/cancel")).Status);

        var r = await api.PayWith(orderId, "tok_visa");

        r.AssertError(409, "INVALID_STATE_TRANSITION");
        Assert.Empty(await api.PaymentsOf(orderId));
        Assert.Equal("canceled", (await api.GetOrder(orderId)).Str("status"));
        Assert.Equal((2L, 0L, 2L), await api.Stock(item));
        Assert.Empty(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_"));
    }

    [Fact]
    public async Task Another_merchants_order_payment_and_refund_are_404_for_pay_refund_and_reads()
    {
        var (a, aLive, _) = await f.NewMerchant(CatalogData.Unique("TenantA"));
        var (b, _, _) = await f.NewMerchant(CatalogData.Unique("TenantB"));
        var item = await a.Stocked(price: 1000, quantity: 3);
        var orderId = (await a.NewOrder((item.VariantId, 1))).Str("order_id");
        var paid = await a.PayWith(orderId, "tok_visa");
        var paymentId = paid.Data.Arr("payments")[0]!.Str("payment_id");
        var refund = await a.RefundOf(orderId, 100);
        Assert.Equal(201, refund.Status);
        var refundId = refund.Data["refund"]!.Str("refund_id");
        var unpaid = (await a.NewOrder((item.VariantId, 1))).Str("order_id");

        (await b.PayWith(unpaid, "tok_visa")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await b.RefundOf(orderId, 100)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await b.Get($"/v1/payments/{paymentId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await b.Get($"/v1/refunds/{refundId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Empty(await b.PaymentsOf(orderId));
        Assert.Empty(await b.RefundsOf(orderId));
        // The live environment of the same merchant does not see test objects either.
        (await aLive.PayWith(unpaid, "tok_visa")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await aLive.Get($"/v1/payments/{paymentId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await aLive.Get($"/v1/refunds/{refundId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal("open", (await a.GetOrder(unpaid)).Str("status"));
        Assert.Empty(await a.PaymentsOf(unpaid));
        Assert.Equal(100, (await a.GetOrder(orderId)).Net("refunded"));
    }

    [Fact]
    public async Task Replaying_a_pay_with_the_same_idempotency_key_answers_the_same_body_and_charges_once()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Replay"));
        var item = await api.Stocked(price: 1500, quantity: 3);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        var key = "pay-" + Guid.NewGuid().ToString("N");

        var first = await api.PayWith(orderId, "tok_visa", key);
        var second = await api.PayWith(orderId, "tok_visa", key);

        Assert.True(first.Status == 200, first.ToString());
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Single(await api.PaymentsOf(orderId));
        Assert.Single(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_"));
        Assert.Equal((2L, 0L, 2L), await api.Stock(item));
        // The same key with another body is refused, and still nothing more happens.
        (await api.PayWith(orderId, "tok_mastercard", key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
        Assert.Single(await api.PaymentsOf(orderId));
    }

    [Fact]
    public async Task A_pay_retried_with_its_idempotency_key_after_the_stored_answer_was_lost_gets_that_payment_not_a_conflict()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Lost"));
        var item = await api.Stocked(price: 1500, quantity: 3);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        var key = "pay-" + Guid.NewGuid().ToString("N");
        var first = await api.PayWith(orderId, "tok_visa", key);
        Assert.True(first.Status == 200, first.ToString());
        // What a process that dies after the charge leaves: the order has the payment, the idempotency layer has no
        // answer to replay (a cut-off call is not stored), so the retry reaches the order itself.
        await using (var db = NpgsqlDataSource.Create(f.ConnectionString))
        await using (var forget = db.CreateCommand("DELETE FROM flint_idempotency WHERE merchant_id = @m AND idem_key = @k"))
        {
            forget.Parameters.AddWithValue("m", merchantId);
            forget.Parameters.AddWithValue("k", key);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }

        var retried = await api.PayWith(orderId, "tok_visa", key);

        Assert.True(retried.Status == 200, retried.ToString());
        Assert.Null(retried.Header("Idempotent-Replayed"));
        Assert.Equal("paid", retried.Data["order"]!.Str("status"));
        Assert.Equal(first.Data["payments"]![0]!.Str("payment_id"), Assert.Single(retried.Data["payments"]!.AsArray())!.Str("payment_id"));
        Assert.Single(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_"));
        // Another key is another attempt: that one is told the order is paid.
        (await api.PayWith(orderId, "tok_visa", "pay-" + Guid.NewGuid().ToString("N"))).AssertError(409, "ORDER_ALREADY_PAID");
    }

    [Fact]
    public async Task A_saved_card_pays_an_order_of_its_customer_and_saved_cards_are_listed_and_deleted()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Saved"));
        var customerId = await api.CreateCustomer();
        var saved = await api.Post($"/v1/customers/{customerId}/payment-methods", """{"token":"tok_visa"}""");
        Assert.True(saved.Status == 201, saved.ToString());
        var methodId = saved.Data.Str("customer_payment_method_id");
        Assert.Equal((customerId, "visa", "4242"), (saved.Data.Str("customer_id"), saved.Data.Str("brand"), saved.Data.Str("last4")));
        Assert.Null(saved.Data["processor_payment_method_id"]);
        var second = await api.Post($"/v1/customers/{customerId}/payment-methods", """{"token":"tok_mastercard"}""");
        Assert.Equal(201, second.Status);
        var listed = await api.Get($"/v1/customers/{customerId}/payment-methods");
        Assert.Equal(new[] { methodId, second.Data.Str("customer_payment_method_id") }.Order(), listed.Ids("customer_payment_method_id").Order());
        var item = await api.Stocked(price: 1800, quantity: 2);
        var orderId = (await api.NewOrder(customerId, (item.VariantId, 1))).Str("order_id");

        var paid = await api.Post($"/v1/orders/{orderId}/pay", $$"""{"payment_sources":[{"customer_payment_method_id":"{{methodId}}"}]}""");

        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal("paid", paid.Data["order"]!.Str("status"));
        var payment = paid.Data.Arr("payments").Single()!;
        Assert.Equal(("succeeded", "visa", "4242", methodId), (payment.Str("status"), payment.Str("card_brand"), payment.Str("card_last4"), payment.Str("customer_payment_method_id")));
        Assert.Equal(customerId, payment.Str("customer_id"));
        Assert.Equal(1800, payment.Amount("amount_money"));
        Assert.Single(await api.PaymentsOf(orderId, "succeeded"));
        Assert.Single((await api.Get($"/v1/payments?customer_id={customerId}")).Data.AsArray());

        var deleted = await api.Delete($"/v1/customers/{customerId}/payment-methods/{methodId}");
        Assert.Equal(200, deleted.Status);
        Assert.Equal([second.Data.Str("customer_payment_method_id")], (await api.Get($"/v1/customers/{customerId}/payment-methods")).Ids("customer_payment_method_id"));
        (await api.Delete($"/v1/customers/{customerId}/payment-methods/{methodId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        // A deleted card no longer pays, and the refusal charges nothing.
        var next = (await api.NewOrder(customerId, (item.VariantId, 1))).Str("order_id");
        var refused = await api.Post($"/v1/orders/{next}/pay", $$"""{"payment_sources":[{"customer_payment_method_id":"{{methodId}}"}]}""");
        // A body field naming something that is not there is a 400 on that field (as for refund payment_id or an
        // order's customer_id), not a 404 that would say the order itself is missing.
        Assert.True(refused.Status == 400 && refused.ErrorParam == "payment_sources[0].customer_payment_method_id", refused.ToString());
        Assert.Empty(await api.PaymentsOf(next));
    }

    [Fact]
    public async Task A_saved_card_of_another_customer_cannot_pay_the_order()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("SavedOther"));
        var ada = await api.CreateCustomer();
        var bob = await api.CreateCustomer();
        var adas = (await api.Post($"/v1/customers/{ada}/payment-methods", """{"token":"tok_visa"}""")).Data.Str("customer_payment_method_id");
        var item = await api.Stocked(price: 1000, quantity: 2);
        var bobsOrder = (await api.NewOrder(bob, (item.VariantId, 1))).Str("order_id");
        var anonymous = (await api.NewOrder((item.VariantId, 1))).Str("order_id");

        var r = await api.Post($"/v1/orders/{bobsOrder}/pay", $$"""{"payment_sources":[{"customer_payment_method_id":"{{adas}}"}]}""");
        var noCustomer = await api.Post($"/v1/orders/{anonymous}/pay", $$"""{"payment_sources":[{"customer_payment_method_id":"{{adas}}"}]}""");

        Assert.True(r.Status == 400 && r.ErrorParam == "payment_sources[0].customer_payment_method_id", r.ToString());
        noCustomer.AssertError(400, "INVALID_PAYMENT_SOURCE", "payment_sources[0].customer_payment_method_id");
        Assert.Empty(await api.PaymentsOf(bobsOrder));
        Assert.Equal("open", (await api.GetOrder(bobsOrder)).Str("status"));
    }
}
