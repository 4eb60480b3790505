using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Catalog;

/// <summary>/v1/modifier-sets: options with price adjustments, selection ranges, assignment to products and bundles.</summary>
[Collection(ApiCollection.Name)]
public sealed class ModifierSetApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_modifier_set_is_created_with_options_whose_price_adjustments_may_be_negative()
    {
        var name = CatalogData.Unique("Milk");
        var r = await f.A.Post("/v1/modifier-sets", $$"""
            {"name":"{{name}}","min_selections":1,"max_selections":2,"metadata":{"station":"bar"},
             "options":[{"name":"Oat","price_adjustment_money":{"amount":50,"currency":"USD"} },
                        {"name":"Skim","price_adjustment_money":{"amount":-25,"currency":"USD"} },
                        {"name":"Whole","price_adjustment_money":{"amount":0,"currency":"USD"} }]}
            """);
        Assert.Equal(201, r.Status);
        var set = r.Data;
        Assert.StartsWith("mset_", set.Str("modifier_set_id"));
        Assert.Equal(name, set.Str("name"));
        Assert.Equal(1, set.Long("min_selections"));
        Assert.Equal(2, set.Long("max_selections"));
        Assert.Equal("active", set.Str("status"));
        Assert.Equal("bar", set["metadata"]!.Str("station"));
        var options = set.Arr("options");
        Assert.Equal(["Oat", "Skim", "Whole"], options.Select(o => o!.Str("name")));
        Assert.All(options, o => Assert.StartsWith("mopt_", o!.Str("modifier_option_id")));
        Assert.Equal(-25, options[1]!["price_adjustment_money"]!.Long("amount"));
        Assert.Equal("USD", options[1]!["price_adjustment_money"]!.Str("currency"));

        var get = await f.A.Get($"/v1/modifier-sets/{set.Str("modifier_set_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(set.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task Max_selections_defaults_to_the_number_of_options()
    {
        var r = await f.A.Post("/v1/modifier-sets", """
            {"name":"Toppings","options":[{"name":"A","price_adjustment_money":{"amount":1,"currency":"EUR"}},{"name":"B","price_adjustment_money":{"amount":1,"currency":"EUR"}}]}
            """);
        Assert.Equal(201, r.Status);
        Assert.Equal(0, r.Data.Long("min_selections"));
        Assert.Equal(2, r.Data.Long("max_selections"));
    }

    [Theory]
    [InlineData(2, 1, "max_selections")]
    [InlineData(0, 3, "max_selections")]
    [InlineData(-1, 1, "min_selections")]
    public async Task An_impossible_selection_range_is_400_INVALID_MODIFIER_SELECTION_RANGE(int min, int max, string param)
    {
        var r = await f.A.Post("/v1/modifier-sets", $$"""
            {"name":"Range","min_selections":{{min}},"max_selections":{{max}},
             "options":[{"name":"A","price_adjustment_money":{"amount":1,"currency":"USD"} },{"name":"B","price_adjustment_money":{"amount":1,"currency":"USD"} }]}
            """);
        r.AssertError(400, "INVALID_MODIFIER_SELECTION_RANGE", param);
    }

    [Fact]
    public async Task Option_errors_name_the_option()
    {
        (await f.A.Post("/v1/modifier-sets", """{"name":"x","options":[{"name":"A"}]}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "options[0].price_adjustment_money");
        (await f.A.Post("/v1/modifier-sets", """{"name":"x","options":[{"name":"A","price_adjustment_money":{"amount":1,"currency":"usd"}}]}"""))
            .AssertError(400, "INVALID_CURRENCY", "options[0].price_adjustment_money.currency");
        (await f.A.Post("/v1/modifier-sets", """
            {"name":"x","options":[{"name":"A","price_adjustment_money":{"amount":1,"currency":"USD"}},{"name":"B","price_adjustment_money":{"amount":1,"currency":"EUR"}}]}
            """)).AssertError(400, "CURRENCY_MISMATCH", "options[1].price_adjustment_money.currency");
        (await f.A.Post("/v1/modifier-sets", """{"name":"x","options":[{"name":"","price_adjustment_money":{"amount":1,"currency":"USD"}}]}"""))
            .AssertError(400, "FIELD_TOO_SHORT", "options[0].name");
        (await f.A.Post("/v1/modifier-sets", """{"options":[]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await f.A.Post("/v1/modifier-sets", """{"name":"x","options":[{"name":"A","price":1}]}""")).AssertError(400, "UNKNOWN_FIELD", "options[0].price");
    }

    [Fact]
    public async Task Patching_a_modifier_set_replaces_options_keeping_named_option_ids()
    {
        var created = await f.A.Post("/v1/modifier-sets", """
            {"name":"Sizes","min_selections":0,"max_selections":1,
             "options":[{"name":"Small","price_adjustment_money":{"amount":0,"currency":"USD"}},{"name":"Large","price_adjustment_money":{"amount":100,"currency":"USD"}}]}
            """);
        var path = $"/v1/modifier-sets/{created.Data.Str("modifier_set_id")}";
        var largeId = created.Data.Arr("options")[1]!.Str("modifier_option_id");

        var renamed = await f.A.Patch(path, """{"name":"Cup sizes"}""");
        Assert.Equal(200, renamed.Status);
        Assert.Equal("Cup sizes", renamed.Data.Str("name"));
        Assert.Equal(2, renamed.Data.Arr("options").Count);

        var replaced = await f.A.Patch(path, $$"""
            {"options":[{"modifier_option_id":"{{largeId}}","name":"Large","price_adjustment_money":{"amount":120,"currency":"USD"} },
                        {"name":"Huge","price_adjustment_money":{"amount":200,"currency":"USD"} }],"max_selections":2}
            """);
        Assert.Equal(200, replaced.Status);
        var options = replaced.Data.Arr("options");
        Assert.Equal(largeId, options[0]!.Str("modifier_option_id"));
        Assert.Equal(120, options[0]!["price_adjustment_money"]!.Long("amount"));
        Assert.NotEqual(largeId, options[1]!.Str("modifier_option_id"));
        Assert.Equal(2, replaced.Data.Long("max_selections"));

        (await f.A.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(path, """{"min_selections":3}""")).AssertError(400, "INVALID_MODIFIER_SELECTION_RANGE");
        (await f.A.Patch(path, $$"""{"options":[{"modifier_option_id":"{{CatalogData.UnknownId("mopt")}}","name":"X","price_adjustment_money":{"amount":1,"currency":"USD"} }]}"""))
            .AssertError(400, "INVALID_ID", "options[0].modifier_option_id");
        Assert.Equal("Cup sizes", (await f.A.Get(path)).Data.Str("name"));
    }

    [Fact]
    public async Task Deleting_a_modifier_set_is_permanent_and_it_can_no_longer_be_assigned()
    {
        var setId = await f.A.CreateModifierSet();
        var path = $"/v1/modifier-sets/{setId}";
        var deleted = await f.A.Delete(path);
        Assert.Equal(200, deleted.Status);
        Assert.Equal("deleted", deleted.Data.Str("status"));
        Assert.Equal("deleted", (await f.A.Get(path)).Data.Str("status"));
        (await f.A.Patch(path, """{"name":"Back"}""")).AssertError(409, "MODIFIER_SET_DELETED");
        Assert.Equal(200, (await f.A.Delete(path)).Status);

        var p = await f.A.CreateSimple();
        (await f.A.Patch(p.Path, $$"""{"modifier_set_ids":["{{setId}}"]}""")).AssertError(400, "INVALID_MODIFIER_SET", "modifier_set_ids");
    }

    [Fact]
    public async Task A_product_and_a_bundle_are_assigned_modifier_sets_that_exist()
    {
        var first = await f.A.CreateModifierSet();
        var second = await f.A.CreateModifierSet();
        var r = await f.A.Post("/v1/products", $$"""
            {"name":"{{CatalogData.Unique("Latte")}}","modifier_set_ids":["{{first}}","{{second}}","{{first}}"],"default_variant":{"unit_price_money":{"amount":450,"currency":"USD"} } }
            """);
        Assert.Equal(201, r.Status);
        Assert.Equal([first, second], r.Data.Arr("modifier_set_ids").Strings());
        var path = $"/v1/products/{r.Data.Str("product_id")}";
        Assert.Equal([second], (await f.A.Patch(path, $$"""{"modifier_set_ids":["{{second}}"]}""")).Data.Arr("modifier_set_ids").Strings());

        (await f.A.Patch(path, $$"""{"modifier_set_ids":["{{CatalogData.UnknownId("mset")}}"]}""")).AssertError(400, "INVALID_MODIFIER_SET", "modifier_set_ids");
        (await f.A.Patch(path, """{"modifier_set_ids":["milk"]}""")).AssertError(400, "INVALID_ID", "modifier_set_ids[0]");
        Assert.Equal([second], (await f.A.Get(path)).Data.Arr("modifier_set_ids").Strings());
        var name = CatalogData.Unique("Unassignable");
        (await f.A.Post("/v1/products", $$"""
            {"name":"{{name}}","modifier_set_ids":["{{CatalogData.UnknownId("mset")}}"],"default_variant":{"unit_price_money":{"amount":1,"currency":"USD"} } }
            """)).AssertError(400, "INVALID_MODIFIER_SET", "modifier_set_ids");
        Assert.Empty((await f.A.Get($"/v1/products?query={name}")).Data.AsArray());

        var bundle = await f.A.Post("/v1/bundles", $$"""{"name":"Box","modifier_set_ids":["{{first}}"],"unit_price_money":{"amount":1,"currency":"USD"} }""");
        Assert.Equal(201, bundle.Status);
        Assert.Equal([first], bundle.Data.Arr("modifier_set_ids").Strings());
        (await f.A.Post("/v1/bundles", $$"""{"name":"Box","modifier_set_ids":["{{CatalogData.UnknownId("mset")}}"],"unit_price_money":{"amount":1,"currency":"USD"} }"""))
            .AssertError(400, "INVALID_MODIFIER_SET", "modifier_set_ids");
    }

    [Fact]
    public async Task Listing_modifier_sets_filters_by_query_and_status()
    {
        var tag = CatalogData.Unique("mlist");
        var a = await f.A.CreateModifierSet($"{tag} one");
        var b = await f.A.CreateModifierSet($"{tag} two");
        var c = await f.A.CreateModifierSet($"{tag} three");
        Assert.Equal(200, (await f.A.Delete($"/v1/modifier-sets/{c}")).Status);

        var listed = await f.A.Get($"/v1/modifier-sets?query={tag}");
        Assert.Equal(200, listed.Status);
        Assert.Equal([b, a], listed.Ids("modifier_set_id"));
        Assert.Equal([c], (await f.A.Get($"/v1/modifier-sets?query={tag}&status=deleted")).Ids("modifier_set_id"));
        Assert.Equal([a, b], (await f.A.Get($"/v1/modifier-sets?query={tag}&sort_by=name&sort_direction=asc")).Ids("modifier_set_id"));
        var pages = await f.A.WalkPages($"/v1/modifier-sets?query={tag}&page_size=1", "modifier_set_id");
        Assert.Equal([[b], [a]], pages);
        Assert.Single(listed.Data.AsArray()[0]!.Arr("options"));
        Assert.Empty((await f.B.Get($"/v1/modifier-sets?query={tag}")).Data.AsArray());
    }
}
