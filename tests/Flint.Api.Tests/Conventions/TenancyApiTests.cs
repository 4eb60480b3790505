using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>An object of another merchant or environment is indistinguishable from a missing one.</summary>
[Collection(ApiCollection.Name)]
public sealed class TenancyApiTests(ApiFixture f)
{
    [Fact]
    public async Task Another_merchant_gets_404_on_a_product_its_variants_inventory_bundles_and_modifier_sets_and_changes_nothing()
    {
        var sku = CatalogData.Unique("TEN");
        var p = await f.A.CreateSized(sku, true, 5, 3);
        var bundle = await f.A.CreateBundle(sku + "-BUN", (p.VariantIds[0], 1), (p.VariantIds[1], 1));
        var bundleId = bundle.Str("bundle_id");
        var componentId = bundle.Arr("components")[0]!.Str("bundle_component_id");
        var setId = await f.A.CreateModifierSet();

        var attempts = new List<(string What, ApiResponse Response)>
        {
            ("get product", await f.B.Get(p.Path)),
            ("patch product", await f.B.Patch(p.Path, """{"name":"Stolen"}""")),
            ("put categories", await f.B.Put($"{p.Path}/categories", """{"categories":["x"]}""")),
            ("delete product", await f.B.Delete(p.Path)),
            ("get variant", await f.B.Get(p.VariantPath())),
            ("patch variant", await f.B.Patch(p.VariantPath(), """{"name":"Stolen"}""")),
            ("delete variant", await f.B.Delete(p.VariantPath(1))),
            ("add variant", await f.B.Post($"{p.Path}/variants", """{"option_values":{"Size":"L"},"unit_price_money":{"amount":1,"currency":"USD"}}""")),
            ("get stock", await f.B.Get(p.StockPath())),
            ("get history", await f.B.Get(p.HistoryPath())),
            ("adjust", await f.B.Post(p.AdjustPath(), """{"quantity_delta":-1,"change_reason":"theft"}""")),
            ("get bundle", await f.B.Get($"/v1/bundles/{bundleId}")),
            ("patch bundle", await f.B.Patch($"/v1/bundles/{bundleId}", """{"name":"Stolen"}""")),
            ("delete bundle", await f.B.Delete($"/v1/bundles/{bundleId}")),
            ("add component", await f.B.Post($"/v1/bundles/{bundleId}/components", $$"""{"variant_id":"{{p.VariantIds[0]}}","quantity":1}""")),
            ("delete component", await f.B.Delete($"/v1/bundles/{bundleId}/components/{componentId}")),
            ("get modifier set", await f.B.Get($"/v1/modifier-sets/{setId}")),
            ("patch modifier set", await f.B.Patch($"/v1/modifier-sets/{setId}", """{"name":"Stolen"}""")),
            ("delete modifier set", await f.B.Delete($"/v1/modifier-sets/{setId}")),
            ("by sku", await f.B.Get($"/v1/catalog/by-sku/{sku}-S")),
        };
        foreach (var (what, r) in attempts)
        {
            Assert.True(r.Status == 404 && r.ErrorCode == "RESOURCE_NOT_FOUND", $"{what}: {r}");
            Assert.Equal("not_found", r.Body!["error"]!.Str("type"));
        }

        var product = await f.A.Get(p.Path);
        Assert.Equal(p.Data.Str("name"), product.Data.Str("name"));
        Assert.Equal("active", product.Data.Str("status"));
        Assert.Equal(2, product.Data.Arr("variants").Count);
        Assert.Equal(5, await f.A.Available(p));
        Assert.Single((await f.A.Get(p.HistoryPath())).Data.AsArray());
        var b = await f.A.Get($"/v1/bundles/{bundleId}");
        Assert.Equal("active", b.Data.Str("status"));
        Assert.Equal(2, b.Data.Arr("components").Count);
        Assert.Equal("active", (await f.A.Get($"/v1/modifier-sets/{setId}")).Data.Str("status"));
    }

    [Fact]
    public async Task Another_merchants_lists_do_not_contain_the_object()
    {
        var name = CatalogData.Unique("Private");
        var p = await f.A.CreateSimple(name, sku: name);
        Assert.Empty((await f.B.Get($"/v1/products?query={name}")).Data.AsArray());
        Assert.Empty((await f.B.Get($"/v1/products?query={p.Id}")).Data.AsArray());
        Assert.Single((await f.A.Get($"/v1/products?query={name}")).Data.AsArray());
    }

