using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Catalog;

/// <summary>Bundles sell fixed quantities of other variants; their availability is computed from live stock.</summary>
[Collection(ApiCollection.Name)]
public sealed class BundleApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_bundle_of_two_components_is_available_as_often_as_its_scarcest_component_allows()
    {
        var sku = CatalogData.Unique("BUN");
        var tee = await f.A.CreateSized(sku, true, 10, 4);
        var r = await f.A.Post("/v1/bundles", $$"""
            {"name":"Two tees","description":"Pair","sku":"{{sku}}-PAIR","unit_price_money":{"amount":2800,"currency":"USD"},"tax_category":"clothing",
             "categories":["bundles"],"metadata":{"promo":"spring"},
             "components":[{"variant_id":"{{tee.VariantIds[0]}}","quantity":3},{"variant_id":"{{tee.VariantIds[1]}}","quantity":1}]}
            """);
        Assert.Equal(201, r.Status);
        var b = r.Data;
        Assert.StartsWith("bun_", b.Str("bundle_id"));
        Assert.Equal("active", b.Str("status"));
        Assert.Equal("clothing", b.Str("tax_category"));
        Assert.Equal(2800, b["unit_price_money"]!.Long("amount"));
        Assert.Equal(["bundles"], b.Arr("categories").Strings());
        Assert.Equal("spring", b["metadata"]!.Str("promo"));
        var components = b.Arr("components");
        Assert.Equal(2, components.Count);
        Assert.All(components, c => Assert.StartsWith("bcmp_", c!.Str("bundle_component_id")));
        Assert.All(components, c => Assert.Equal(tee.Id, c!.Str("product_id")));
        Assert.Equal([10L, 4L], components.Select(c => c!.Long("quantity_available")));
        // min(floor(10 / 3), floor(4 / 1)) = 3
        Assert.Equal(3, b.Long("quantity_available"));
        Assert.True(b.Bool("available_for_sale"));

        var get = await f.A.Get($"/v1/bundles/{b.Str("bundle_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(3, get.Data.Long("quantity_available"));
        Assert.Equal(b.Str("name"), get.Data.Str("name"));
    }

    [Fact]
    public async Task A_bundles_availability_follows_the_stock_of_its_components()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("FOLLOW"), true, 10, 4);
        var bundle = await f.A.CreateBundle(null, (tee.VariantIds[0], 2), (tee.VariantIds[1], 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}";
        Assert.Equal(4, bundle.Long("quantity_available"));

        Assert.Equal(201, (await f.A.Adjust(tee, -4, variant: 1)).Status);
        var empty = (await f.A.Get(path)).Data;
        Assert.Equal(0, empty.Long("quantity_available"));
        Assert.False(empty.Bool("available_for_sale"));

        Assert.Equal(201, (await f.A.Adjust(tee, 7, variant: 1, reason: "received_stock")).Status);
        Assert.Equal(201, (await f.A.Adjust(tee, -5, variant: 0)).Status);
        var again = (await f.A.Get(path)).Data;
        Assert.Equal(2, again.Long("quantity_available")); // min(floor(5 / 2), 7)
        Assert.True(again.Bool("available_for_sale"));

        var listed = (await f.A.Get($"/v1/bundles?query={bundle.Str("bundle_id")}")).Data.AsArray().Single()!;
        Assert.Equal(2, listed.Long("quantity_available"));
        Assert.True(listed.Bool("available_for_sale"));
    }

    [Fact]
    public async Task A_bundle_without_components_or_with_an_unsellable_component_is_not_for_sale()
    {
        var r = await f.A.Post("/v1/bundles", """{"name":"Empty","unit_price_money":{"amount":100,"currency":"USD"}}""");
        Assert.Equal(201, r.Status);
        Assert.Equal(0, r.Data.Long("quantity_available"));
        Assert.False(r.Data.Bool("available_for_sale"));

        var tee = await f.A.CreateSized(CatalogData.Unique("UNSELL"), true, 5, 5);
        var bundle = await f.A.CreateBundle(null, (tee.VariantIds[0], 1), (tee.VariantIds[1], 1));
        Assert.True(bundle.Bool("available_for_sale"));
        Assert.Equal(200, (await f.A.Patch(tee.Path, """{"status":"inactive"}""")).Status);
        var after = (await f.A.Get($"/v1/bundles/{bundle.Str("bundle_id")}")).Data;
        Assert.Equal(0, after.Long("quantity_available"));
        Assert.False(after.Bool("available_for_sale"));
    }

    [Fact]
    public async Task Components_can_be_added_changed_and_removed()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("CMP"), true, 12, 6, 9);
        var bundle = await f.A.CreateBundle(null, (tee.VariantIds[0], 1), (tee.VariantIds[1], 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}";

        var added = await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[2]}}","quantity":2,"position":0}""");
        Assert.Equal(201, added.Status);
        var components = added.Data.Arr("components");
        Assert.Equal(3, components.Count);
        var third = components.Single(c => c!.Str("variant_id") == tee.VariantIds[2])!;
        Assert.Equal(2, third.Long("quantity"));
        Assert.Equal(4, added.Data.Long("quantity_available")); // min(12, 6, floor(9 / 2))

        var componentId = components.Single(c => c!.Str("variant_id") == tee.VariantIds[1])!.Str("bundle_component_id");
        var patched = await f.A.Patch($"{path}/components/{componentId}", """{"quantity":4}""");
        Assert.Equal(200, patched.Status);
        Assert.Equal(4, patched.Data.Arr("components").Single(c => c!.Str("bundle_component_id") == componentId)!.Long("quantity"));
        Assert.Equal(1, patched.Data.Long("quantity_available")); // min(12, floor(6 / 4), 4)

        var moved = await f.A.Patch($"{path}/components/{componentId}", """{"position":99}""");
        Assert.Equal(componentId, moved.Data.Arr("components")[^1]!.Str("bundle_component_id"));

        var removed = await f.A.Delete($"{path}/components/{componentId}");
        Assert.Equal(200, removed.Status);
        Assert.Equal(2, removed.Data.Arr("components").Count);
        Assert.DoesNotContain(componentId, removed.Data.Arr("components").Select(c => c!.Str("bundle_component_id")));
        Assert.Equal(4, removed.Data.Long("quantity_available"));
        Assert.Equal(2, (await f.A.Get(path)).Data.Arr("components").Count);

        (await f.A.Patch($"{path}/components/{componentId}", """{"quantity":1}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete($"{path}/components/{componentId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete($"{path}/components/{CatalogData.UnknownId("bcmp")}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Component_rules_are_enforced_and_a_refused_change_changes_nothing()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("CRULE"), true, 5, 5);
        var bundle = await f.A.CreateBundle(null, (tee.VariantIds[0], 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}";
        var componentId = bundle.Arr("components")[0]!.Str("bundle_component_id");

        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[0]}}","quantity":1}""")).AssertError(400, "DUPLICATE_COMPONENT", "variant_id");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{CatalogData.UnknownId("var")}}","quantity":1}""")).AssertError(400, "INVALID_VARIANT", "variant_id");
        (await f.A.Post($"{path}/components", """{"variant_id":"sku-123","quantity":1}""")).AssertError(400, "INVALID_ID", "variant_id");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[1]}}","quantity":0}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[1]}}","quantity":-2}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[1]}}","quantity":1.5}""")).AssertError(400, "INVALID_FIELD_TYPE", "quantity");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantIds[1]}}"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "quantity");
        (await f.A.Post($"{path}/components", """{"quantity":1}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "variant_id");
        (await f.A.Patch($"{path}/components/{componentId}", """{"quantity":0}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await f.A.Patch($"{path}/components/{componentId}", "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch($"{path}/components/{componentId}", """{"variant_id":"x"}""")).AssertError(400, "UNKNOWN_FIELD", "variant_id");

        var after = (await f.A.Get(path)).Data;
        Assert.Single(after.Arr("components"));
        Assert.Equal(1, after.Arr("components")[0]!.Long("quantity"));
        Assert.Equal(bundle.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task Creating_a_bundle_validates_every_component_and_field()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("BVAL"), true, 5, 5);
        var name = CatalogData.Unique("Invalid bundle");
        (await f.A.Post("/v1/bundles", $$"""
            {"name":"{{name}}","unit_price_money":{"amount":100,"currency":"USD"},
             "components":[{"variant_id":"{{tee.VariantIds[0]}}","quantity":1},{"variant_id":"{{tee.VariantIds[1]}}","quantity":0}]}
            """)).AssertError(400, "VALUE_OUT_OF_RANGE", "components[1].quantity");
        (await f.A.Post("/v1/bundles", $$"""
            {"name":"{{name}}","unit_price_money":{"amount":100,"currency":"USD"},
             "components":[{"variant_id":"{{tee.VariantIds[0]}}","quantity":1},{"variant_id":"{{tee.VariantIds[0]}}","quantity":2}]}
            """)).AssertError(400, "DUPLICATE_COMPONENT", "components[1].variant_id");
        (await f.A.Post("/v1/bundles", $$"""{"name":"{{name}}","components":[]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "unit_price_money");
        (await f.A.Post("/v1/bundles", $$"""{"name":"{{name}}","unit_price_money":{"amount":100,"currency":"usd"} }""")).AssertError(400, "INVALID_CURRENCY", "unit_price_money.currency");
        (await f.A.Post("/v1/bundles", """{"unit_price_money":{"amount":100,"currency":"USD"}}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await f.A.Post("/v1/bundles", $$"""{"name":"{{name}}","unit_price_money":{"amount":100,"currency":"USD"},"tax_category":"toys"}""")).AssertError(400, "INVALID_ENUM_VALUE", "tax_category");
        (await f.A.Post("/v1/bundles", $$"""{"name":"{{name}}","unit_price_money":{"amount":100,"currency":"USD"},"stock":3}""")).AssertError(400, "UNKNOWN_FIELD", "stock");
        Assert.Empty((await f.A.Get($"/v1/bundles?query={name}")).Data.AsArray());
    }

    [Fact]
    public async Task Patching_a_bundle_changes_the_given_fields_only()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("BPATCH"), true, 5);
        var sku = CatalogData.Unique("BP");
        var bundle = await f.A.CreateBundle(sku, (tee.VariantId, 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}";

        var r = await f.A.Patch(path, $$"""{"name":"Renamed","description":"Nice","unit_price_money":{"amount":999,"currency":"USD"},"sku":"{{sku}}-2","metadata":{"a":"1"} }""");
        Assert.Equal(200, r.Status);
        Assert.Equal("Renamed", r.Data.Str("name"));
        Assert.Equal("Nice", r.Data.Str("description"));
        Assert.Equal(999, r.Data["unit_price_money"]!.Long("amount"));
        Assert.Equal($"{sku}-2", r.Data.Str("sku"));
        Assert.Equal("1", r.Data["metadata"]!.Str("a"));
        Assert.Single(r.Data.Arr("components"));
        (await f.A.Get($"/v1/catalog/by-sku/{sku}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal(bundle.Str("bundle_id"), (await f.A.Get($"/v1/catalog/by-sku/{sku}-2")).Data.Str("bundle_id"));

        var cleared = await f.A.Patch(path, """{"description":""}""");
        Assert.Null(cleared.Data["description"]);
        Assert.Equal("Renamed", cleared.Data.Str("name"));

        var inactive = await f.A.Patch(path, """{"status":"inactive"}""");
        Assert.Equal("inactive", inactive.Data.Str("status"));
        Assert.False(inactive.Data.Bool("available_for_sale"));

        (await f.A.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(path, """{"status":"deleted"}""")).AssertError(400, "INVALID_STATUS", "status");
        (await f.A.Patch(path, """{"unit_price_money":{"amount":1,"currency":"XYZ"}}""")).AssertError(400, "INVALID_CURRENCY", "unit_price_money.currency");
        (await f.A.Patch(path, """{"components":[]}""")).AssertError(400, "UNKNOWN_FIELD", "components");
        Assert.Equal(999, (await f.A.Get(path)).Data["unit_price_money"]!.Long("amount"));
    }

    [Fact]
    public async Task Putting_bundle_categories_replaces_them()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("BCAT"), true, 5);
        var bundle = await f.A.CreateBundle(null, (tee.VariantId, 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}/categories";
        var r = await f.A.Put(path, """{"categories":["gifts","sets"]}""");
        Assert.Equal(200, r.Status);
        Assert.Equal(["gifts", "sets"], r.Data.Arr("categories").Strings());
        Assert.Equal(["gifts", "sets"], (await f.A.Get($"/v1/bundles/{bundle.Str("bundle_id")}")).Data.Arr("categories").Strings());
        (await f.A.Put(path, "{}")).AssertError(400, "MISSING_REQUIRED_FIELD", "categories");
    }

    [Fact]
    public async Task Deleting_a_bundle_is_permanent_and_frees_its_SKU()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("BDEL"), true, 5);
        var sku = CatalogData.Unique("BD");
        var bundle = await f.A.CreateBundle(sku, (tee.VariantId, 1));
        var path = $"/v1/bundles/{bundle.Str("bundle_id")}";

        var deleted = await f.A.Delete(path);
        Assert.Equal(200, deleted.Status);
        Assert.Equal("deleted", deleted.Data.Str("status"));
        Assert.False(deleted.Data.Bool("available_for_sale"));
        Assert.Equal("deleted", (await f.A.Get(path)).Data.Str("status"));
        (await f.A.Patch(path, """{"name":"Back"}""")).AssertError(409, "BUNDLE_DELETED");
        (await f.A.Put($"{path}/categories", """{"categories":[]}""")).AssertError(409, "BUNDLE_DELETED");
        (await f.A.Post($"{path}/components", $$"""{"variant_id":"{{tee.VariantId}}","quantity":1}""")).AssertError(409, "BUNDLE_DELETED");
        Assert.Equal(200, (await f.A.Delete(path)).Status);

        (await f.A.Get($"/v1/catalog/by-sku/{sku}")).AssertError(404, "RESOURCE_NOT_FOUND");
        var reused = await f.A.CreateBundle(sku, (tee.VariantId, 1));
        Assert.Equal(reused.Str("bundle_id"), (await f.A.Get($"/v1/catalog/by-sku/{sku}")).Data.Str("bundle_id"));
        Assert.DoesNotContain(bundle.Str("bundle_id"), (await f.A.Get($"/v1/bundles?query={sku}")).Ids("bundle_id"));
        Assert.Equal([bundle.Str("bundle_id")], (await f.A.Get($"/v1/bundles?query={sku}&status=deleted")).Ids("bundle_id"));
    }

    [Fact]
    public async Task Bundle_and_variant_SKUs_share_one_namespace()
    {
        var sku = CatalogData.Unique("SHARED");
        var tee = await f.A.CreateSized(sku, true, 5, 5);
        var name = CatalogData.Unique("Clash");
        var clash = await f.A.Post("/v1/bundles", $$"""{"name":"{{name}}","sku":"{{sku}}-S","unit_price_money":{"amount":100,"currency":"USD"} }""");
        clash.AssertError(409, "SKU_ALREADY_EXISTS");
        Assert.Empty((await f.A.Get($"/v1/bundles?query={name}")).Data.AsArray());
        Assert.Equal(tee.VariantIds[0], (await f.A.Get($"/v1/catalog/by-sku/{sku}-S")).Data.Str("variant_id"));

        var bundle = await f.A.CreateBundle($"{sku}-B", (tee.VariantIds[0], 1));
        (await f.A.Patch(tee.VariantPath(1), $$"""{"sku":"{{sku}}-B"}""")).AssertError(409, "SKU_ALREADY_EXISTS");
        (await f.A.Patch($"/v1/bundles/{bundle.Str("bundle_id")}", $$"""{"sku":"{{sku}}-M"}""")).AssertError(409, "SKU_ALREADY_EXISTS");
        Assert.Equal($"{sku}-B", (await f.A.Get($"/v1/bundles/{bundle.Str("bundle_id")}")).Data.Str("sku"));
        Assert.Equal($"{sku}-M", (await f.A.Get(tee.VariantPath(1))).Data.Str("sku"));
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(CatalogData.Unique("P"), sku: $"{sku}-B"))).AssertError(409, "SKU_ALREADY_EXISTS");
    }

    [Fact]
    public async Task Listing_bundles_filters_by_query_over_name_and_SKU_and_by_status()
    {
        var tag = CatalogData.Unique("blist");
        var tee = await f.A.CreateSized(CatalogData.Unique("BL"), true, 5);
        var byName = await f.A.Post("/v1/bundles", $$"""{"name":"Gift {{tag}}","unit_price_money":{"amount":100,"currency":"USD"},"components":[{"variant_id":"{{tee.VariantId}}","quantity":1}]}""");
        var bySku = await f.A.Post("/v1/bundles", $$"""{"name":"Other","sku":"{{tag}}-SKU","unit_price_money":{"amount":100,"currency":"USD"} }""");
        var byDescription = await f.A.Post("/v1/bundles", $$"""{"name":"Third","description":"about {{tag}}","unit_price_money":{"amount":100,"currency":"USD"} }""");
        Assert.Equal(201, byName.Status);
        Assert.Equal(201, bySku.Status);
        Assert.Equal(201, byDescription.Status);
        var nameId = byName.Data.Str("bundle_id");
        var skuId = bySku.Data.Str("bundle_id");
        Assert.Equal(200, (await f.A.Patch($"/v1/bundles/{skuId}", """{"status":"inactive"}""")).Status);

        var all = (await f.A.Get($"/v1/bundles?query={tag}")).Ids("bundle_id");
        Assert.Equal(3, all.Count);
        Assert.Equal([skuId], (await f.A.Get($"/v1/bundles?query={tag}-sku")).Ids("bundle_id"));
        Assert.Equal([nameId], (await f.A.Get($"/v1/bundles?query={nameId}")).Ids("bundle_id"));
        Assert.Equal([skuId], (await f.A.Get($"/v1/bundles?query={tag}&status=inactive")).Ids("bundle_id"));
        Assert.Equal(2, (await f.A.Get($"/v1/bundles?query={tag}&status=active")).Ids("bundle_id").Count);
        var byNameSorted = (await f.A.Get($"/v1/bundles?query={tag}&sort_by=name&sort_direction=asc")).Data.AsArray().Select(b => b!.Str("name")).ToList();
        Assert.Equal(byNameSorted.Order(StringComparer.Ordinal), byNameSorted);
        var pages = await f.A.WalkPages($"/v1/bundles?query={tag}&page_size=2", "bundle_id");
        Assert.Equal([2, 1], pages.Select(p => p.Count));
        var fields = await f.A.Get($"/v1/bundles?query={tag}&fields=sku");
        Assert.All(fields.Data.AsArray(), b => Assert.Equal(["bundle_id", "sku"], b!.AsObject().Select(kv => kv.Key).Order().ToList()));
        (await f.A.Get("/v1/bundles?status=nope")).AssertError(400, "INVALID_ENUM_VALUE", "status");
    }
}
