using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Coupons;

/// <summary>/v1/coupons: CRUD, validation, codes unique per merchant+environment (case-insensitively, enforced by
/// the database), lists over the projection, tenancy, idempotency, events. All tests share merchant A, so every
/// code is made unique per test.</summary>
[Collection(ApiCollection.Name)]
public sealed class CouponApiTests(ApiFixture f)
{
    private static string Code(string prefix = "C") => CatalogData.Unique(prefix).Replace("-", "_").ToUpperInvariant();

    private static string Percent(string code, string percent = "20", string extra = "") =>
        $$"""{"code":"{{code}}","discount_type":"percentage","percent_off":"{{percent}}"{{extra}}}""";

    private static async Task<JsonNode> CreateCoupon(ApiClient api, string body)
    {
        var r = await api.Post("/v1/coupons", body);
        Assert.True(r.Status == 201, $"creating a coupon failed: {r}");
        return r.Data;
    }

    [Fact]
    public async Task A_percentage_coupon_is_created_with_its_code_upper_case_and_read_back()
    {
        var code = Code("spring");
        var r = await f.A.Post("/v1/coupons", Percent(code.ToLowerInvariant(), "12.50", ""","name":"Spring sale","metadata":{"campaign":"spring"}"""));
        Assert.Equal(201, r.Status);
        var c = r.Data;
        Assert.StartsWith("cpn_", c.Str("coupon_id"));
        Assert.Equal(code, c.Str("code"));
        Assert.Equal("Spring sale", c.Str("name"));
        Assert.Equal("percentage", c.Str("discount_type"));
        Assert.Equal("12.5", c.Str("percent_off"));
        Assert.Null(c["amount_off"]);
        Assert.Null(c["max_redemptions"]);
        Assert.Null(c["per_customer_limit"]);
        Assert.Null(c["starts_at"]);
        Assert.Null(c["expires_at"]);
        Assert.Null(c["minimum_subtotal_money"]);
        Assert.Empty(c["applies_to"]!.Arr("product_ids"));
        Assert.Empty(c["applies_to"]!.Arr("categories"));
        Assert.False(c.Bool("stackable"));
        Assert.Equal("active", c.Str("status"));
        Assert.Equal(0, c.Long("times_redeemed"));
        Assert.Equal("spring", c["metadata"]!.Str("campaign"));
        Assert.Equal(1, c.Long("version"));

        var get = await f.A.Get($"/v1/coupons/{c.Str("coupon_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(c.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task A_fixed_amount_coupon_carries_money_limits_dates_and_what_it_applies_to()
    {
        var code = Code("five");
        var product = CatalogData.UnknownId("prod");
        var r = await f.A.Post("/v1/coupons", $$"""
            {"code":"{{code}}","discount_type":"fixed_amount","amount_off":{"amount":500,"currency":"USD"},
             "max_redemptions":100,"per_customer_limit":1,"starts_at":"2026-01-01T00:00:00Z","expires_at":"2026-02-01T00:00:00+01:00",
             "minimum_subtotal_money":{"amount":2000,"currency":"USD"},
             "applies_to":{"product_ids":["{{product}}"],"categories":["kitchen","kitchen"]},"stackable":true,"status":"inactive"}
            """);
        Assert.Equal(201, r.Status);
        var c = r.Data;
        Assert.Equal("fixed_amount", c.Str("discount_type"));
        Assert.Null(c["percent_off"]);
        Assert.Equal((500L, "USD"), (c["amount_off"]!.Long("amount"), c["amount_off"]!.Str("currency")));
        Assert.Equal((100L, 1L), (c.Long("max_redemptions"), c.Long("per_customer_limit")));
        Assert.Equal("2026-01-01T00:00:00.000Z", c.Str("starts_at"));
        Assert.Equal("2026-01-31T23:00:00.000Z", c.Str("expires_at"));
        Assert.Equal(2000, c["minimum_subtotal_money"]!.Long("amount"));
        Assert.Equal([product], c["applies_to"]!.Arr("product_ids").Strings());
        Assert.Equal(["kitchen"], c["applies_to"]!.Arr("categories").Strings());
        Assert.True(c.Bool("stackable"));
        Assert.Equal("inactive", c.Str("status"));
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { """{"discount_type":"percentage","percent_off":"10"}""", "MISSING_REQUIRED_FIELD", "code" },
        { """{"code":"SPRING 20","discount_type":"percentage","percent_off":"10"}""", "INVALID_COUPON_CODE", "code" },
        { $$"""{"code":"{{new string('A', 65)}}","discount_type":"percentage","percent_off":"10"}""", "INVALID_COUPON_CODE", "code" },
        { """{"code":"X","percent_off":"10"}""", "MISSING_REQUIRED_FIELD", "discount_type" },
        { """{"code":"X","discount_type":"percent","percent_off":"10"}""", "INVALID_ENUM_VALUE", "discount_type" },
        { """{"code":"X","discount_type":"percentage"}""", "MISSING_REQUIRED_FIELD", "percent_off" },
        { """{"code":"X","discount_type":"percentage","percent_off":"0"}""", "INVALID_PERCENTAGE", "percent_off" },
        { """{"code":"X","discount_type":"percentage","percent_off":"100.00001"}""", "INVALID_PERCENTAGE", "percent_off" },
        { """{"code":"X","discount_type":"percentage","percent_off":20}""", "INVALID_FIELD_TYPE", "percent_off" },
        { """{"code":"X","discount_type":"percentage","percent_off":"20","amount_off":{"amount":1,"currency":"USD"}}""", "INVALID_FIELD", "amount_off" },
        { """{"code":"X","discount_type":"fixed_amount"}""", "MISSING_REQUIRED_FIELD", "amount_off" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":500,"currency":"USD"},"percent_off":"5"}""", "INVALID_FIELD", "percent_off" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":0,"currency":"USD"}}""", "INVALID_AMOUNT", "amount_off.amount" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":-5,"currency":"USD"}}""", "INVALID_AMOUNT", "amount_off.amount" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":5}}""", "MISSING_REQUIRED_FIELD", "amount_off.currency" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":5,"currency":"ABC"}}""", "INVALID_CURRENCY", "amount_off.currency" },
        { """{"code":"X","discount_type":"fixed_amount","amount_off":{"amount":5,"currency":"USD"},"minimum_subtotal_money":{"amount":100,"currency":"EUR"}}""", "CURRENCY_MISMATCH", "minimum_subtotal_money.currency" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","minimum_subtotal_money":{"amount":-1,"currency":"EUR"}}""", "INVALID_AMOUNT", "minimum_subtotal_money.amount" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","max_redemptions":0}""", "VALUE_OUT_OF_RANGE", "max_redemptions" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","per_customer_limit":0}""", "VALUE_OUT_OF_RANGE", "per_customer_limit" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","max_redemptions":1.5}""", "INVALID_FIELD_TYPE", "max_redemptions" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","starts_at":"2026-02-01T00:00:00Z","expires_at":"2026-01-01T00:00:00Z"}""", "INVALID_DATE_RANGE", "expires_at" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","expires_at":"next week"}""", "INVALID_FIELD_TYPE", "expires_at" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","applies_to":{"product_ids":["var_01JD3XK5W4Q8Z6N2R7B9C1V0TE"]}}""", "INVALID_ID", "applies_to.product_ids[0]" },
        { $$"""{"code":"X","discount_type":"percentage","percent_off":"5","applies_to":{"categories":[{{string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"c{i}\""))}}]} }""", "TOO_MANY_ITEMS", "applies_to.categories" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","applies_to":{"collections":[]}}""", "UNKNOWN_FIELD", "applies_to.collections" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","stackable":"yes"}""", "INVALID_FIELD_TYPE", "stackable" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","status":"deleted"}""", "INVALID_STATUS", "status" },
        { """{"code":"X","discount_type":"percentage","percent_off":"5","status":"expired"}""", "INVALID_ENUM_VALUE", "status" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_coupons_are_400_with_the_field_named_and_nothing_is_created(string body, string code, string param)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("CpnInvalid"));
        (await api.Post("/v1/coupons", body)).AssertError(400, code, param);
        Assert.Empty((await api.Get("/v1/coupons?status=active")).Data.AsArray());
        Assert.Empty((await api.Get("/v1/coupons?status=inactive")).Data.AsArray());
    }

    [Fact]
    public async Task A_second_coupon_with_the_same_code_in_any_case_is_409_COUPON_CODE_EXISTS_and_nothing_is_created()
    {
        var code = Code("dup");
        var first = await CreateCoupon(f.A, Percent(code));

        (await f.A.Post("/v1/coupons", Percent(code, "5"))).AssertError(409, "COUPON_CODE_EXISTS", "code");
        (await f.A.Post("/v1/coupons", Percent(code.ToLowerInvariant(), "5"))).AssertError(409, "COUPON_CODE_EXISTS", "code");
        var fixedAmount = $$"""{"code":"{{code.ToLowerInvariant()}}","discount_type":"fixed_amount","amount_off":{"amount":100,"currency":"USD"} }""";
        (await f.A.Post("/v1/coupons", fixedAmount)).AssertError(409, "COUPON_CODE_EXISTS", "code");

        Assert.Equal([first.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
        Assert.Equal([first.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}&status=active")).Ids("coupon_id"));
        Assert.Equal("20", (await f.A.Get($"/v1/coupons/{first.Str("coupon_id")}")).Data.Str("percent_off"));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_code_leave_exactly_one_coupon()
    {
        var code = Code("race");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => f.A.Post("/v1/coupons", Percent(i % 2 == 0 ? code : code.ToLowerInvariant()))));
        Assert.Equal(1, attempts.Count(r => r.Status == 201));
        Assert.All(attempts.Where(r => r.Status != 201), r => r.AssertError(409, "COUPON_CODE_EXISTS", "code"));
        Assert.Single((await f.A.Get($"/v1/coupons?query={code}")).Data.AsArray());
    }

    [Fact]
    public async Task Renaming_a_code_onto_another_coupons_code_is_409_and_changes_nothing()
    {
        var taken = Code("taken");
        var mine = Code("mine");
        await CreateCoupon(f.A, Percent(taken));
        var coupon = await CreateCoupon(f.A, Percent(mine));
        var path = $"/v1/coupons/{coupon.Str("coupon_id")}";

        (await f.A.Patch(path, $$"""{"code":"{{taken.ToLowerInvariant()}}","percent_off":"30"}""")).AssertError(409, "COUPON_CODE_EXISTS", "code");
        var unchanged = await f.A.Get(path);
        Assert.Equal((mine, "20", 1L), (unchanged.Data.Str("code"), unchanged.Data.Str("percent_off"), unchanged.Data.Long("version")));
        Assert.Equal([coupon.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={mine}")).Ids("coupon_id"));

        // Its own code in another case is no clash; a fresh code is free.
        Assert.Equal(mine, (await f.A.Patch(path, $$"""{"code":"{{mine.ToLowerInvariant()}}"}""")).Data.Str("code"));
        var renamed = Code("renamed");
        var r = await f.A.Patch(path, $$"""{"code":"{{renamed}}"}""");
        Assert.Equal(200, r.Status);
        Assert.Equal(renamed, r.Data.Str("code"));
        // The old code is free again.
        await CreateCoupon(f.A, Percent(mine));
        Assert.Equal([coupon.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={renamed}")).Ids("coupon_id"));
    }

    [Fact]
    public async Task A_deleted_coupons_code_can_be_used_again()
    {
        var code = Code("reuse");
        var old = await CreateCoupon(f.A, Percent(code));
        var oldPath = $"/v1/coupons/{old.Str("coupon_id")}";
        var deleted = await f.A.Delete(oldPath);
        Assert.Equal(200, deleted.Status);
        Assert.Equal("deleted", deleted.Data.Str("status"));

        var again = await CreateCoupon(f.A, Percent(code.ToLowerInvariant(), "15"));
        Assert.Equal(code, again.Str("code"));
        Assert.NotEqual(old.Str("coupon_id"), again.Str("coupon_id"));
        Assert.Equal([again.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
        Assert.Equal([old.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}&status=deleted")).Ids("coupon_id"));
        (await f.A.Patch(oldPath, """{"name":"Back"}""")).AssertError(409, "COUPON_DELETED");
        Assert.Equal(200, (await f.A.Delete(oldPath)).Status);
    }

    [Fact]
    public async Task The_same_code_may_exist_once_per_merchant_and_environment()
    {
        var code = Code("shared");
        var a = await CreateCoupon(f.A, Percent(code));
        var b = await CreateCoupon(f.B, Percent(code));
        var live = await CreateCoupon(f.ALive, Percent(code));
        Assert.Equal([a.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
        Assert.Equal([b.Str("coupon_id")], (await f.B.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
        Assert.Equal([live.Str("coupon_id")], (await f.ALive.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
    }

    [Fact]
    public async Task Patching_changes_only_the_fields_sent()
    {
        var code = Code("patch");
        var coupon = await CreateCoupon(f.A, Percent(code, "10", ""","max_redemptions":5,"minimum_subtotal_money":{"amount":1000,"currency":"USD"},"metadata":{"a":"1","b":"2"}"""));
        var path = $"/v1/coupons/{coupon.Str("coupon_id")}";

        var r = await f.A.Patch(path, """{"percent_off":"15","stackable":true,"metadata":{"a":"","c":"3"}}""");
        Assert.Equal(200, r.Status);
        Assert.Equal(("15", true, 5L, 2L), (r.Data.Str("percent_off"), r.Data.Bool("stackable"), r.Data.Long("max_redemptions"), r.Data.Long("version")));
        Assert.Equal("""{"b":"2","c":"3"}""", r.Data["metadata"]!.ToJsonString());
        Assert.Equal(1000, r.Data["minimum_subtotal_money"]!.Long("amount"));

        var switched = await f.A.Patch(path, """{"discount_type":"fixed_amount","amount_off":{"amount":250,"currency":"USD"},"minimum_subtotal_money":{}}""");
        Assert.Equal(200, switched.Status);
        Assert.Equal(("fixed_amount", 250L), (switched.Data.Str("discount_type"), switched.Data["amount_off"]!.Long("amount")));
        Assert.Null(switched.Data["percent_off"]);
        Assert.Null(switched.Data["minimum_subtotal_money"]);

        var scoped = await f.A.Patch(path, """{"applies_to":{"categories":["tea"]},"status":"inactive","name":"Tea time"}""");
        Assert.Equal(["tea"], scoped.Data["applies_to"]!.Arr("categories").Strings());
        Assert.Equal(("inactive", "Tea time"), (scoped.Data.Str("status"), scoped.Data.Str("name")));
        Assert.Null((await f.A.Patch(path, """{"name":""}""")).Data["name"]);

        (await f.A.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(path, """{"discount_type":"percentage"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "percent_off");
        (await f.A.Patch(path, """{"percent_off":"5"}""")).AssertError(400, "INVALID_FIELD", "percent_off");
        (await f.A.Patch(path, """{"code":"no spaces"}""")).AssertError(400, "INVALID_COUPON_CODE", "code");
        (await f.A.Patch(path, """{"starts_at":"2030-01-02T00:00:00Z","expires_at":"2030-01-01T00:00:00Z"}""")).AssertError(400, "INVALID_DATE_RANGE", "expires_at");
        (await f.A.Patch(path, """{"max_redemptions":0}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "max_redemptions");
        Assert.Equal(5, (await f.A.Get(path)).Data.Long("version"));
    }

    [Fact]
    public async Task Listing_filters_by_query_over_code_and_name_and_by_status()
    {
        var tag = Code("L");
        var a = (await CreateCoupon(f.A, Percent($"{tag}_B", extra: ""","name":"Summer deal" """))).Str("coupon_id");
        var b = (await CreateCoupon(f.A, Percent($"{tag}_A", extra: ""","status":"inactive" """))).Str("coupon_id");
        var c = (await CreateCoupon(f.A, Percent($"{tag}_C"))).Str("coupon_id");
        Assert.Equal(200, (await f.A.Delete($"/v1/coupons/{c}")).Status);

        var listed = await f.A.Get($"/v1/coupons?query={tag.ToLowerInvariant()}");
        Assert.Equal(200, listed.Status);
        Assert.Equal([b, a], listed.Ids("coupon_id"));
        Assert.Equal($"{tag}_A", listed.Data.AsArray()[0]!.Str("code"));
        Assert.Equal([a], (await f.A.Get($"/v1/coupons?query={tag}&status=active")).Ids("coupon_id"));
        Assert.Equal([b], (await f.A.Get($"/v1/coupons?query={tag}&status=inactive")).Ids("coupon_id"));
        Assert.Equal([c], (await f.A.Get($"/v1/coupons?query={tag}&status=deleted")).Ids("coupon_id"));
        Assert.Equal([b, a], (await f.A.Get($"/v1/coupons?query={tag}&sort_by=name&sort_direction=asc")).Ids("coupon_id"));
        Assert.Equal([[b], [a]], await f.A.WalkPages($"/v1/coupons?query={tag}&page_size=1", "coupon_id"));
        Assert.Contains(a, (await f.A.Get("/v1/coupons?query=summer%20deal&page_size=100")).Ids("coupon_id"));
        Assert.Equal([a], (await f.A.Get($"/v1/coupons?query={a}")).Ids("coupon_id"));
        (await f.A.Get("/v1/coupons?status=paused")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        Assert.Empty((await f.B.Get($"/v1/coupons?query={tag}")).Data.AsArray());
    }

    [Fact]
    public async Task Another_merchant_or_environment_gets_404_and_changes_nothing()
    {
        var code = Code("mine");
        var coupon = await CreateCoupon(f.A, Percent(code));
        var path = $"/v1/coupons/{coupon.Str("coupon_id")}";
        foreach (var other in new[] { f.B, f.ALive })
        {
            (await other.Get(path)).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Patch(path, """{"percent_off":"100"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Delete(path)).AssertError(404, "RESOURCE_NOT_FOUND");
            Assert.Empty((await other.Get($"/v1/coupons?query={code}")).Data.AsArray());
        }
        var unchanged = await f.A.Get(path);
        Assert.Equal(("20", "active", 1L), (unchanged.Data.Str("percent_off"), unchanged.Data.Str("status"), unchanged.Data.Long("version")));

        foreach (var bad in new[] { "/v1/coupons/cpn_1", $"/v1/coupons/{code}", $"/v1/coupons/{CatalogData.UnknownId("tax")}", $"/v1/coupons/{CatalogData.UnknownId("cpn")}" })
            (await f.A.Get(bad)).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Creating_with_an_idempotency_key_twice_creates_one_coupon()
    {
        var code = Code("idem");
        var key = $"idem-{Guid.NewGuid():N}";
        var first = await f.A.Post("/v1/coupons", Percent(code), key);
        var second = await f.A.Post("/v1/coupons", Percent(code), key);
        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal([first.Data.Str("coupon_id")], (await f.A.Get($"/v1/coupons?query={code}")).Ids("coupon_id"));
        (await f.A.Post("/v1/coupons", Percent(code, "25"), key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
        // Without the key it is a second create, which the code refuses.
        (await f.A.Post("/v1/coupons", Percent(code))).AssertError(409, "COUPON_CODE_EXISTS", "code");
    }

    [Fact]
    public async Task Every_change_records_an_event_with_the_coupon()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("CpnEvents"));
        var coupon = await CreateCoupon(api, Percent("WELCOME"));
        var path = $"/v1/coupons/{coupon.Str("coupon_id")}";
        await api.Patch(path, """{"percent_off":"25"}""");
        await api.Delete(path);
        Assert.Equal(201, (await api.Post("/v1/coupons", Percent("welcome"))).Status);

        var events = (await api.Get("/v1/events")).Data.AsArray();
        Assert.Equal(["coupon.created", "coupon.deleted", "coupon.updated", "coupon.created"], events.Select(e => e!.Str("type")));
        Assert.Equal("25", events[2]!["data"]!["object"]!.Str("percent_off"));
        Assert.Equal(coupon.Str("coupon_id"), events[3]!["data"]!["object"]!.Str("coupon_id"));
    }
}
