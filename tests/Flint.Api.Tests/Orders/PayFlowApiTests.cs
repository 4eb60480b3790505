using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Orders;

/// <summary>The seed's four calls and the refunds after them, over HTTP on PostgreSQL.</summary>
[Collection(ApiCollection.Name)]
public sealed class PayFlowApiTests(ApiFixture f)
{
    [Fact]
    public async Task Paying_the_seed_order_with_tok_visa_takes_stock_and_the_coupon_and_two_refunds_return_the_tax_to_the_cent()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Pay"));
        Assert.Equal(201, (await api.Post("/v1/tax-rates", """{"name":"Sales tax","percentage":"9","jurisdiction":{"country":"US"}}""")).Status);
        var coffee = await api.Post("/v1/products", """
            {"name":"Organic Coffee Beans","default_variant":{"unit_price_money":{"amount":1999,"currency":"USD"},"initial_quantity_available":10,"enforce_inventory_limit":true}}
            """);
        var mug = await api.Post("/v1/products", """
            {"name":"Ceramic Pour-Over Mug","default_variant":{"unit_price_money":{"amount":2400,"currency":"USD"},"initial_quantity_available":5,"enforce_inventory_limit":true}}
            """);
        var coffeeVariant = coffee.Data.Str("default_variant_id");
        var mugVariant = mug.Data.Str("default_variant_id");
        var coupon = await api.Post("/v1/coupons", """{"code":"SPRING20","discount_type":"percentage","percent_off":"20"}""");
        var order = await api.Post("/v1/orders", $$$"""
            {"line_items":[{"variant_id":"{{{coffeeVariant}}}","quantity":2},{"variant_id":"{{{mugVariant}}}","quantity":1}],
             "tax_location":{"country":"US"}}
            """);
        var orderId = order.Data.Str("order_id");
        var applied = await api.Post($"/v1/orders/{orderId}/apply-coupon", """{"coupon_code":"SPRING20"}""");
        Assert.Equal(200, applied.Status);
        // The product page's figures: 20 % of 63.98 = 12.796 → 12.80; 9 % of 51.18 = 4.6062 → 4.61; 55.79 to pay.
        Assert.Equal(1280, applied.Data["net_amounts"]!["discount_money"]!.Long("amount"));
        Assert.Equal(1280, applied.Data.Arr("applied_discounts").Single()!["applied_money"]!.Long("amount"));
        Assert.Equal(461, applied.Data["net_amounts"]!["tax_money"]!.Long("amount"));
        Assert.Equal(5579, applied.Data["net_amounts"]!["total_money"]!.Long("amount"));
        Assert.Equal(5579, applied.Data["net_amounts"]!["balance_money"]!.Long("amount"));