    [Fact]
    public async Task Another_merchant_cannot_use_a_foreign_variant_in_a_bundle_or_a_foreign_modifier_set()
    {
        var p = await f.A.CreateSimple(quantity: 3);
        var setId = await f.A.CreateModifierSet();
        var bundle = await f.B.Post("/v1/bundles", $$"""
            {"name":"Foreign","unit_price_money":{"amount":100,"currency":"USD"},"components":[{"variant_id":"{{p.VariantId}}","quantity":1}]}
            """);
        bundle.AssertError(400, "INVALID_VARIANT", "components[0].variant_id");
        var product = await f.B.Post("/v1/products", $$"""
            {"name":"Foreign","modifier_set_ids":["{{setId}}"],"default_variant":{"unit_price_money":{"amount":100,"currency":"USD"} } }
            """);
        product.AssertError(400, "INVALID_MODIFIER_SET", "modifier_set_ids");
    }

    [Fact]
    public async Task A_live_key_cannot_see_test_objects_and_test_and_live_lists_and_skus_are_separate()
    {
        var name = CatalogData.Unique("Env");
        var testProduct = await f.A.CreateSimple(name, sku: name, quantity: 2);
        (await f.ALive.Get(testProduct.Path)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.ALive.Get(testProduct.HistoryPath())).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.ALive.Post(testProduct.AdjustPath(), """{"quantity_delta":5,"change_reason":"received_stock"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.ALive.Get($"/v1/catalog/by-sku/{name}")).AssertError(404, "RESOURCE_NOT_FOUND");

        // The same SKU may exist once per environment.
        var liveProduct = await f.ALive.CreateSimple(name, sku: name, quantity: 9);
        (await f.A.Get(liveProduct.Path)).AssertError(404, "RESOURCE_NOT_FOUND");

        Assert.Equal([testProduct.Id], (await f.A.Get($"/v1/products?query={name}")).Ids("product_id"));
        Assert.Equal([liveProduct.Id], (await f.ALive.Get($"/v1/products?query={name}")).Ids("product_id"));
        Assert.Equal(testProduct.VariantId, (await f.A.Get($"/v1/catalog/by-sku/{name}")).Data.Str("variant_id"));
        Assert.Equal(liveProduct.VariantId, (await f.ALive.Get($"/v1/catalog/by-sku/{name}")).Data.Str("variant_id"));
        Assert.Equal(2, await f.A.Available(testProduct));
        Assert.Equal(9, await f.ALive.Available(liveProduct));
    }

    [Fact]
    public async Task Malformed_ids_and_ids_with_the_wrong_prefix_in_paths_are_404()
    {
        var p = await f.A.CreateSimple(quantity: 1);
        var bundle = (await f.A.CreateBundle(null, (p.VariantId, 1))).Str("bundle_id");
        string[] paths =
        [
            "/v1/products/abc",
            "/v1/products/prod_",
            $"/v1/products/{p.Id.ToLowerInvariant()}",
            $"/v1/products/{p.VariantId}",
            $"/v1/products/{bundle}",
            $"/v1/products/{CatalogData.UnknownId("prod")}",
            $"/v1/products/{p.Id}/variants/{p.Id}",
            $"/v1/products/{p.Id}/variants/nope",
            $"/v1/products/{p.Id}/variants/{CatalogData.UnknownId("var")}",
            $"/v1/products/{p.Id}/variants/nope/inventory-history",
            $"/v1/products/{p.Id}/variants/{p.Id}/inventory",
            $"/v1/products/{CatalogData.UnknownId("prod")}/variants/{p.VariantId}/inventory-history",
            $"/v1/bundles/{p.Id}",
            "/v1/bundles/bun_123",
            $"/v1/bundles/{CatalogData.UnknownId("bun")}",
            "/v1/modifier-sets/mset_x",
            $"/v1/modifier-sets/{p.Id}",
            $"/v1/modifier-sets/{CatalogData.UnknownId("mset")}",
        ];
        foreach (var path in paths)
        {
            var r = await f.A.Get(path);
            Assert.True(r.Status == 404 && r.ErrorCode == "RESOURCE_NOT_FOUND", $"GET {path}: {r}");
        }
        (await f.A.Patch("/v1/products/abc", """{"name":"x"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Post($"/v1/products/{p.Id}/variants/{p.Id}/inventory-adjustments", """{"quantity_delta":1,"change_reason":"loss"}"""))
            .AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete($"/v1/bundles/{bundle}/components/{p.VariantId}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task A_variant_addressed_under_another_product_is_404()
    {
        var first = await f.A.CreateSimple(quantity: 4);
        var second = await f.A.CreateSimple(quantity: 4);
        var crossed = $"/v1/products/{first.Id}/variants/{second.VariantId}";
        (await f.A.Get(crossed)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"{crossed}/inventory")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"{crossed}/inventory-history")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Post($"{crossed}/inventory-adjustments", """{"quantity_delta":-1,"change_reason":"loss"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal(4, await f.A.Available(second));
    }
}
