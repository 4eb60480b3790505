using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Orders;

/// <summary>The seed's flow over HTTP: two products, an order with both, a 20 % coupon, a 9 % tax — amounts to the cent
/// per the README's rules, in currencies with 2, 0 and 3 decimals.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderFlowApiTests(ApiFixture f)
{
    // currency, coffee, mug, subtotal, discount, tax, total, coffee discount, coffee tax, mug discount, mug tax
    public static IEnumerable<object[]> Currencies =>
    [
        ["USD", 1999L, 2400L, 6398L, 1280L, 461L, 5579L, 800L, 288L, 480L, 173L],
        ["JPY", 1999L, 2400L, 6398L, 1280L, 461L, 5579L, 800L, 288L, 480L, 173L],
        ["KWD", 19990L, 24000L, 63980L, 12796L, 4607L, 55791L, 7996L, 2879L, 4800L, 1728L],
    ];

    [Theory]
    [MemberData(nameof(Currencies))]
    public async Task Two_products_a_20_percent_coupon_and_a_9_percent_tax_price_to_the_minor_unit(
        string currency, long coffeePrice, long mugPrice, long subtotal, long discount, long tax, long total,
        long coffeeDiscount, long coffeeTax, long mugDiscount, long mugTax)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Seed"));
        var rate = await api.Post("/v1/tax-rates", """
            {"name":"Sales tax","percentage":"9","inclusion":"additive","tax_categories":["general"],"jurisdiction":{"country":"US"}}
            """);
        Assert.Equal(201, rate.Status);
        var coffee = await api.Post("/v1/products", $$$"""
            {"name":"Organic Coffee Beans","default_variant":{"unit_price_money":{"amount":{{{coffeePrice}}},"currency":"{{{currency}}}"},"tax_category":"general"}}
            """);
        var mug = await api.Post("/v1/products", $$$"""
            {"name":"Ceramic Pour-Over Mug","default_variant":{"unit_price_money":{"amount":{{{mugPrice}}},"currency":"{{{currency}}}"},"tax_category":"general"}}
            """);
        Assert.Equal(201, coffee.Status);
        Assert.Equal(201, mug.Status);
        var coupon = await api.Post("/v1/coupons", """{"code":"spring20","discount_type":"percentage","percent_off":"20"}""");
        Assert.Equal(201, coupon.Status);

        var order = await api.Post("/v1/orders", $$$"""
            {"line_items":[{"variant_id":"{{{coffee.Data.Str("default_variant_id")}}}","quantity":2},
                           {"variant_id":"{{{mug.Data.Str("default_variant_id")}}}","quantity":1}],
             "tax_location":{"country":"US","region":"CA","postal_code":"94103"}}
            """);
        Assert.Equal(201, order.Status);
        var orderId = order.Data.Str("order_id");
        Assert.StartsWith("ord_", orderId);
        Assert.Equal(currency, order.Data.Str("currency"));
        Assert.Equal("open", order.Data.Str("status"));

        var applied = await api.Post($"/v1/orders/{orderId}/apply-coupon", """{"coupon_code":"SPRING20"}""");
        Assert.Equal(200, applied.Status);
        var net = applied.Data["net_amounts"]!;
        Assert.Equal(subtotal, net["subtotal_money"]!.Long("amount"));
        Assert.Equal(discount, net["discount_money"]!.Long("amount"));
        Assert.Equal(tax, net["tax_money"]!.Long("amount"));
        Assert.Equal(0, net["tip_money"]!.Long("amount"));
        Assert.Equal(total, net["total_money"]!.Long("amount"));
        Assert.Equal(0, net["paid_money"]!.Long("amount"));
        Assert.Equal(total, net["balance_money"]!.Long("amount"));
        Assert.Equal(currency, net["total_money"]!.Str("currency"));
        Assert.Equal(["amount", "currency"], net["total_money"]!.AsObject().Select(kv => kv.Key));

        var lines = applied.Data.Arr("line_items");
        var coffeeLine = lines.First(l => l!.Str("name") == "Organic Coffee Beans")!;
        var mugLine = lines.First(l => l!.Str("name") == "Ceramic Pour-Over Mug")!;
        Assert.Equal(2 * coffeePrice, coffeeLine["gross_sales_money"]!.Long("amount"));
        Assert.Equal(coffeeDiscount, coffeeLine["total_discount_money"]!.Long("amount"));
        Assert.Equal(coffeeTax, coffeeLine["total_tax_money"]!.Long("amount"));
        Assert.Equal(2 * coffeePrice - coffeeDiscount + coffeeTax, coffeeLine["total_money"]!.Long("amount"));
        Assert.Equal(mugDiscount, mugLine["total_discount_money"]!.Long("amount"));
        Assert.Equal(mugTax, mugLine["total_tax_money"]!.Long("amount"));

        Assert.Equal("SPRING20", applied.Data.Arr("coupon_codes")[0]!.GetValue<string>());
        Assert.Equal(discount, applied.Data.Arr("applied_discounts")[0]!["applied_money"]!.Long("amount"));
        Assert.Equal(tax, applied.Data.Arr("applied_taxes")[0]!["applied_money"]!.Long("amount"));

        // The same body previewed without saving gives the same amounts before the coupon.
        var preview = await api.Post("/v1/orders/calculate", $$$"""
            {"line_items":[{"variant_id":"{{{coffee.Data.Str("default_variant_id")}}}","quantity":2},
                           {"variant_id":"{{{mug.Data.Str("default_variant_id")}}}","quantity":1}],
             "tax_location":{"country":"US"}}
            """);
        Assert.Equal(200, preview.Status);
        Assert.Null(preview.Data["order_id"]);
        Assert.Equal(subtotal, preview.Data["net_amounts"]!["subtotal_money"]!.Long("amount"));
    }
}
