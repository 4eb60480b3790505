using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;

namespace Flint.Api.Tests.Payments;

/// <summary>POST /v1/orders/{id}/refunds end to end: cumulative tax reversal, limits, refunds of one payment of a
/// split tender, restocking, and the refund look-ups.</summary>
[Collection(ApiCollection.Name)]
public sealed class RefundApiTests(ApiFixture f)
{
    /// <summary>The issue's rule, computed here independently: tax refunded after R = half_even(tax × R / total).</summary>
    private static long CumulativeTax(long tax, long total, long refunded) =>
        (long)Math.Round((decimal)tax * refunded / total, MidpointRounding.ToEven);

    /// <summary>Two units at 19.99 with 9 % tax: subtotal 39.98, tax 3.60 (359.82 half to even), total 43.58.</summary>
    private async Task<(ApiClient Api, string MerchantId, CreatedProduct Item, string OrderId, string PaymentId)> PaidOrder(string name)
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique(name));
        await api.UsTax("9");
        var item = await api.Stocked(price: 1999, quantity: 10);
        var order = await api.NewOrder((item.VariantId, 2));
        Assert.Equal((3998L, 360L, 4358L), (order.Net("subtotal"), order.Net("tax"), order.Net("total")));
        var paid = await api.PayWith(order.Str("order_id"), "tok_visa");
        Assert.True(paid.Status == 200, paid.ToString());
        return (api, merchantId, item, order.Str("order_id"), paid.Data.Arr("payments")[0]!.Str("payment_id"));
    }

    [Fact]
    public async Task Refunding_half_then_the_rest_returns_exactly_the_tax_charged_and_makes_the_order_refunded()
    {
        var (api, merchantId, item, orderId, paymentId) = await PaidOrder("RefundHalf");

        var half = await api.RefundOf(orderId, 2179, "\"reason\":\"half\"");

        Assert.True(half.Status == 201, half.ToString());
        var firstTax = CumulativeTax(360, 4358, 2179);
        Assert.Equal(180, firstTax);
        Assert.Equal(firstTax, half.Data["refund"]!.Amount("tax_money"));
        Assert.Equal(("succeeded", "half", 2179L), (half.Data["refund"]!.Str("status"), half.Data["refund"]!.Str("reason"), half.Data["refund"]!.Amount("amount_money")));
        var o = half.Data["order"]!;
        Assert.Equal("partially_refunded", o.Str("status"));
        Assert.Equal((2179L, 360L - firstTax, 4358L - 2179L), (o.Net("refunded"), o.Net("tax"), o.Net("total")));
        var payment = (await api.Get($"/v1/payments/{paymentId}")).Data;
        Assert.Equal(("partially_refunded", 2179L), (payment.Str("status"), payment.Amount("refunded_money")));

        var rest = await api.RefundOf(orderId, 2179);

        Assert.True(rest.Status == 201, rest.ToString());
        Assert.Equal(360 - firstTax, rest.Data["refund"]!.Amount("tax_money"));
        var final = rest.Data["order"]!;
        Assert.Equal("refunded", final.Str("status"));
        Assert.Equal((4358L, 0L, 0L, 0L), (final.Net("refunded"), final.Net("tax"), final.Net("total"), final.Net("balance")));
        var refunds = await api.RefundsOf(orderId);
        Assert.Equal(2, refunds.Count);
        Assert.Equal(360, refunds.Sum(r => r.Amount("tax_money")));
        Assert.Equal(4358, refunds.Sum(r => r.Amount("amount_money")));
        Assert.All(refunds, r => Assert.Equal("succeeded", r.Str("status")));
        payment = (await api.Get($"/v1/payments/{paymentId}")).Data;
        Assert.Equal(("refunded", 4358L), (payment.Str("status"), payment.Amount("refunded_money")));
        Assert.Equal(2, (await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "refund_")).Count);
        // Refunds without restock_line_items leave the stock where it is.
        Assert.Equal((8L, 0L, 8L), await api.Stock(item));
        (await api.RefundOf(orderId, 1)).AssertError(409, "INVALID_STATE_TRANSITION");
    }

    [Fact]
    public async Task A_sequence_of_uneven_partial_refunds_returns_exactly_the_tax_charged()
    {
        var (api, _, _, orderId, _) = await PaidOrder("RefundUneven");
        long[] parts = [1, 333, 1000, 7, 2017, 1000];
        Assert.Equal(4358, parts.Sum());
        long refunded = 0;
        foreach (var part in parts)
        {
            var r = await api.RefundOf(orderId, part);
            Assert.True(r.Status == 201, r.ToString());
            Assert.Equal(CumulativeTax(360, 4358, refunded + part) - CumulativeTax(360, 4358, refunded), r.Data["refund"]!.Amount("tax_money"));
            refunded += part;
        }
        Assert.Equal(360, (await api.RefundsOf(orderId)).Sum(r => r.Amount("tax_money")));
        Assert.Equal("refunded", (await api.GetOrder(orderId)).Str("status"));
    }

    [Fact]
    public async Task A_refund_above_what_is_still_refundable_is_400_REFUND_EXCEEDS_REFUNDABLE_and_records_nothing()
    {
        var (api, merchantId, _, orderId, _) = await PaidOrder("RefundExceeds");

        (await api.RefundOf(orderId, 4359)).AssertError(400, "REFUND_EXCEEDS_REFUNDABLE", "amount_money.amount");
        Assert.Equal(201, (await api.RefundOf(orderId, 4000)).Status);
        (await api.RefundOf(orderId, 359)).AssertError(400, "REFUND_EXCEEDS_REFUNDABLE", "amount_money.amount");

        Assert.Single(await api.RefundsOf(orderId));
        Assert.Single(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "refund_"));
        var o = await api.GetOrder(orderId);
        Assert.Equal(("partially_refunded", 4000L), (o.Str("status"), o.Net("refunded")));
        (await api.RefundOf(orderId, 0)).AssertError(400, "INVALID_AMOUNT", "amount_money.amount");
        (await api.Post($"/v1/orders/{orderId}/refunds", """{"amount_money":{"amount":10,"currency":"EUR"}}""")).AssertError(400, "CURRENCY_MISMATCH", "amount_money.currency");
        Assert.Equal(201, (await api.RefundOf(orderId, 358)).Status);
    }

    [Fact]
    public async Task Refunding_an_order_that_is_not_paid_is_409()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("RefundOpen"));
        var item = await api.Stocked(price: 1000, quantity: 2);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");

        (await api.RefundOf(orderId, 100)).AssertError(409, "INVALID_STATE_TRANSITION");
        Assert.Empty(await api.RefundsOf(orderId));
    }

    [Fact]
    public async Task A_refund_with_the_payment_id_of_one_split_payment_is_taken_from_that_payment_only()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("RefundSplit"));
        var item = await api.Stocked(price: 2500, quantity: 4);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");
        var paid = await api.Post($"/v1/orders/{orderId}/pay", """
            {"payment_sources":[{"token":"tok_visa","amount_money":{"amount":3000,"currency":"USD"}},
                                {"token":"tok_mastercard","amount_money":{"amount":1500,"currency":"USD"}},
                                {"type":"cash"}]}
            """);
        Assert.True(paid.Status == 200, paid.ToString());
        var visa = paid.Data.Arr("payments").Single(p => p!.StrOrNull("card_brand") == "visa")!.Str("payment_id");
        var mastercard = paid.Data.Arr("payments").Single(p => p!.StrOrNull("card_brand") == "mastercard")!.Str("payment_id");
        var cash = paid.Data.Arr("payments").Single(p => p!.Str("source_type") == "cash")!;
        Assert.Equal(500, cash.Amount("amount_money"));

        var r = await api.RefundOf(orderId, 1000, $"\"payment_id\":\"{mastercard}\"");

        Assert.True(r.Status == 201, r.ToString());
        var allocation = Assert.Single(r.Data["refund"]!.Arr("allocations"))!;
        Assert.Equal((mastercard, 1000L), (allocation.Str("payment_id"), allocation.Amount("amount_money")));
        Assert.Equal(("partially_refunded", 1000L), ((await api.Get($"/v1/payments/{mastercard}")).Data.Str("status"), (await api.Get($"/v1/payments/{mastercard}")).Data.Amount("refunded_money")));
        Assert.Equal(("succeeded", 0L), ((await api.Get($"/v1/payments/{visa}")).Data.Str("status"), (await api.Get($"/v1/payments/{visa}")).Data.Amount("refunded_money")));
        // Only 500 is left on that payment, whatever is left on the order.
        (await api.RefundOf(orderId, 501, $"\"payment_id\":\"{mastercard}\"")).AssertError(400, "REFUND_EXCEEDS_REFUNDABLE");
        (await api.RefundOf(orderId, 10, $"\"payment_id\":\"{CatalogData.UnknownId("pay")}\"")).AssertError(400, "INVALID_PAYMENT", "payment_id");
        Assert.Equal(201, (await api.RefundOf(orderId, 500, $"\"payment_id\":\"{mastercard}\"")).Status);
        Assert.Equal("refunded", (await api.Get($"/v1/payments/{mastercard}")).Data.Str("status"));
        // A cash payment is refunded without the processor.
        var cashRefund = await api.RefundOf(orderId, 500, $"\"payment_id\":\"{cash.Str("payment_id")}\"");
        Assert.Equal(201, cashRefund.Status);
        Assert.Equal("refunded", (await api.Get($"/v1/payments/{cash.Str("payment_id")}")).Data.Str("status"));
        Assert.Equal(2, (await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "refund_")).Count);
        var o = await api.GetOrder(orderId);
        Assert.Equal(("partially_refunded", 2000L), (o.Str("status"), o.Net("refunded")));
    }

    [Fact]
    public async Task A_refund_without_payment_id_is_spread_over_the_payments_newest_first()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("RefundSpread"));
        var item = await api.Stocked(price: 2000, quantity: 4);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");
        var first = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_sources":[{"token":"tok_visa","amount_money":{"amount":2500,"currency":"USD"}}]}""");
        Assert.Equal(200, first.Status);
        await Task.Delay(5);
        var second = await api.PayWith(orderId, "tok_amex");
        Assert.Equal(200, second.Status);
        var older = first.Data.Arr("payments")[0]!.Str("payment_id");
        var newer = second.Data.Arr("payments")[0]!.Str("payment_id");

        var r = await api.RefundOf(orderId, 2000);

        Assert.Equal(201, r.Status);
        var allocations = r.Data["refund"]!.Arr("allocations").Select(a => (a!.Str("payment_id"), a!.Amount("amount_money"))).ToList();
        Assert.Equal(new List<(string, long)> { (newer, 1500L), (older, 500L) }, allocations);
    }

    [Fact]
    public async Task Restocking_more_than_was_sold_on_a_line_is_400_RESTOCK_EXCEEDS_SOLD_and_changes_nothing()
    {
        var (api, _, item, orderId, _) = await PaidOrder("RestockTooMany");
        var lineId = (await api.GetOrder(orderId)).Arr("line_items")[0]!.Str("line_item_id");

        (await api.RefundOf(orderId, 1000, PayTestData.Restock((lineId, 3)))).AssertError(400, "RESTOCK_EXCEEDS_SOLD", "restock_line_items[0].quantity");
        Assert.Empty(await api.RefundsOf(orderId));
        Assert.Equal((8L, 0L, 8L), await api.Stock(item));

        Assert.Equal(201, (await api.RefundOf(orderId, 1000, PayTestData.Restock((lineId, 1)))).Status);
        // The second unit may still come back, but not two more.
        (await api.RefundOf(orderId, 1000, PayTestData.Restock((lineId, 2))))
            .AssertError(400, "RESTOCK_EXCEEDS_SOLD", "restock_line_items[0].quantity");
        (await api.RefundOf(orderId, 1000, PayTestData.Restock((lineId, 1), (lineId, 1))))
            .AssertError(400, "RESTOCK_EXCEEDS_SOLD", "restock_line_items[1].quantity");
        Assert.Equal((9L, 0L, 9L), await api.Stock(item));
        Assert.Single(await api.RefundsOf(orderId));
    }

    [Fact]
    public async Task Restocking_returns_the_units_to_inventory_with_history_reason_order_refund()
    {
        var (api, _, item, orderId, _) = await PaidOrder("Restock");
        var lineId = (await api.GetOrder(orderId)).Arr("line_items")[0]!.Str("line_item_id");
        Assert.Equal((8L, 0L, 8L), await api.Stock(item));

        var r = await api.RefundOf(orderId, 2179, PayTestData.Restock((lineId, 1)));

        Assert.True(r.Status == 201, r.ToString());
        var restocked = Assert.Single(r.Data["refund"]!.Arr("restocked_line_items"))!;
        Assert.Equal((lineId, 1L), (restocked.Str("line_item_id"), restocked.Long("quantity")));
        Assert.Equal((9L, 0L, 9L), await api.Stock(item));
        var history = await api.History(item);
        var back = Assert.Single(history, h => h.Str("change_reason") == "order_refund");
        Assert.Equal((1L, 8L, 9L), (back.Long("quantity_delta"), back.Long("quantity_before"), back.Long("quantity_after")));
        Assert.Equal(orderId, back.Str("reference"));
        var sold = Assert.Single(history, h => h.Str("change_reason") == "order_fulfillment");
        Assert.Equal(-2, sold.Long("quantity_delta"));

        Assert.Equal(201, (await api.RefundOf(orderId, 2179, PayTestData.Restock((lineId, 1)))).Status);
        Assert.Equal((10L, 0L, 10L), await api.Stock(item));
        Assert.Equal(2, (await api.History(item)).Count(h => h.Str("change_reason") == "order_refund"));
    }

    [Fact]
    public async Task Paying_and_refunding_record_their_events_with_the_objects_as_they_became()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("PayEvents"));
        var item = await api.Stocked(price: 1000, quantity: 3);
        var orderId = (await api.NewOrder((item.VariantId, 1))).Str("order_id");
        Assert.Equal(402, (await api.PayWith(orderId, "tok_chargeDeclined")).Status);
        var paymentId = (await api.PayWith(orderId, "tok_visa")).Data.Arr("payments")[0]!.Str("payment_id");
        var half = (await api.RefundOf(orderId, 500)).Data["refund"]!.Str("refund_id");
        Assert.Equal(201, (await api.RefundOf(orderId, 500)).Status);

        async Task<List<System.Text.Json.Nodes.JsonNode>> Events(string type) =>
            (await api.Get($"/v1/events?type={type}&page_size=100")).Data.AsArray().Select(e => e!).ToList();

        var failed = Assert.Single(await Events("payment.failed"));
        Assert.Equal(("failed", "card_declined"), (failed["data"]!["object"]!.Str("status"), failed["data"]!["object"]!.Str("decline_code")));
        var succeeded = Assert.Single(await Events("payment.succeeded"));
        Assert.Equal((paymentId, "succeeded"), (succeeded["data"]!["object"]!.Str("payment_id"), succeeded["data"]!["object"]!.Str("status")));
        var paid = Assert.Single(await Events("order.paid"));
        Assert.Equal((orderId, "paid"), (paid["data"]!["object"]!.Str("order_id"), paid["data"]!["object"]!.Str("status")));
        var refunds = await Events("refund.succeeded");
        Assert.Equal(2, refunds.Count);
        Assert.Contains(refunds, r => r["data"]!["object"]!.Str("refund_id") == half);
        Assert.Equal("partially_refunded", Assert.Single(await Events("order.partially_refunded"))["data"]!["object"]!.Str("status"));
        Assert.Equal("refunded", Assert.Single(await Events("order.refunded"))["data"]!["object"]!.Str("status"));
    }

    [Fact]
    public async Task Refunds_are_read_by_id_and_listed_by_order()
    {
        var (api, _, _, orderId, paymentId) = await PaidOrder("RefundList");
        var one = await api.RefundOf(orderId, 100, "\"reason\":\"damaged\"");
        var two = await api.RefundOf(orderId, 200);
        var refundId = one.Data["refund"]!.Str("refund_id");

        var read = await api.Get($"/v1/refunds/{refundId}");

        Assert.Equal(200, read.Status);
        Assert.StartsWith("ref_", refundId);
        Assert.Equal((refundId, orderId, "succeeded", "damaged"), (read.Data.Str("refund_id"), read.Data.Str("order_id"), read.Data.Str("status"), read.Data.Str("reason")));
        Assert.Equal(100, read.Data.Amount("amount_money"));
        Assert.Equal(CumulativeTax(360, 4358, 100), read.Data.Amount("tax_money"));
        Assert.Equal(paymentId, Assert.Single(read.Data.Arr("allocations"))!.Str("payment_id"));
        Assert.Equal(new[] { refundId, two.Data["refund"]!.Str("refund_id") }.Order(), (await api.RefundsOf(orderId)).Select(r => r.Str("refund_id")).Order());
        Assert.Equal(2, (await api.Get($"/v1/refunds?order_id={orderId}&status=succeeded")).Data.AsArray().Count);
        Assert.Empty((await api.Get($"/v1/refunds?order_id={orderId}&status=failed")).Data.AsArray());
        (await api.Get($"/v1/refunds/{CatalogData.UnknownId("ref")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Get("/v1/refunds?status=refunded")).AssertError(400, "INVALID_ENUM_VALUE", "status");
    }
}
