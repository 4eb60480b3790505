using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Subscriptions;

/// <summary>/v1/plans: what each cycle of a subscription bills, and how long a cycle is.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlanApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_monthly_plan_bills_a_catalog_variant_and_an_ad_hoc_line_and_answers_its_amount_per_cycle()
    {
        var beans = await f.A.CreateSimple(CatalogData.Unique("Beans"), quantity: 100); // 10.00 USD
        var r = await f.A.Post("/v1/plans", $$$"""
            {"name":"Coffee club","interval":"month","line_items":[
               {"variant_id":"{{{beans.VariantId}}}","quantity":2},
               {"name":"Delivery","unit_price_money":{"amount":499,"currency":"USD"},"quantity":1}],
             "trial_period_days":14,"metadata":{"tier":"gold"}}
            """);
        Assert.Equal(201, r.Status);
        var plan = r.Data;
        Assert.StartsWith("plan_", plan.Str("plan_id"));
        Assert.Equal("Coffee club", plan.Str("name"));
        Assert.Equal("month", plan.Str("interval"));
        Assert.Equal(1, plan.Long("interval_count"));
        Assert.Equal("USD", plan.Str("currency"));
        Assert.Equal(14, plan.Long("trial_period_days"));
        Assert.Equal("active", plan.Str("status"));
        Assert.Equal("gold", plan["metadata"]!.Str("tier"));
        var lines = plan.Arr("line_items");
        Assert.Equal("variant", lines[0]!.Str("item_type"));
        Assert.Equal(beans.VariantId, lines[0]!.Str("variant_id"));
        Assert.Equal(beans.Id, lines[0]!.Str("product_id"));
        Assert.Equal(1000, lines[0]!["unit_price_money"]!.Long("amount"));
        Assert.Equal(2000, lines[0]!["total_money"]!.Long("amount"));
        Assert.Equal("custom", lines[1]!.Str("item_type"));
        Assert.Equal(499, lines[1]!["total_money"]!.Long("amount"));
        Assert.Equal(2499, plan["amount_money"]!.Long("amount"));
        Assert.Equal("USD", plan["amount_money"]!.Str("currency"));

        var get = await f.A.Get($"/v1/plans/{plan.Str("plan_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(plan.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task A_catalog_line_may_carry_the_plans_own_price()
    {
        var beans = await f.A.CreateSimple(CatalogData.Unique("Beans"));
        var r = await f.A.Post("/v1/plans", $$$"""
            {"name":"Member price","interval":"week","interval_count":2,
             "line_items":[{"variant_id":"{{{beans.VariantId}}}","quantity":3,"unit_price_money":{"amount":850,"currency":"USD"}}]}
            """);
        Assert.Equal(201, r.Status);
        Assert.Equal(2, r.Data.Long("interval_count"));
        Assert.Equal(2550, r.Data["amount_money"]!.Long("amount"));
    }

    [Fact]
    public async Task Minute_plans_are_for_test_keys_so_billing_can_be_watched_live()
    {
        const string body = """{"name":"Watch it bill","interval":"minute","line_items":[{"name":"Tick","unit_price_money":{"amount":100,"currency":"USD"},"quantity":1}]}""";
        (await f.ALive.Post("/v1/plans", body)).AssertError(400, "INTERVAL_NOT_ALLOWED", "interval");
        var test = await f.A.Post("/v1/plans", body);
        Assert.Equal(201, test.Status);
        Assert.Equal("minute", test.Data.Str("interval"));
    }

    [Fact]
    public async Task Bad_plans_are_refused_with_the_field_named_and_nothing_is_created()
    {
        const string line = """{"name":"L","unit_price_money":{"amount":100,"currency":"USD"},"quantity":1}""";
        (await f.A.Post("/v1/plans", $$"""{"interval":"month","line_items":[{{line}}]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","line_items":[{{line}}]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "interval");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"fortnight","line_items":[{{line}}]}""")).AssertError(400, "INVALID_ENUM_VALUE", "interval");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"month","interval_count":13,"line_items":[{{line}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "interval_count");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"day","interval_count":0,"line_items":[{{line}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "interval_count");
        (await f.A.Post("/v1/plans", """{"name":"P","interval":"month"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "line_items");
        (await f.A.Post("/v1/plans", """{"name":"P","interval":"month","line_items":[]}""")).AssertError(400, "INVALID_FIELD", "line_items");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"month","trial_period_days":731,"line_items":[{{line}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "trial_period_days");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"month","currency":"EUR","line_items":[{{line}}]}""")).AssertError(400, "CURRENCY_MISMATCH", "line_items[0].unit_price_money.currency");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"month","line_items":[{"variant_id":"{{CatalogData.UnknownId("var")}}","quantity":1}]}""")).AssertError(400, "INVALID_VARIANT", "line_items[0].variant_id");
        (await f.A.Post("/v1/plans", $$"""{"name":"P","interval":"month","line_items":[{{line}}],"amount":5}""")).AssertError(400, "UNKNOWN_FIELD", "amount");

        var name = CatalogData.Unique("Refused");
        (await f.A.Post("/v1/plans", $$"""{"name":"{{name}}","interval":"month","interval_count":99,"line_items":[{{line}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "interval_count");
        Assert.Empty((await f.A.Get($"/v1/plans?query={name}")).Ids("plan_id"));
    }

    [Fact]
    public async Task New_prices_replace_the_lines_while_the_period_and_currency_stay_as_created()
    {
        var created = await f.A.Post("/v1/plans", """
            {"name":"Box","interval":"year","line_items":[{"name":"Box","unit_price_money":{"amount":12000,"currency":"USD"},"quantity":1}]}
            """);
        var id = created.Data.Str("plan_id");
        var updated = await f.A.Patch($"/v1/plans/{id}", """
            {"name":"Box 2027","trial_period_days":30,"line_items":[{"name":"Box","unit_price_money":{"amount":13500,"currency":"USD"},"quantity":1}]}
            """);
        Assert.Equal(200, updated.Status);
        Assert.Equal("Box 2027", updated.Data.Str("name"));
        Assert.Equal(13500, updated.Data["amount_money"]!.Long("amount"));
        Assert.Equal(30, updated.Data.Long("trial_period_days"));
        Assert.Equal("year", updated.Data.Str("interval"));
        Assert.Equal(created.Data.Long("version") + 1, updated.Data.Long("version"));

        (await f.A.Patch($"/v1/plans/{id}", """{"interval":"month"}""")).AssertError(400, "UNKNOWN_FIELD", "interval");
        (await f.A.Patch($"/v1/plans/{id}", """{"currency":"EUR"}""")).AssertError(400, "UNKNOWN_FIELD", "currency");
        (await f.A.Patch($"/v1/plans/{id}", """{"line_items":[{"name":"Box","unit_price_money":{"amount":1,"currency":"EUR"},"quantity":1}]}"""))
            .AssertError(400, "CURRENCY_MISMATCH", "line_items[0].unit_price_money.currency");
        Assert.Equal(13500, (await f.A.Get($"/v1/plans/{id}")).Data["amount_money"]!.Long("amount"));
    }

    [Fact]
    public async Task Plans_are_listed_by_status_and_a_deleted_plan_refuses_changes()
    {
        var tag = CatalogData.Unique("Listed");
        string Body(string status) => $$"""{"name":"{{tag}} {{status}}","interval":"month","status":"{{status}}","line_items":[{"name":"L","unit_price_money":{"amount":100,"currency":"USD"},"quantity":1}]}""";
        var active = (await f.A.Post("/v1/plans", Body("active"))).Data.Str("plan_id");
        var inactive = (await f.A.Post("/v1/plans", Body("inactive"))).Data.Str("plan_id");

        Assert.Equal([inactive, active], (await f.A.Get($"/v1/plans?query={tag}")).Ids("plan_id"));
        Assert.Equal([inactive], (await f.A.Get($"/v1/plans?query={tag}&status=inactive")).Ids("plan_id"));
        // Another merchant sees none of them.
        Assert.Empty((await f.B.Get($"/v1/plans?query={tag}")).Ids("plan_id"));
        (await f.B.Get($"/v1/plans/{active}")).AssertError(404, "RESOURCE_NOT_FOUND");

        var deleted = await f.A.Delete($"/v1/plans/{active}");
        Assert.Equal("deleted", deleted.Data.Str("status"));
        (await f.A.Patch($"/v1/plans/{active}", """{"name":"again"}""")).AssertError(409, "PLAN_DELETED");
    }
}
