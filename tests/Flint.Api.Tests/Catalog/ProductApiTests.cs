using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Catalog;

[Collection(ApiCollection.Name)]
public sealed class ProductApiTests(ApiFixture f)
{
    [Fact]
    public async Task Creating_an_optioned_product_returns_its_variants_with_prefixed_ids_and_initial_stock()
    {
        var sku = Guid.NewGuid().ToString("N")[..8];
        var r = await f.A.Post("/v1/products", $$"""
            {"name":"Tee","product_type":"physical","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"unit_price_money":{"amount":1500,"currency":"USD"},"sku":"{{sku}}-S","initial_quantity_available":10,"enforce_inventory_limit":true},
                         {"option_values":{"Size":"M"},"unit_price_money":{"amount":1500,"currency":"USD"},"sku":"{{sku}}-M","initial_quantity_available":4,"enforce_inventory_limit":true}]}
            """);
        Assert.Equal(201, r.Status);
        Assert.StartsWith("prod_", r.Data["product_id"]!.GetValue<string>());
        var variants = r.Data["variants"]!.AsArray();
        Assert.Equal(2, variants.Count);
        Assert.All(variants, v => Assert.StartsWith("var_", v!["variant_id"]!.GetValue<string>()));
        Assert.Equal(10, variants.First(v => v!["sku"]!.GetValue<string>() == $"{sku}-S")!["quantity_available"]!.GetValue<long>());
        Assert.Equal(4, variants.First(v => v!["sku"]!.GetValue<string>() == $"{sku}-M")!["quantity_available"]!.GetValue<long>());
        Assert.NotNull(r.Header("X-Request-Id"));
        Assert.Equal(r.Header("X-Request-Id"), r.Body!["request_id"]!.GetValue<string>());
    }
}
