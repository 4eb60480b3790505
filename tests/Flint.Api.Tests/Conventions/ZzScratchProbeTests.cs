using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Xunit.Abstractions;
namespace Flint.Api.Tests.Conventions;
[Collection(ApiCollection.Name)]
public sealed class ZzScratchProbeTests(ApiFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        var (api, _, _) = await f.NewMerchant("scratch");
        var p = await api.CreateSimple(sku: CatalogData.Unique("S"), quantity: 5, enforce: false);
        const long A = 99_999_999_999_99;
        string[] bodies =
        [
            $$"""{"currency":"USD","line_items":[{"name":"x","unit_price_money":{"amount":{{A}},"currency":"USD"},"quantity":1000000}]}""",
            $$"""{"currency":"USD","line_items":[{"name":"x","unit_price_money":{"amount":{{A}},"currency":"USD"},"quantity":1000}]}""",
            $$"""{"currency":"USD","line_items":[{{string.Join(",", Enumerable.Repeat($$"""{"name":"x","unit_price_money":{"amount":{{A}},"currency":"USD"},"quantity":1000}""", 100))}}]}""",
            $$"""{"currency":"JPY","line_items":[{"name":"x","unit_price_money":{"amount":{{A}},"currency":"JPY"},"quantity":1000000}]}""",
            $$"""{"currency":"USD","line_items":[{"variant_id":"{{p.VariantId}}","quantity":1000000}]}""",
        ];
        foreach (var b in bodies)
        {
            var r = await api.Post("/v1/orders/calculate", b);
            output.WriteLine($"calc {b[..Math.Min(150, b.Length)]} -> {r.Status} {r.Raw[..Math.Min(600, r.Raw.Length)]}");
        }
        var o = await api.CreateOrder($$"""{"currency":"USD","line_items":[{"name":"x","unit_price_money":{"amount":{{A}},"currency":"USD"},"quantity":1000}]}""");
        var oid = o.Str("order_id");
        foreach (var (path, b) in new[] {
            ($"/v1/orders/{oid}/line-items", $$$"""{"name":"y","unit_price_money":{"amount":{{{A}}},"currency":"USD"},"quantity":1000000}"""),
            ($"/v1/orders/{oid}/line-items", $$$"""{"name":"y","unit_price_money":{"amount":{{{A}}},"currency":"USD"},"quantity":1000}"""),
            ($"/v1/orders/{oid}/discounts", $$$"""{"name":"d","amount_money":{"amount":{{{A}}},"currency":"USD"}}"""),
            ($"/v1/orders/{oid}/pay", $$$"""{"payment_source_tokens":["tok_chargeDeclined"],"tip_money":{"amount":{{{A}}},"currency":"USD"}}"""),
            ($"/v1/products/{p.Id}/variants/{p.VariantId}/inventory-adjustments", """{"quantity_delta":9223372036854775807,"change_reason":"received_stock"}"""),
            ($"/v1/products/{p.Id}/variants/{p.VariantId}/inventory-adjustments", """{"quantity_delta":-9223372036854775808,"change_reason":"damage"}"""),
            ("/v1/coupons", $$"""{"code":"BIG1","discount_type":"fixed_amount","amount_off":{"amount":{{A}},"currency":"USD"},"max_redemptions":9223372036854775807,"per_customer_limit":9223372036854775807}"""),
            ("/v1/tax-rates", """{"name":"t","percentage":"99999999999999999999999999999","jurisdiction":{"country":"US"}}"""),
            ("/v1/tax-rates", """{"name":"t","percentage":"1e400","jurisdiction":{"country":"US"}}"""),
            ("/v1/tax-rates", """{"name":"t","percentage":"100.0000000000000000000000000001","jurisdiction":{"country":"US"}}"""),
            ($"/v1/orders/{oid}/discounts", """{"name":"d","percentage":"99999999999999999999999999999999"}"""),
            ($"/v1/orders/{oid}/discounts", """{"name":"d","percentage":"0.0000000000000000000000000000001"}"""),
            ($"/v1/orders/{oid}/discounts", """{"name":"d","percentage":"NaN"}"""),
            ($"/v1/orders/{oid}/discounts", """{"name":"d","percentage":"1e2"}"""),
            ("/v1/coupons", """{"code":"BIG2","discount_type":"percentage","percent_off":"1e-400"}"""),
        })
        {
            var r = await api.Post(path, b);
            output.WriteLine($"POST {path} {b[..Math.Min(150, b.Length)]} -> {r.Status} {r.Raw[..Math.Min(400, r.Raw.Length)]}");
        }
        output.WriteLine((await api.Get($"/v1/orders/{oid}")).Raw[..1500]);
    }
}
