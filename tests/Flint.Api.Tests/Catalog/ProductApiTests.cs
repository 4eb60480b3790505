using System.Text.Json.Nodes;
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
        Assert.Equal("Size", r.Data.Arr("options")[0]!.Str("name"));
        Assert.Equal(["S", "M"], r.Data.Arr("options")[0]!.Arr("values").Strings());
        Assert.Equal("M", variants.First(v => v!.Str("sku") == $"{sku}-M")!["option_values"]!.Str("Size"));
        // Several variants: no default until one is chosen.
        Assert.Null(r.Data["default_variant_id"]);
        Assert.Null(r.Data["default_variant"]);
    }

    [Fact]
    public async Task Creating_a_simple_product_fills_in_the_defaults_and_its_default_variant()
    {
        var name = CatalogData.Unique("Mug");
        var r = await f.A.Post("/v1/products", $$"""
            {"name":"{{name}}","description":"Stoneware","default_variant":{"unit_price_money":{"amount":1299,"currency":"EUR"},"sku":"{{name}}","barcode":"4006381333931","initial_quantity_available":7} }
            """);
        Assert.Equal(201, r.Status);
        var d = r.Data;
        Assert.Equal(name, d.Str("name"));
        Assert.Equal("Stoneware", d.Str("description"));
        Assert.Equal("physical", d.Str("product_type"));
        Assert.Equal("active", d.Str("status"));
        Assert.Empty(d.Arr("categories"));
        Assert.Empty(d.Arr("options"));
        Assert.Empty(d.Arr("modifier_set_ids"));
        Assert.Empty(d["metadata"]!.AsObject());
        var variant = d.Arr("variants").Single()!;
        Assert.Equal(variant.Str("variant_id"), d.Str("default_variant_id"));
        Assert.Equal(variant.Str("variant_id"), d["default_variant"]!.Str("variant_id"));
        Assert.Equal(d.Str("product_id"), variant.Str("product_id"));
        Assert.Equal(1299, variant["unit_price_money"]!.Long("amount"));
        Assert.Equal("EUR", variant["unit_price_money"]!.Str("currency"));
        Assert.Equal("general", variant.Str("tax_category"));
        Assert.True(variant.Bool("taxable"));
        Assert.False(variant.Bool("enforce_inventory_limit"));
        Assert.Equal("4006381333931", variant.Str("barcode"));
        Assert.Equal(7, variant.Long("quantity_available"));
    }

    [Fact]
    public async Task Getting_a_product_returns_what_was_created_with_live_stock()
    {
        var p = await f.A.CreateSimple(quantity: 3);
        var r = await f.A.Get(p.Path);
        Assert.Equal(200, r.Status);
        Assert.Equal(p.Data.Str("name"), r.Data.Str("name"));
        Assert.Equal(p.Data.Str("created_at"), r.Data.Str("created_at"));
        Assert.Equal(3, r.Data["default_variant"]!.Long("quantity_available"));
        Assert.Equal(201, (await f.A.Adjust(p, 4, reason: "received_stock")).Status);
        Assert.Equal(7, (await f.A.Get(p.Path)).Data["default_variant"]!.Long("quantity_available"));
    }

    [Fact]
    public async Task Getting_one_product_with_fields_returns_only_those_fields_and_its_id()
    {
        var p = await f.A.CreateSimple();
        var r = await f.A.Get($"{p.Path}?fields=name,status");
        Assert.Equal(200, r.Status);
        Assert.Equal(["name", "product_id", "status"], r.Data.AsObject().Select(kv => kv.Key).Order().ToList());
    }

    [Fact]
    public async Task Product_shape_errors_name_the_offending_field()
    {
        var s = CatalogData.Unique("SHAPE");
        (await f.A.Post("/v1/products", """{"name":"No variant"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "default_variant");
        (await f.A.Post("/v1/products", $$"""
            {"name":"Both","options":[{"name":"Size","values":["S"]}],"default_variant":{"unit_price_money":{"amount":1,"currency":"USD"} },
             "variants":[{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"} }]}
            """)).AssertError(400, "INVALID_FIELD", "default_variant");
        (await f.A.Post("/v1/products", """{"name":"No variants","options":[{"name":"Size","values":["S"]}]}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "variants");
        (await f.A.Post("/v1/products", """
            {"name":"Bad value","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"}},{"option_values":{"Size":"XXL"},"unit_price_money":{"amount":1,"currency":"USD"}}]}
            """)).AssertError(400, "UNKNOWN_OPTION_VALUE", "variants[1].option_values.Size");
        (await f.A.Post("/v1/products", """
            {"name":"Twice","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"}},{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"}}]}
            """)).AssertError(400, "DUPLICATE_VARIANT_COMBINATION");
        (await f.A.Post("/v1/products", """
            {"name":"Two currencies","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"}},{"option_values":{"Size":"M"},"unit_price_money":{"amount":1,"currency":"EUR"}}]}
            """)).AssertError(400, "CURRENCY_MISMATCH");
        (await f.A.Post("/v1/products", $$"""
            {"name":"Same SKU twice","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"sku":"{{s}}","unit_price_money":{"amount":1,"currency":"USD"} },{"option_values":{"Size":"M"},"sku":"{{s}}","unit_price_money":{"amount":1,"currency":"USD"} }]}
            """)).AssertError(409, "SKU_ALREADY_EXISTS", "variants[1].sku");
        (await f.A.Post("/v1/products", """{"name":"Negative stock","default_variant":{"unit_price_money":{"amount":1,"currency":"USD"},"initial_quantity_available":-1}}"""))
            .AssertError(400, "VALUE_OUT_OF_RANGE", "default_variant.initial_quantity_available");
        (await f.A.Post("/v1/products", """{"name":"Created deleted","status":"deleted","default_variant":{"unit_price_money":{"amount":1,"currency":"USD"}}}"""))
            .AssertError(400, "INVALID_STATUS", "status");
        (await f.A.Get($"/v1/catalog/by-sku/{s}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Theory]
    [InlineData("gadget")]
    [InlineData("Physical")]
    [InlineData("PHYSICAL")]
    [InlineData("")]
    public async Task An_invalid_product_type_is_400_INVALID_ENUM_VALUE(string type)
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Tee", productType: type))).AssertError(400, "INVALID_ENUM_VALUE", "product_type");
    }

    [Fact]
    public async Task An_invalid_tax_category_is_400_INVALID_ENUM_VALUE()
    {
        (await f.A.Post("/v1/products", """{"name":"Tee","default_variant":{"tax_category":"luxury","unit_price_money":{"amount":1,"currency":"USD"}}}"""))
            .AssertError(400, "INVALID_ENUM_VALUE", "default_variant.tax_category");
        var p = await f.A.CreateSimple();
        (await f.A.Patch(p.VariantPath(), """{"tax_category":"Food"}""")).AssertError(400, "INVALID_ENUM_VALUE", "tax_category");
        (await f.A.Patch(p.Path, """{"product_type":"thing"}""")).AssertError(400, "INVALID_ENUM_VALUE", "product_type");
    }

    [Theory]
    [InlineData("service")]
    [InlineData("fee")]
    [InlineData("digital")]
    public async Task Every_product_type_is_accepted(string type)
    {
        var p = await f.A.CreateSimple(productType: type);
        Assert.Equal(type, p.Data.Str("product_type"));
    }

    [Fact]
    public async Task Patching_each_field_changes_only_that_field()
    {
        var p = await f.A.CreateSimple(quantity: 2);
        var setId = await f.A.CreateModifierSet();
        var before = p.Data;

        var name = await f.A.Patch(p.Path, """{"name":"Renamed"}""");
        Assert.Equal(200, name.Status);
        Assert.Equal("Renamed", name.Data.Str("name"));
        Assert.Equal(before.Str("product_type"), name.Data.Str("product_type"));
        Assert.Equal(before.Long("version") + 1, name.Data.Long("version"));

        var description = await f.A.Patch(p.Path, """{"description":"Now with words"}""");
        Assert.Equal("Now with words", description.Data.Str("description"));
        Assert.Equal("Renamed", description.Data.Str("name"));

        var cleared = await f.A.Patch(p.Path, """{"description":""}""");
        Assert.Null(cleared.Data["description"]);

        var type = await f.A.Patch(p.Path, """{"product_type":"service"}""");
        Assert.Equal("service", type.Data.Str("product_type"));

        var inactive = await f.A.Patch(p.Path, """{"status":"inactive"}""");
        Assert.Equal("inactive", inactive.Data.Str("status"));
        Assert.False((await f.A.Get(p.StockPath())).Data.Bool("sellable"));
        var active = await f.A.Patch(p.Path, """{"status":"active"}""");
        Assert.Equal("active", active.Data.Str("status"));
        Assert.True((await f.A.Get(p.StockPath())).Data.Bool("sellable"));

        var sets = await f.A.Patch(p.Path, $$"""{"modifier_set_ids":["{{setId}}"]}""");
        Assert.Equal([setId], sets.Data.Arr("modifier_set_ids").Strings());
        var noSets = await f.A.Patch(p.Path, """{"modifier_set_ids":[]}""");
        Assert.Empty(noSets.Data.Arr("modifier_set_ids"));

        var after = (await f.A.Get(p.Path)).Data;
        Assert.Equal("Renamed", after.Str("name"));
        Assert.Null(after["description"]);
        Assert.Equal("service", after.Str("product_type"));
        Assert.Equal(2, after["default_variant"]!.Long("quantity_available"));
        Assert.Equal(before.Str("created_at"), after.Str("created_at"));
        Assert.True(string.CompareOrdinal(after.Str("updated_at"), before.Str("updated_at")) >= 0);
    }

    [Fact]
    public async Task Patching_with_no_fields_is_400_NO_FIELDS_TO_UPDATE()
    {
        var p = await f.A.CreateSimple();
        (await f.A.Patch(p.Path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        Assert.Equal(p.Data.Long("version"), (await f.A.Get(p.Path)).Data.Long("version"));
    }

    [Fact]
    public async Task Patching_invalid_values_is_400_and_changes_nothing()
    {
        var p = await f.A.CreateSimple();
        (await f.A.Patch(p.Path, """{"name":""}""")).AssertError(400, "FIELD_TOO_SHORT", "name");
        (await f.A.Patch(p.Path, """{"status":"deleted"}""")).AssertError(400, "INVALID_STATUS", "status");
        (await f.A.Patch(p.Path, """{"status":"archived"}""")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await f.A.Patch(p.Path, """{"name":"Valid","product_type":"bogus"}""")).AssertError(400, "INVALID_ENUM_VALUE", "product_type");
        var after = (await f.A.Get(p.Path)).Data;
        Assert.Equal(p.Data.Str("name"), after.Str("name"));
        Assert.Equal(p.Data.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task Metadata_merges_by_key_an_empty_value_deletes_a_key_and_an_empty_object_clears_it()
    {
        var r = await f.A.Post("/v1/products", $$"""
            {"name":"{{CatalogData.Unique("Meta")}}","metadata":{"color":"red","size":"L","drop":""},"default_variant":{"unit_price_money":{"amount":1,"currency":"USD"} } }
            """);
        Assert.Equal(201, r.Status);
        Assert.Equal("""{"color":"red","size":"L"}""", r.Data["metadata"]!.ToJsonString());
        var path = $"/v1/products/{r.Data.Str("product_id")}";

        var merged = await f.A.Patch(path, """{"metadata":{"size":"","origin":"PT","color":"blue"}}""");
        Assert.Equal(200, merged.Status);
        var m = merged.Data["metadata"]!.AsObject();
        Assert.Equal(2, m.Count);
        Assert.Equal("blue", m.Str("color"));
        Assert.Equal("PT", m.Str("origin"));
        Assert.False(m.ContainsKey("size"));

        var untouched = await f.A.Patch(path, """{"name":"Other"}""");
        Assert.Equal(2, untouched.Data["metadata"]!.AsObject().Count);

        var clearedAll = await f.A.Patch(path, """{"metadata":{}}""");
        Assert.Empty(clearedAll.Data["metadata"]!.AsObject());
        Assert.Empty((await f.A.Get(path)).Data["metadata"]!.AsObject());
    }

    [Fact]
    public async Task Metadata_beyond_its_limits_is_400_INVALID_METADATA_and_changes_nothing()
    {
        var p = await f.A.CreateSimple();
        var fifty = new JsonObject();
        for (var i = 0; i < 50; i++) fifty[$"k{i}"] = "v";
        var ok = await f.A.Patch(p.Path, new JsonObject { ["metadata"] = fifty }.ToJsonString());
        Assert.Equal(200, ok.Status);
        Assert.Equal(50, ok.Data["metadata"]!.AsObject().Count);

        (await f.A.Patch(p.Path, """{"metadata":{"one_too_many":"v"}}""")).AssertError(400, "INVALID_METADATA", "metadata");
        var fiftyOne = new JsonObject();
        for (var i = 0; i < 51; i++) fiftyOne[$"n{i}"] = "v";
        (await f.A.Post("/v1/products", new JsonObject
        {
            ["name"] = "Too much", ["metadata"] = fiftyOne,
            ["default_variant"] = new JsonObject { ["unit_price_money"] = CatalogData.Money(1) },
        }.ToJsonString())).AssertError(400, "INVALID_METADATA", "metadata");
        var longKey = new string('k', 41);
        (await f.A.Patch(p.Path, $$"""{"metadata":{"{{longKey}}":"v"} }""")).AssertError(400, "INVALID_METADATA", $"metadata.{longKey}");
        (await f.A.Patch(p.Path, $$"""{"metadata":{"k0":"{{new string('v', 501)}}"} }""")).AssertError(400, "INVALID_METADATA", "metadata.k0");
        (await f.A.Patch(p.Path, """{"metadata":{"k0":null}}""")).AssertError(400, "INVALID_METADATA", "metadata.k0");

        var after = (await f.A.Get(p.Path)).Data["metadata"]!.AsObject();
        Assert.Equal(50, after.Count);
        Assert.Equal("v", after.Str("k0"));
    }

    [Fact]
    public async Task The_default_variant_can_be_chosen_cleared_and_must_be_a_variant_of_the_product()
    {
        var p = await f.A.CreateSized(CatalogData.Unique("DEF"), false, 1, 2);
        var other = await f.A.CreateSimple();

        var chosen = await f.A.Patch(p.Path, $$"""{"default_variant_id":"{{p.VariantIds[1]}}"}""");
        Assert.Equal(200, chosen.Status);
        Assert.Equal(p.VariantIds[1], chosen.Data.Str("default_variant_id"));
        Assert.Equal(p.VariantIds[1], chosen.Data["default_variant"]!.Str("variant_id"));

        var cleared = await f.A.Patch(p.Path, """{"default_variant_id":""}""");
        Assert.Equal(200, cleared.Status);
        Assert.Null(cleared.Data["default_variant_id"]);
        Assert.Null(cleared.Data["default_variant"]);

        (await f.A.Patch(p.Path, $$"""{"default_variant_id":"{{other.VariantId}}"}""")).AssertError(400, "INVALID_DEFAULT_VARIANT", "default_variant_id");
        (await f.A.Patch(p.Path, $$"""{"default_variant_id":"{{CatalogData.UnknownId("var")}}"}""")).AssertError(400, "INVALID_DEFAULT_VARIANT", "default_variant_id");
        (await f.A.Patch(p.Path, """{"default_variant_id":"nonsense"}""")).AssertError(400, "INVALID_DEFAULT_VARIANT", "default_variant_id");
        Assert.Null((await f.A.Get(p.Path)).Data["default_variant_id"]);
    }

    [Fact]
    public async Task Putting_categories_replaces_them()
    {
        var p = await f.A.CreateSimple(categories: ["old"]);
        Assert.Equal(["old"], p.Data.Arr("categories").Strings());
        var r = await f.A.Put($"{p.Path}/categories", """{"categories":["shirts","summer","shirts"]}""");
        Assert.Equal(200, r.Status);
        Assert.Equal(["shirts", "summer"], r.Data.Arr("categories").Strings());
        Assert.Equal(["shirts", "summer"], (await f.A.Get(p.Path)).Data.Arr("categories").Strings());
        var cleared = await f.A.Put($"{p.Path}/categories", """{"categories":[]}""");
        Assert.Empty(cleared.Data.Arr("categories"));
    }

    [Fact]
    public async Task Putting_invalid_categories_is_400()
    {
        var p = await f.A.CreateSimple(categories: ["kept"]);
        (await f.A.Put($"{p.Path}/categories", "{}")).AssertError(400, "MISSING_REQUIRED_FIELD", "categories");
        (await f.A.Put($"{p.Path}/categories", """{"categories":[""]}""")).AssertError(400, "FIELD_TOO_SHORT", "categories[0]");
        (await f.A.Put($"{p.Path}/categories", """{"categories":["a",null]}""")).AssertError(400, "INVALID_FIELD", "categories[1]");
        var many = new JsonArray(Enumerable.Range(0, 21).Select(i => (JsonNode?)$"c{i}").ToArray());
        (await f.A.Put($"{p.Path}/categories", new JsonObject { ["categories"] = many }.ToJsonString())).AssertError(400, "TOO_MANY_ITEMS", "categories");
        (await f.A.Put($"{p.Path}/categories", """{"categories":["a"],"extra":1}""")).AssertError(400, "UNKNOWN_FIELD", "extra");
        Assert.Equal(["kept"], (await f.A.Get(p.Path)).Data.Arr("categories").Strings());
    }

    [Fact]
    public async Task Deleting_a_product_is_permanent_and_its_variants_cannot_be_sold()
    {
        var p = await f.A.CreateSimple(quantity: 5);
        var deleted = await f.A.Delete(p.Path);
        Assert.Equal(200, deleted.Status);
        Assert.Equal("deleted", deleted.Data.Str("status"));

        var get = await f.A.Get(p.Path);
        Assert.Equal(200, get.Status);
        Assert.Equal("deleted", get.Data.Str("status"));
        Assert.False((await f.A.Get(p.StockPath())).Data.Bool("sellable"));

        (await f.A.Patch(p.Path, """{"name":"Back"}""")).AssertError(409, "PRODUCT_DELETED");
        (await f.A.Patch(p.Path, """{"status":"active"}""")).AssertError(409, "PRODUCT_DELETED");
        (await f.A.Put($"{p.Path}/categories", """{"categories":["x"]}""")).AssertError(409, "PRODUCT_DELETED");
        (await f.A.Patch(p.VariantPath(), """{"name":"x"}""")).AssertError(409, "PRODUCT_DELETED");
        (await f.A.Post($"{p.Path}/variants", """{"unit_price_money":{"amount":1,"currency":"USD"}}""")).AssertError(409, "PRODUCT_DELETED");
        Assert.Equal("conflict", (await f.A.Patch(p.Path, """{"name":"Back"}""")).Body!["error"]!.Str("type"));

        var bundle = await f.A.Post("/v1/bundles", $$"""
            {"name":"Of deleted","unit_price_money":{"amount":1,"currency":"USD"},"components":[{"variant_id":"{{p.VariantId}}","quantity":1}]}
            """);
        bundle.AssertError(409, "ITEM_NOT_SELLABLE", "components[0].variant_id");

        var again = await f.A.Delete(p.Path);
        Assert.Equal(200, again.Status);
        Assert.Equal("deleted", again.Data.Str("status"));
    }

    [Fact]
    public async Task A_SKU_used_by_another_product_is_409_SKU_ALREADY_EXISTS_and_the_second_product_does_not_exist()
    {
        var sku = CatalogData.Unique("DUP");
        var first = await f.A.CreateSimple(sku: sku, quantity: 1);
        var secondName = CatalogData.Unique("Second");
        var r = await f.A.Post("/v1/products", CatalogData.SimpleProductJson(secondName, sku: sku, quantity: 3));
        r.AssertError(409, "SKU_ALREADY_EXISTS");
        Assert.Equal("conflict", r.Body!["error"]!.Str("type"));

        Assert.Empty((await f.A.Get($"/v1/products?query={secondName}")).Data.AsArray());
        Assert.Equal([first.Id], (await f.A.Get($"/v1/products?query={sku}")).Ids("product_id"));
        var bySku = await f.A.Get($"/v1/catalog/by-sku/{sku}");
        Assert.Equal(first.VariantId, bySku.Data.Str("variant_id"));

        // Also inside an optioned product and when an existing variant is renamed to it.
        var optioned = await f.A.Post("/v1/products", $$"""
            {"name":"{{CatalogData.Unique("Opt")}}","options":[{"name":"Size","values":["S","M"]}],
             "variants":[{"option_values":{"Size":"S"},"sku":"{{sku}}-free","unit_price_money":{"amount":1,"currency":"USD"} },{"option_values":{"Size":"M"},"sku":"{{sku}}","unit_price_money":{"amount":1,"currency":"USD"} }]}
            """);
        optioned.AssertError(409, "SKU_ALREADY_EXISTS");
        (await f.A.Get($"/v1/catalog/by-sku/{sku}-free")).AssertError(404, "RESOURCE_NOT_FOUND");
        var third = await f.A.CreateSimple(sku: CatalogData.Unique("OWN"));
        (await f.A.Patch(third.VariantPath(), $$"""{"sku":"{{sku}}"}""")).AssertError(409, "SKU_ALREADY_EXISTS", "sku");
        Assert.Equal(third.Data["default_variant"]!.Str("sku"), (await f.A.Get(third.VariantPath())).Data.Str("sku"));
    }

    [Fact]
    public async Task Ten_concurrent_products_claiming_one_SKU_leave_exactly_one_owner()
    {
        var sku = CatalogData.Unique("RACE");
        var name = CatalogData.Unique("Race");
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => f.A.Post("/v1/products", CatalogData.SimpleProductJson($"{name} {i}", sku: sku, quantity: 1))));
        var winner = Assert.Single(results, r => r.Status == 201);
        Assert.All(results.Where(r => r != winner), r => r.AssertError(409, "SKU_ALREADY_EXISTS"));
        Assert.Equal([winner.Data.Str("product_id")], (await f.A.Get($"/v1/products?query={name}")).Ids("product_id"));
        Assert.Equal(winner.Data.Str("default_variant_id"), (await f.A.Get($"/v1/catalog/by-sku/{sku}")).Data.Str("variant_id"));
    }

    [Fact]
    public async Task A_SKU_is_freed_when_its_product_is_deleted_and_can_be_used_again()
    {
        var sku = CatalogData.Unique("FREE");
        var first = await f.A.CreateSimple(sku: sku);
        Assert.Equal(200, (await f.A.Delete(first.Path)).Status);
        (await f.A.Get($"/v1/catalog/by-sku/{sku}")).AssertError(404, "RESOURCE_NOT_FOUND");
        var second = await f.A.CreateSimple(sku: sku);
        Assert.Equal(second.VariantId, (await f.A.Get($"/v1/catalog/by-sku/{sku}")).Data.Str("variant_id"));
    }

    [Fact]
    public async Task SKUs_are_case_sensitive_and_exact()
    {
        var sku = CatalogData.Unique("case");
        await f.A.CreateSimple(sku: sku);
        var upper = await f.A.CreateSimple(sku: sku.ToUpperInvariant());
        Assert.Equal(sku.ToUpperInvariant(), upper.Data["default_variant"]!.Str("sku"));
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Padded", sku: $" {sku}"))).AssertError(400, "INVALID_SKU", "default_variant.sku");
    }

    [Fact]
    public async Task Variants_can_be_added_read_patched_and_removed()
    {
        var baseSku = CatalogData.Unique("VAR");
        var p = await f.A.CreateSized(baseSku, true, 3, 4);

        var added = await f.A.Post($"{p.Path}/variants", $$"""
            {"option_values":{"Size":"L"},"unit_price_money":{"amount":1700,"currency":"USD"},"sku":"{{baseSku}}-L","initial_quantity_available":6,"enforce_inventory_limit":true,"tax_category":"clothing"}
            """);
        Assert.Equal(201, added.Status);
        var newId = added.Data.Str("variant_id");
        Assert.StartsWith("var_", newId);
        Assert.Equal(p.Id, added.Data.Str("product_id"));
        Assert.Equal(6, added.Data.Long("quantity_available"));
        Assert.Equal("clothing", added.Data.Str("tax_category"));
        Assert.Equal(3, (await f.A.Get(p.Path)).Data.Arr("variants").Count);
        Assert.Equal(newId, (await f.A.Get($"/v1/catalog/by-sku/{baseSku}-L")).Data.Str("variant_id"));

        var read = await f.A.Get($"{p.Path}/variants/{newId}");
        Assert.Equal(200, read.Status);
        Assert.Equal(6, read.Data.Long("quantity_available"));

        var patched = await f.A.Patch($"{p.Path}/variants/{newId}", $$"""
            {"name":"Large","unit_price_money":{"amount":1800,"currency":"USD"},"sku":"{{baseSku}}-L2","barcode":"123","taxable":false,"enforce_inventory_limit":false}
            """);
        Assert.Equal(200, patched.Status);
        Assert.Equal("Large", patched.Data.Str("name"));
        Assert.Equal(1800, patched.Data["unit_price_money"]!.Long("amount"));
        Assert.Equal($"{baseSku}-L2", patched.Data.Str("sku"));
        Assert.Equal("123", patched.Data.Str("barcode"));
        Assert.False(patched.Data.Bool("taxable"));
        Assert.False(patched.Data.Bool("enforce_inventory_limit"));
        Assert.Equal("clothing", patched.Data.Str("tax_category"));
        Assert.False((await f.A.Get($"{p.Path}/variants/{newId}/inventory")).Data.Bool("enforce_inventory_limit"));
        (await f.A.Get($"/v1/catalog/by-sku/{baseSku}-L")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal(newId, (await f.A.Get($"/v1/catalog/by-sku/{baseSku}-L2")).Data.Str("variant_id"));

        var removed = await f.A.Delete($"{p.Path}/variants/{newId}");
        Assert.Equal(200, removed.Status);
        Assert.Equal(2, removed.Data.Arr("variants").Count);
        Assert.DoesNotContain(newId, removed.Data.Arr("variants").Select(v => v!.Str("variant_id")));
        (await f.A.Get($"{p.Path}/variants/{newId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete($"{p.Path}/variants/{newId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        // The removed variant's SKU is free again.
        (await f.A.Get($"/v1/catalog/by-sku/{baseSku}-L2")).AssertError(404, "RESOURCE_NOT_FOUND");
        var reuse = await f.A.CreateSimple(sku: $"{baseSku}-L2");
        Assert.Equal(reuse.VariantId, (await f.A.Get($"/v1/catalog/by-sku/{baseSku}-L2")).Data.Str("variant_id"));
    }

    [Fact]
    public async Task Variant_rules_are_enforced_on_add_and_patch()
    {
        var baseSku = CatalogData.Unique("VRULE");
        var p = await f.A.CreateSized(baseSku, true, 1, 1);
        (await f.A.Post($"{p.Path}/variants", """{"option_values":{"Size":"S"},"unit_price_money":{"amount":1,"currency":"USD"}}"""))
            .AssertError(400, "DUPLICATE_VARIANT_COMBINATION");
        (await f.A.Post($"{p.Path}/variants", """{"option_values":{"Size":"L"},"unit_price_money":{"amount":1,"currency":"EUR"}}"""))
            .AssertError(400, "CURRENCY_MISMATCH");
        (await f.A.Post($"{p.Path}/variants", """{"option_values":{"Size":"L"}}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "unit_price_money");
        (await f.A.Post($"{p.Path}/variants", $$"""{"option_values":{"Size":"L"},"sku":"{{baseSku}}-S","unit_price_money":{"amount":1,"currency":"USD"} }"""))
            .AssertError(409, "SKU_ALREADY_EXISTS");
        (await f.A.Patch(p.VariantPath(), "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(p.VariantPath(), """{"unit_price_money":{"amount":-5,"currency":"USD"}}""")).AssertError(400, "INVALID_AMOUNT", "unit_price_money.amount");
        (await f.A.Patch(p.VariantPath(), """{"option_values":{"Size":"M"}}""")).AssertError(400, "DUPLICATE_VARIANT_COMBINATION");
        (await f.A.Patch(p.VariantPath(), """{"initial_quantity_available":5}""")).AssertError(400, "UNKNOWN_FIELD", "initial_quantity_available");
        Assert.Equal(2, (await f.A.Get(p.Path)).Data.Arr("variants").Count);
    }

    [Fact]
    public async Task A_refused_variant_patch_changes_neither_the_variant_nor_its_inventory_policy()
    {
        var taken = CatalogData.Unique("TAKEN");
        await f.A.CreateSimple(sku: taken);
        var p = await f.A.CreateSimple(sku: CatalogData.Unique("MINE"), quantity: 1, enforce: false);
        (await f.A.Patch(p.VariantPath(), $$"""{"sku":"{{taken}}","enforce_inventory_limit":true}""")).AssertError(409, "SKU_ALREADY_EXISTS", "sku");

        Assert.False((await f.A.Get(p.VariantPath())).Data.Bool("enforce_inventory_limit"));
        Assert.False((await f.A.Get(p.StockPath())).Data.Bool("enforce_inventory_limit"));
        // The variant still does not enforce its limit, so overselling is allowed.
        Assert.Equal(201, (await f.A.Adjust(p, -2)).Status);
    }

    [Fact]
    public async Task The_last_variant_cannot_be_removed()
    {
        var p = await f.A.CreateSized(CatalogData.Unique("LAST"), false, 1, 1);
        Assert.Equal(200, (await f.A.Delete(p.VariantPath(1))).Status);
        var r = await f.A.Delete(p.VariantPath(0));
        r.AssertError(409, "LAST_VARIANT");
        Assert.Single((await f.A.Get(p.Path)).Data.Arr("variants"));

        var simple = await f.A.CreateSimple();
        (await f.A.Delete(simple.VariantPath())).AssertError(409, "LAST_VARIANT");
    }

    [Fact]
    public async Task Removing_the_default_variant_clears_the_default()
    {
        var p = await f.A.CreateSized(CatalogData.Unique("DEFRM"), false, 1, 1);
        Assert.Equal(200, (await f.A.Patch(p.Path, $$"""{"default_variant_id":"{{p.VariantIds[0]}}"}""")).Status);
        var r = await f.A.Delete(p.VariantPath(0));
        Assert.Equal(200, r.Status);
        Assert.Null(r.Data["default_variant_id"]);
    }
}