        var paid = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_visa"]}""");
        Assert.Equal(200, paid.Status);
        Assert.Equal("paid", paid.Data["order"]!.Str("status"));
        Assert.Equal(5579, paid.Data["order"]!["net_amounts"]!["paid_money"]!.Long("amount"));
        Assert.Equal(0, paid.Data["order"]!["net_amounts"]!["balance_money"]!.Long("amount"));
        var payment = paid.Data.Arr("payments")[0]!;
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal("visa", payment.Str("card_brand"));
        Assert.Equal("4242", payment.Str("card_last4"));
        Assert.Equal(5579, payment["amount_money"]!.Long("amount"));

        Assert.Equal(8, (await api.Get($"/v1/products/{coffee.Data.Str("product_id")}")).Data["default_variant"]!.Long("quantity_available"));
        Assert.Equal(4, (await api.Get($"/v1/products/{mug.Data.Str("product_id")}")).Data["default_variant"]!.Long("quantity_available"));
        Assert.Equal(1, (await api.Get($"/v1/coupons/{coupon.Data.Str("coupon_id")}")).Data.Long("times_redeemed"));
        var fetched = await api.Get($"/v1/payments/{payment.Str("payment_id")}");
        Assert.Equal(200, fetched.Status);
        Assert.Equal(orderId, fetched.Data.Str("order_id"));

        var again = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_visa"]}""");
        Assert.Equal(409, again.Status);

        // 4.61 × 27.89 / 55.79 = 2.3046 → 2.30 back; the rest brings the cumulative figure to exactly the 4.61 charged.
        var half = await api.Post($"/v1/orders/{orderId}/refunds", """{"amount_money":{"amount":2789,"currency":"USD"},"reason":"half"}""");
        Assert.Equal(201, half.Status);
        Assert.Equal("partially_refunded", half.Data["order"]!.Str("status"));
        Assert.Equal(230, half.Data["refund"]!["tax_money"]!.Long("amount"));
        Assert.Equal(231, half.Data["order"]!["net_amounts"]!["tax_money"]!.Long("amount"));
        var rest = await api.Post($"/v1/orders/{orderId}/refunds", $$$"""
            {"amount_money":{"amount":2790,"currency":"USD"},"restock_line_items":[{"line_item_id":"{{{half.Data["order"]!.Arr("line_items")[1]!.Str("line_item_id")}}}","quantity":1}]}
            """);
        Assert.Equal(201, rest.Status);
        Assert.Equal(231, rest.Data["refund"]!["tax_money"]!.Long("amount"));
        var final = rest.Data["order"]!;
        Assert.Equal("refunded", final.Str("status"));
        Assert.Equal(0, final["net_amounts"]!["tax_money"]!.Long("amount"));
        Assert.Equal(0, final["net_amounts"]!["total_money"]!.Long("amount"));
        Assert.Equal(5579, final["net_amounts"]!["refunded_money"]!.Long("amount"));
        Assert.Equal(0, final["net_amounts"]!["balance_money"]!.Long("amount"));
        Assert.Equal(5, (await api.Get($"/v1/products/{mug.Data.Str("product_id")}")).Data["default_variant"]!.Long("quantity_available"));

        var tooMuch = await api.Post($"/v1/orders/{orderId}/refunds", """{"amount_money":{"amount":1,"currency":"USD"}}""");
        Assert.Equal(409, tooMuch.Status);
    }

    [Theory]
    [InlineData("tok_chargeDeclined", "card_declined")]
    [InlineData("tok_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("tok_chargeDeclinedExpiredCard", "expired_card")]
    public async Task A_declined_card_answers_402_with_its_code_and_leaves_stock_and_order_payable(string token, string declineCode)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Decline"));
        var p = await api.Post("/v1/products", """{"name":"Tea","default_variant":{"unit_price_money":{"amount":500,"currency":"USD"},"initial_quantity_available":3,"enforce_inventory_limit":true}}""");
        var order = await api.Post("/v1/orders", $$$"""{"line_items":[{"variant_id":"{{{p.Data.Str("default_variant_id")}}}","quantity":2}]}""");
        var orderId = order.Data.Str("order_id");
        var declined = await api.Post($"/v1/orders/{orderId}/pay", $$$"""{"payment_source_tokens":["{{{token}}}"]}""");
        Assert.Equal(402, declined.Status);
        Assert.Equal("PAYMENT_DECLINED", declined.ErrorCode);
        Assert.Equal(declineCode, declined.Body!["error"]!.Str("decline_code"));
        Assert.Equal(3, (await api.Get($"/v1/products/{p.Data.Str("product_id")}")).Data["default_variant"]!.Long("quantity_available"));
        var after = await api.Get($"/v1/orders/{orderId}");
        Assert.Equal("open", after.Data.Str("status"));
        var payments = await api.Get($"/v1/payments?order_id={orderId}");
        Assert.Equal("failed", payments.Data.AsArray().Single()!.Str("status"));
        Assert.Equal(declineCode, payments.Data.AsArray().Single()!.Str("decline_code"));
        var ok = await api.Post($"/v1/orders/{orderId}/pay", """{"payment_source_tokens":["tok_mastercard"]}""");
        Assert.True(ok.Status == 200, ok.ToString());
        Assert.Equal(1, (await api.Get($"/v1/products/{p.Data.Str("product_id")}")).Data["default_variant"]!.Long("quantity_available"));
    }
}
