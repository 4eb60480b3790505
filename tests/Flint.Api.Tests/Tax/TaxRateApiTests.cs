using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Tax;

/// <summary>/v1/tax-rates: CRUD, validation, paging from the merchant's one tax-rates grain, tenancy, events.
/// Tests that look at a whole list use a merchant of their own (all of a merchant's rates are one list).</summary>
[Collection(ApiCollection.Name)]
public sealed class TaxRateApiTests(ApiFixture f)
{
    private const string California = """
        {"name":"California","percentage":"7.25","jurisdiction":{"country":"US","region":"CA"}}
        """;

    private static async Task<string> CreateRate(ApiClient api, string body)
    {
        var r = await api.Post("/v1/tax-rates", body);
        Assert.True(r.Status == 201, $"creating a tax rate failed: {r}");
        return r.Data.Str("tax_rate_id");
    }

    [Fact]
    public async Task A_tax_rate_is_created_with_every_field_and_read_back()
    {
        var r = await f.A.Post("/v1/tax-rates", """
            {"name":"San Francisco","percentage":"8.8750","inclusion":"additive","tax_categories":["general","prepared_food"],
             "jurisdiction":{"country":"US","region":"ca","postal_code_prefixes":["941","940 "]},"status":"active","metadata":{"filing":"cdtfa"}}
            """);
        Assert.Equal(201, r.Status);
        var rate = r.Data;
        Assert.StartsWith("tax_", rate.Str("tax_rate_id"));
        Assert.Equal("San Francisco", rate.Str("name"));
        Assert.Equal("8.875", rate.Str("percentage"));
        Assert.Equal("additive", rate.Str("inclusion"));
        Assert.Equal(["general", "prepared_food"], rate.Arr("tax_categories").Strings());
        Assert.Equal("US", rate["jurisdiction"]!.Str("country"));
        Assert.Equal("CA", rate["jurisdiction"]!.Str("region"));
        Assert.Equal(["941", "940"], rate["jurisdiction"]!.Arr("postal_code_prefixes").Strings());
        Assert.Equal("active", rate.Str("status"));
        Assert.Equal("cdtfa", rate["metadata"]!.Str("filing"));
        Assert.Equal(1, rate.Long("version"));
        Assert.EndsWith("Z", rate.Str("created_at"));

        var get = await f.A.Get($"/v1/tax-rates/{rate.Str("tax_rate_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(rate.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task Defaults_are_additive_all_categories_the_whole_country_and_active()
    {
        var r = await f.A.Post("/v1/tax-rates", """{"name":"VAT","percentage":"20","jurisdiction":{"country":"GB"}}""");
        Assert.Equal(201, r.Status);
        Assert.Equal("additive", r.Data.Str("inclusion"));
        Assert.Empty(r.Data.Arr("tax_categories"));
        Assert.Null(r.Data["jurisdiction"]!["region"]);
        Assert.Empty(r.Data["jurisdiction"]!.Arr("postal_code_prefixes"));
        Assert.Equal("active", r.Data.Str("status"));
        Assert.Empty(r.Data["metadata"]!.AsObject());
    }

    [Theory]
    [InlineData("""{"percentage":"5","jurisdiction":{"country":"US"}}""", "MISSING_REQUIRED_FIELD", "name")]
    [InlineData("""{"name":"","percentage":"5","jurisdiction":{"country":"US"}}""", "FIELD_TOO_SHORT", "name")]
    [InlineData("""{"name":"x","jurisdiction":{"country":"US"}}""", "MISSING_REQUIRED_FIELD", "percentage")]
    [InlineData("""{"name":"x","percentage":"8.87501","jurisdiction":{"country":"US"}}""", "INVALID_PERCENTAGE", "percentage")]
    [InlineData("""{"name":"x","percentage":"0","jurisdiction":{"country":"US"}}""", "INVALID_PERCENTAGE", "percentage")]
    [InlineData("""{"name":"x","percentage":"100.5","jurisdiction":{"country":"US"}}""", "INVALID_PERCENTAGE", "percentage")]
    [InlineData("""{"name":"x","percentage":"1e1","jurisdiction":{"country":"US"}}""", "INVALID_PERCENTAGE", "percentage")]
    [InlineData("""{"name":"x","percentage":8.875,"jurisdiction":{"country":"US"}}""", "INVALID_FIELD_TYPE", "percentage")]
    [InlineData("""{"name":"x","percentage":"5","inclusion":"exclusive","jurisdiction":{"country":"US"}}""", "INVALID_ENUM_VALUE", "inclusion")]
    [InlineData("""{"name":"x","percentage":"5","tax_categories":["food","groceries"],"jurisdiction":{"country":"US"}}""", "INVALID_ENUM_VALUE", "tax_categories[1]")]
    [InlineData("""{"name":"x","percentage":"5"}""", "MISSING_REQUIRED_FIELD", "jurisdiction")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{}}""", "INVALID_COUNTRY", "jurisdiction.country")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"XX"}}""", "INVALID_COUNTRY", "jurisdiction.country")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"US","region":"C/A"}}""", "INVALID_REGION", "jurisdiction.region")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"US","postal_code_prefixes":["9-4"]}}""", "INVALID_POSTAL_CODE", "jurisdiction.postal_code_prefixes[0]")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"US","city":"SF"}}""", "UNKNOWN_FIELD", "jurisdiction.city")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"US"},"status":"paused"}""", "INVALID_ENUM_VALUE", "status")]
    [InlineData("""{"name":"x","percentage":"5","jurisdiction":{"country":"US"},"status":"deleted"}""", "INVALID_STATUS", "status")]
    public async Task Invalid_tax_rates_are_400_with_the_field_named_and_nothing_is_created(string body, string code, string param)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("TaxInvalid"));
        (await api.Post("/v1/tax-rates", body)).AssertError(400, code, param);
        Assert.Empty((await api.Get("/v1/tax-rates")).Data.AsArray());
        Assert.Empty((await api.Get("/v1/tax-rates?status=inactive")).Data.AsArray());
    }

    [Fact]
    public async Task Patching_changes_only_the_fields_sent_and_deleting_is_permanent()
    {
        var id = await CreateRate(f.A, California);
        var path = $"/v1/tax-rates/{id}";

        var patched = await f.A.Patch(path, """{"percentage":"7.5","metadata":{"note":"2026"}}""");
        Assert.Equal(200, patched.Status);
        Assert.Equal(("California", "7.5", "CA", 2L), (patched.Data.Str("name"), patched.Data.Str("percentage"), patched.Data["jurisdiction"]!.Str("region"), patched.Data.Long("version")));
        var moved = await f.A.Patch(path, """{"jurisdiction":{"country":"US","region":"NV"},"inclusion":"inclusive","tax_categories":["food"]}""");
        Assert.Equal(("NV", "inclusive", "food"), (moved.Data["jurisdiction"]!.Str("region"), moved.Data.Str("inclusion"), moved.Data.Arr("tax_categories").Strings().Single()));
        Assert.Equal("2026", moved.Data["metadata"]!.Str("note"));

        (await f.A.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(path, """{"percentage":"7.55555"}""")).AssertError(400, "INVALID_PERCENTAGE", "percentage");
        (await f.A.Patch(path, """{"jurisdiction":{"region":"NY"}}""")).AssertError(400, "INVALID_COUNTRY", "jurisdiction.country");
        (await f.A.Patch(path, """{"rate":"5"}""")).AssertError(400, "UNKNOWN_FIELD", "rate");
        Assert.Equal("NV", (await f.A.Get(path)).Data["jurisdiction"]!.Str("region"));

        var deleted = await f.A.Delete(path);
        Assert.Equal(200, deleted.Status);
        Assert.Equal("deleted", deleted.Data.Str("status"));
        Assert.Equal("deleted", (await f.A.Get(path)).Data.Str("status"));
        (await f.A.Patch(path, """{"name":"Back"}""")).AssertError(409, "TAX_RATE_DELETED");
        Assert.Equal(200, (await f.A.Delete(path)).Status);
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_by_status()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("TaxList"));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add(await CreateRate(api, $$"""{"name":"r{{i}}","percentage":"1","jurisdiction":{"country":"US"} }"""));
        Assert.Equal(200, (await api.Patch($"/v1/tax-rates/{ids[1]}", """{"status":"inactive"}""")).Status);
        Assert.Equal(200, (await api.Delete($"/v1/tax-rates/{ids[4]}")).Status);

        var all = await api.Get("/v1/tax-rates");
        Assert.Equal(200, all.Status);
        Assert.Equal([ids[3], ids[2], ids[1], ids[0]], all.Ids("tax_rate_id"));
        Assert.Null(all.Body!["next_page_token"]);
        Assert.Equal([[ids[3], ids[2]], [ids[1], ids[0]]], await api.WalkPages("/v1/tax-rates?page_size=2", "tax_rate_id"));
        Assert.Equal([[ids[3]], [ids[2]], [ids[0]]], await api.WalkPages("/v1/tax-rates?status=active&page_size=1", "tax_rate_id"));
        Assert.Equal([ids[1]], (await api.Get("/v1/tax-rates?status=inactive")).Ids("tax_rate_id"));
        Assert.Equal([ids[4]], (await api.Get("/v1/tax-rates?status=deleted")).Ids("tax_rate_id"));

        (await api.Get("/v1/tax-rates?status=paused")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await api.Get("/v1/tax-rates?page_size=0")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
        (await api.Get("/v1/tax-rates?page_size=101")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
        (await api.Get("/v1/tax-rates?page_token=nonsense")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        var token = (await api.Get("/v1/tax-rates?page_size=1")).Body!["next_page_token"]!.GetValue<string>();
        (await api.Get($"/v1/tax-rates?status=inactive&page_size=1&page_token={Uri.EscapeDataString(token)}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
    }

    [Fact]
    public async Task Another_merchant_or_environment_gets_404_and_an_empty_list()
    {
        var id = await CreateRate(f.A, California);
        var path = $"/v1/tax-rates/{id}";
        foreach (var other in new[] { f.B, f.ALive })
        {
            (await other.Get(path)).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Patch(path, """{"name":"Stolen"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Delete(path)).AssertError(404, "RESOURCE_NOT_FOUND");
            Assert.DoesNotContain(id, (await other.Get("/v1/tax-rates?page_size=100")).Ids("tax_rate_id"));
        }
        var rate = await f.A.Get(path);
        Assert.Equal(("California", "active", 1L), (rate.Data.Str("name"), rate.Data.Str("status"), rate.Data.Long("version")));

        foreach (var bad in new[] { "/v1/tax-rates/tax_123", $"/v1/tax-rates/{id.ToLowerInvariant()}", $"/v1/tax-rates/{CatalogData.UnknownId("cpn")}", $"/v1/tax-rates/{CatalogData.UnknownId("tax")}" })
            (await f.A.Get(bad)).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Creating_with_an_idempotency_key_twice_creates_one_rate()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("TaxIdem"));
        var key = $"idem-{Guid.NewGuid():N}";
        var first = await api.Post("/v1/tax-rates", California, key);
        var second = await api.Post("/v1/tax-rates", California, key);
        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal([first.Data.Str("tax_rate_id")], (await api.Get("/v1/tax-rates")).Ids("tax_rate_id"));
        (await api.Post("/v1/tax-rates", California.Replace("7.25", "7.5"), key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task Every_change_records_an_event_with_the_rate()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("TaxEvents"));
        var id = await CreateRate(api, California);
        await api.Patch($"/v1/tax-rates/{id}", """{"percentage":"7.5"}""");
        await api.Delete($"/v1/tax-rates/{id}");

        var events = (await api.Get("/v1/events")).Data.AsArray();
        Assert.Equal(["tax_rate.deleted", "tax_rate.updated", "tax_rate.created"], events.Select(e => e!.Str("type")));
        Assert.All(events, e => Assert.Equal(id, e!["data"]!["object"]!.Str("tax_rate_id")));
        Assert.Equal("7.5", events[1]!["data"]!["object"]!.Str("percentage"));
        Assert.Equal("deleted", events[0]!["data"]!["object"]!.Str("status"));
    }
}
