using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Catalog;

/// <summary>GET /v1/products: filters, sorting, keyset pages, fields=. Every test lists only its own category.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProductListApiTests(ApiFixture f)
{
    private static readonly string[] Names = ["Delta", "alpha", "Echo", "Bravo", "Golf", "Charlie", "Foxtrot"];

    /// <summary>Seven products in a fresh category, created one after another (so creation order is id order).</summary>
    private async Task<(string Category, List<CreatedProduct> Products)> SevenInACategory()
    {
        var category = CatalogData.Unique("cat");
        var products = new List<CreatedProduct>();
        foreach (var name in Names) products.Add(await f.A.CreateSimple($"{name} {category}", quantity: products.Count % 2, categories: [category]));
        return (category, products);
    }

    [Fact]
    public async Task Walking_pages_of_three_visits_every_product_once_in_both_directions()
    {
        var (category, products) = await SevenInACategory();
        var created = products.Select(p => p.Id).ToList();

        var desc = await f.A.WalkPages($"/v1/products?category={category}&page_size=3", "product_id");
        Assert.Equal([3, 3, 1], desc.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(created), desc.SelectMany(p => p));

        var asc = await f.A.WalkPages($"/v1/products?category={category}&page_size=3&sort_direction=asc", "product_id");
        Assert.Equal([3, 3, 1], asc.Select(p => p.Count));
        Assert.Equal(created, asc.SelectMany(p => p));
    }

    [Fact]
    public async Task A_page_that_ends_exactly_at_the_last_object_has_no_next_page_token()
    {
        var (category, _) = await SevenInACategory();
        var r = await f.A.Get($"/v1/products?category={category}&page_size=7");
        Assert.Equal(7, r.Data.AsArray().Count);
        Assert.Null(r.Body!["next_page_token"]);
    }

    [Fact]
    public async Task Walking_while_products_are_created_neither_skips_nor_repeats_the_ones_that_existed()
    {
        var (category, products) = await SevenInACategory();
        var first = await f.A.Get($"/v1/products?category={category}&page_size=3&sort_direction=asc");
        var seen = first.Ids("product_id");
        var token = first.Body!.Str("next_page_token");
        var late = await f.A.CreateSimple(quantity: 0, categories: [category]);
        while (true)
        {
            var page = await f.A.Get($"/v1/products?category={category}&page_size=3&sort_direction=asc&page_token={Uri.EscapeDataString(token)}");
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Ids("product_id"));
            if (page.Body!["next_page_token"] is null) break;
            token = page.Body!.Str("next_page_token");
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(products, p => Assert.Contains(p.Id, seen));
        Assert.Equal(late.Id, seen[^1]);
    }

    [Fact]
    public async Task Sorting_by_name_pages_in_name_order()
    {
        var (category, products) = await SevenInACategory();
        var byName = products.OrderBy(p => p.Data.Str("name"), StringComparer.Ordinal).Select(p => p.Id).ToList();
        var asc = await f.A.WalkPages($"/v1/products?category={category}&page_size=3&sort_by=name&sort_direction=asc", "product_id");
        Assert.Equal(byName, asc.SelectMany(p => p));
        var desc = await f.A.WalkPages($"/v1/products?category={category}&page_size=2&sort_by=name&sort_direction=desc", "product_id");
        Assert.Equal(Enumerable.Reverse(byName), desc.SelectMany(p => p));
    }

    [Fact]
    public async Task Sorting_by_updated_at_puts_the_last_changed_first()
    {
        var (category, products) = await SevenInACategory();
        Assert.Equal(200, (await f.A.Patch(products[2].Path, """{"description":"touched"}""")).Status);
        var r = await f.A.Get($"/v1/products?category={category}&sort_by=updated_at");
        var ids = r.Ids("product_id");
        Assert.Equal(7, ids.Count);
        Assert.Equal(products[2].Id, ids[0]);
        var walked = await f.A.WalkPages($"/v1/products?category={category}&sort_by=updated_at&sort_direction=asc&page_size=4", "product_id");
        Assert.Equal(products[2].Id, walked.SelectMany(p => p).Last());
        Assert.Equal(7, walked.SelectMany(p => p).Distinct().Count());
    }

    [Fact]
    public async Task Query_matches_name_id_and_SKU_case_insensitively()
    {
        var tag = CatalogData.Unique("Qry");
        var byName = await f.A.CreateSimple($"Blue {tag} Lamp");
        var bySku = await f.A.CreateSimple(sku: $"{tag}-SKU");
        var desc = await f.A.Post("/v1/products", $$"""{"name":"Plain","description":"mentions {{tag}}","default_variant":{"unit_price_money":{"amount":1,"currency":"USD"} } }""");
        Assert.Equal(201, desc.Status);

        var all = (await f.A.Get($"/v1/products?query={tag.ToUpperInvariant()}")).Ids("product_id");
        Assert.Equal(3, all.Count);
        Assert.Contains(byName.Id, all);
        Assert.Contains(bySku.Id, all);
        Assert.Equal([bySku.Id], (await f.A.Get($"/v1/products?query={tag}-sku")).Ids("product_id"));
        Assert.Equal([byName.Id], (await f.A.Get($"/v1/products?query={byName.Id}")).Ids("product_id"));
        Assert.Empty((await f.A.Get($"/v1/products?query={tag}%25")).Data.AsArray());
    }

    [Fact]
    public async Task Filtering_by_product_type_status_and_stock()
    {
        var category = CatalogData.Unique("flt");
        var physicalInStock = await f.A.CreateSimple(quantity: 3, categories: [category]);
        var physicalEmpty = await f.A.CreateSimple(quantity: 0, categories: [category]);
        var service = await f.A.CreateSimple(quantity: 0, productType: "service", categories: [category]);
        var inactive = await f.A.CreateSimple(quantity: 2, categories: [category]);
        Assert.Equal(200, (await f.A.Patch(inactive.Path, """{"status":"inactive"}""")).Status);
        var deleted = await f.A.CreateSimple(quantity: 2, categories: [category]);
        Assert.Equal(200, (await f.A.Delete(deleted.Path)).Status);

        List<string> Ids(ApiResponse r) { Assert.Equal(200, r.Status); return r.Ids("product_id"); }
        var q = $"/v1/products?category={category}";

        Assert.Equal([service.Id], Ids(await f.A.Get($"{q}&product_type=service")));
        Assert.Equal(3, Ids(await f.A.Get($"{q}&product_type=physical")).Count);
        Assert.Empty(Ids(await f.A.Get($"{q}&product_type=digital")));

        // Without status, deleted products are left out.
        var visible = Ids(await f.A.Get(q));
        Assert.Equal(4, visible.Count);
        Assert.DoesNotContain(deleted.Id, visible);
        Assert.Equal([inactive.Id], Ids(await f.A.Get($"{q}&status=inactive")));
        Assert.Equal([deleted.Id], Ids(await f.A.Get($"{q}&status=deleted")));
        Assert.Equal(3, Ids(await f.A.Get($"{q}&status=active")).Count);

        // Inactive and deleted products are not sellable, so not "in stock".
        Assert.Equal([physicalInStock.Id], Ids(await f.A.Get($"{q}&only_in_stock=true")));
        Assert.Equal(4, Ids(await f.A.Get($"{q}&only_in_stock=false")).Count);
        Assert.Equal(201, (await f.A.Adjust(physicalEmpty, 1, reason: "received_stock")).Status);
        Assert.Equal(2, Ids(await f.A.Get($"{q}&only_in_stock=true")).Count);
    }

    [Fact]
    public async Task Lists_show_current_stock()
    {
        var category = CatalogData.Unique("stk");
        var p = await f.A.CreateSimple(quantity: 5, categories: [category]);
        Assert.Equal(201, (await f.A.Adjust(p, -2)).Status);
        var item = (await f.A.Get($"/v1/products?category={category}")).Data.AsArray().Single()!;
        Assert.Equal(3, item["default_variant"]!.Long("quantity_available"));
        Assert.Equal(3, item.Arr("variants")[0]!.Long("quantity_available"));
    }

    [Fact]
    public async Task Filtering_by_creation_and_update_time()
    {
        var (category, products) = await SevenInACategory();
        var pivot = products[3].Data.Str("created_at");
        var q = $"/v1/products?category={category}&page_size=100";
        var after = (await f.A.Get($"{q}&created_after={Uri.EscapeDataString(pivot)}")).Ids("product_id");
        var before = (await f.A.Get($"{q}&created_before={Uri.EscapeDataString(pivot)}")).Ids("product_id");
        Assert.Equal(products.Where(p => string.CompareOrdinal(p.Data.Str("created_at"), pivot) > 0).Select(p => p.Id).Reverse(), after);
        Assert.Equal(products.Where(p => string.CompareOrdinal(p.Data.Str("created_at"), pivot) < 0).Select(p => p.Id).Reverse(), before);
        Assert.DoesNotContain(products[3].Id, after.Concat(before));

        var first = products[0].Data.Str("created_at");
        var last = products[^1].Data.Str("created_at");
        var window = (await f.A.Get($"{q}&created_after={Uri.EscapeDataString(DateTimeOffset.Parse(first).AddMilliseconds(-1).ToString("O"))}&created_before={Uri.EscapeDataString(DateTimeOffset.Parse(last).AddMilliseconds(1).ToString("O"))}")).Ids("product_id");
        Assert.Equal(7, window.Count);

        await Task.Delay(5);
        var mark = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        Assert.Equal(200, (await f.A.Patch(products[1].Path, """{"description":"later"}""")).Status);
        var updated = (await f.A.Get($"{q}&updated_after={Uri.EscapeDataString(mark.ToString("O"))}")).Ids("product_id");
        Assert.Equal([products[1].Id], updated);
        var notUpdated = (await f.A.Get($"{q}&updated_before={Uri.EscapeDataString(mark.ToString("O"))}")).Ids("product_id");
        Assert.Equal(6, notUpdated.Count);
    }

    [Fact]
    public async Task Fields_returns_only_the_named_fields_and_the_id()
    {
        var (category, _) = await SevenInACategory();
        var r = await f.A.Get($"/v1/products?category={category}&fields=name");
        Assert.Equal(200, r.Status);
        Assert.Equal(7, r.Data.AsArray().Count);
        Assert.All(r.Data.AsArray(), item => Assert.Equal(["name", "product_id"], item!.AsObject().Select(kv => kv.Key).Order().ToList()));
        (await f.A.Get($"/v1/products?category={category}&fields=name,nope")).AssertError(400, "INVALID_FIELDS", "fields");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task An_out_of_range_page_size_is_400_INVALID_PAGE_SIZE(string size)
    {
        (await f.A.Get($"/v1/products?page_size={size}")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
    }

    [Fact]
    public async Task Page_sizes_of_1_and_100_are_accepted()
    {
        Assert.Equal(200, (await f.A.Get("/v1/products?page_size=1")).Status);
        Assert.Equal(200, (await f.A.Get("/v1/products?page_size=100")).Status);
    }

    [Fact]
    public async Task A_page_token_used_with_other_settings_or_made_up_is_400_INVALID_PAGE_TOKEN()
    {
        var (category, _) = await SevenInACategory();
        var first = await f.A.Get($"/v1/products?category={category}&page_size=3");
        var token = Uri.EscapeDataString(first.Body!.Str("next_page_token"));
        Assert.Equal(200, (await f.A.Get($"/v1/products?category={category}&page_size=3&page_token={token}")).Status);

        (await f.A.Get($"/v1/products?category={category}&page_size=3&sort_by=name&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get($"/v1/products?category={category}&page_size=3&sort_direction=asc&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get($"/v1/products?category={category}x&page_size=3&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get($"/v1/products?category={category}&status=inactive&page_size=3&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get($"/v1/bundles?page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get("/v1/products?page_token=garbage")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await f.A.Get("/v1/products?page_token=AQ")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        var tampered = first.Body!.Str("next_page_token");
        tampered = tampered[..^2] + (tampered[^2] == 'A' ? "B" : "A") + tampered[^1];
        (await f.A.Get($"/v1/products?category={category}&page_size=3&page_token={Uri.EscapeDataString(tampered)}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
    }

    [Fact]
    public async Task Invalid_list_parameters_are_400_naming_the_parameter()
    {
        (await f.A.Get("/v1/products?sort_by=price")).AssertError(400, "INVALID_ENUM_VALUE", "sort_by");
        (await f.A.Get("/v1/products?sort_direction=up")).AssertError(400, "INVALID_ENUM_VALUE", "sort_direction");
        (await f.A.Get("/v1/products?status=gone")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await f.A.Get("/v1/products?product_type=gadget")).AssertError(400, "INVALID_ENUM_VALUE", "product_type");
        (await f.A.Get("/v1/products?only_in_stock=yes")).AssertError(400, "INVALID_FIELD_TYPE", "only_in_stock");
        (await f.A.Get("/v1/products?created_after=yesterday")).AssertError(400, "INVALID_TIMESTAMP", "created_after");
        (await f.A.Get("/v1/products?updated_before=2026-13-45")).AssertError(400, "INVALID_TIMESTAMP", "updated_before");
        (await f.A.Get($"/v1/products?query={new string('q', 256)}")).AssertError(400, "INVALID_FIELD", "query");
    }
}
