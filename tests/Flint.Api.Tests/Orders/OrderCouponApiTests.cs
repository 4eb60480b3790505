using Flint.Api.Tests.Infrastructure;
using static Flint.Api.Tests.Orders.OrderData;

namespace Flint.Api.Tests.Orders;

/// <summary>Coupons and merchant-entered discounts on orders: apply-coupon with each refusal code, removing coupons,
/// POST/DELETE discounts. Each test has a merchant of its own, so coupon codes never collide.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderCouponApiTests(ApiFixture f)
{
    private async Task<ApiClient> Shop() => (await f.NewMerchant(CatalogData.Unique("Coupons"))).Test;

    /// <summary>The worked example's lines: 2 × 19.99 and 1 × 24.00 (subtotal 63.98).</summary>
    private static Task<System.Text.Json.Nodes.JsonNode> CoffeeAndMug(ApiClient api) =>
        api.CreateOrderWith("", AdHoc("Coffee", 1999, 2), AdHoc("Mug", 2400));

    private static Task<ApiResponse> Apply(ApiClient api, string orderId, string code) =>
        api.Post($"/v1/orders/{orderId}/apply-coupon", $$"""{"coupon_code":"{{code}}"}""");

    [Fact]
    public async Task A_coupon_code_matches_whatever_its_case_and_removing_the_coupon_restores_the_amounts()
    {
        var api = await Shop();
        var couponId = await api.CreateCoupon("""{"code":"Spring20","discount_type":"percentage","percent_off":"20","name":"Spring sale"}""");
        var o = await CoffeeAndMug(api);
        var id = o.Str("order_id");

        var r = await Apply(api, id, "sPrInG20");

        Assert.Equal(200, r.Status);
        Assert.Equal(["SPRING20"], r.Data.Arr("coupon_codes").Strings());
        // 20 % of 63.98 = 12.796 → 12.80 (nearest cent), split 8.00 / 4.80.
        Assert.Equal((6398L, 1280L, 0L, 5118L, 5118L), r.Data.Amounts());
        Assert.Equal((3998L, 800L, 0L, 3198L), r.Data.Line("Coffee").LineAmounts());
        Assert.Equal((2400L, 480L, 0L, 1920L), r.Data.Line("Mug").LineAmounts());
        var d = Assert.Single(r.Data.Arr("applied_discounts"))!;
        Assert.Equal(("coupon", "SPRING20", couponId, "percentage", "20", "order"),
            (d.Str("source"), d.Str("coupon_code"), d.Str("coupon_id"), d.Str("type"), d.Str("percentage"), d.Str("scope")));
        Assert.Equal("Spring sale", d.Str("name"));
        Assert.Equal(1280, d["applied_money"]!.Long("amount"));
        Assert.StartsWith("dsc_", d.Str("discount_id"));

        // A coupon's discount is removed through its code, not as a discount.
        (await api.Delete($"/v1/orders/{id}/discounts/{d.Str("discount_id")}")).AssertError(400, "COUPON_DISCOUNT");

        var removed = await api.Delete($"/v1/orders/{id}/coupons/spring20");
        Assert.Equal(200, removed.Status);
        Assert.Empty(removed.Data.Arr("coupon_codes"));
        Assert.Empty(removed.Data.Arr("applied_discounts"));
        Assert.Equal(o.Amounts(), removed.Data.Amounts());
        Assert.Equal(o.Line("Coffee").LineAmounts(), removed.Data.Line("Coffee").LineAmounts());
        Assert.Equal(3, removed.Data.Version());

        (await api.Delete($"/v1/orders/{id}/coupons/SPRING20")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Delete($"/v1/orders/{id}/coupons/bad%20code")).AssertError(400, "INVALID_COUPON_CODE");
    }

    [Fact]
    public async Task An_unknown_deleted_or_other_merchants_code_is_404_RESOURCE_NOT_FOUND()
    {
        var api = await Shop();
        var (other, _, _) = await f.NewMerchant(CatalogData.Unique("Other"));
        await other.CreateCoupon("""{"code":"THEIRS","discount_type":"percentage","percent_off":"50"}""");
        var gone = await api.CreateCoupon("""{"code":"GONE","discount_type":"percentage","percent_off":"50"}""");
        Assert.Equal(200, (await api.Delete($"/v1/coupons/{gone}")).Status);
        var o = await CoffeeAndMug(api);
        var id = o.Str("order_id");

        var unknown = await Apply(api, id, "NOPE");
        unknown.AssertError(404, "RESOURCE_NOT_FOUND", "coupon_code");
        // One not-found code for every object; the message says which kind was missing.
        Assert.Equal("No such coupon: 'NOPE'.", unknown.Body!["error"]!["message"]!.GetValue<string>());
        (await Apply(api, id, "THEIRS")).AssertError(404, "RESOURCE_NOT_FOUND", "coupon_code");
        (await Apply(api, id, "gone")).AssertError(404, "RESOURCE_NOT_FOUND", "coupon_code");
        (await Apply(api, id, "no spaces")).AssertError(400, "INVALID_COUPON_CODE", "coupon_code");
        (await api.Post($"/v1/orders/{id}/apply-coupon", "{}")).AssertError(400, "MISSING_REQUIRED_FIELD", "coupon_code");
        await api.CreateCoupon("""{"code":"REAL","discount_type":"percentage","percent_off":"5"}""");
        (await Apply(api, CatalogData.UnknownId("ord"), "REAL")).AssertError(404, "RESOURCE_NOT_FOUND");

        Assert.Equal(1, (await api.GetOrder(id)).Version());
    }

    [Fact]
    public async Task Each_coupon_refusal_has_its_own_409_code_and_leaves_the_order_unchanged()
    {
        var api = await Shop();
        var cup = await api.CreateProduct("Cup", 1500);
        var saucer = await api.CreateProduct("Saucer", 500);
        await api.CreateCoupon("""{"code":"OLD","discount_type":"percentage","percent_off":"10","expires_at":"2020-01-01T00:00:00Z"}""");
        await api.CreateCoupon("""{"code":"FUTURE","discount_type":"percentage","percent_off":"10","starts_at":"2099-01-01T00:00:00Z"}""");
        await api.CreateCoupon("""{"code":"BIGSPEND","discount_type":"percentage","percent_off":"10","minimum_subtotal_money":{"amount":10000,"currency":"USD"}}""");
        await api.CreateCoupon($$"""{"code":"SAUCERS","discount_type":"percentage","percent_off":"10","applies_to":{"product_ids":["{{saucer.Id}}"]} }""");
        await api.CreateCoupon("""{"code":"PAUSED","discount_type":"percentage","percent_off":"10","status":"inactive"}""");
        await api.CreateCoupon("""{"code":"STACK5","discount_type":"percentage","percent_off":"5","stackable":true}""");
        await api.CreateCoupon("""{"code":"SOLO","discount_type":"percentage","percent_off":"10","stackable":false}""");
        await api.CreateCoupon("""{"code":"EUROS","discount_type":"fixed_amount","amount_off":{"amount":500,"currency":"EUR"},"stackable":true}""");
        var o = await api.CreateOrderWith("", VariantLine(cup.VariantId, 2));
        var id = o.Str("order_id");

        (await Apply(api, id, "OLD")).AssertError(409, "COUPON_EXPIRED", "coupon_code");
        (await Apply(api, id, "FUTURE")).AssertError(409, "COUPON_NOT_STARTED", "coupon_code");
        (await Apply(api, id, "BIGSPEND")).AssertError(409, "COUPON_MINIMUM_NOT_MET", "coupon_code");
        (await Apply(api, id, "SAUCERS")).AssertError(409, "COUPON_NOT_APPLICABLE", "coupon_code");
        (await Apply(api, id, "PAUSED")).AssertError(409, "COUPON_INACTIVE", "coupon_code");
        (await Apply(api, id, "EUROS")).AssertError(409, "CURRENCY_MISMATCH");
        Assert.Equal(1, (await api.GetOrder(id)).Version());
        Assert.Equal("conflict", (await Apply(api, id, "OLD")).Body!["error"]!.Str("type"));

        var stacked = await Apply(api, id, "STACK5");
        Assert.Equal(200, stacked.Status);
        (await Apply(api, id, "stack5")).AssertError(409, "COUPON_ALREADY_APPLIED", "coupon_code");
        (await Apply(api, id, "SOLO")).AssertError(409, "COUPON_NOT_STACKABLE", "coupon_code");

        var after = await api.GetOrder(id);
        Assert.Equal(2, after.Version());
        Assert.Equal(["STACK5"], after.Arr("coupon_codes").Strings());
        Assert.Equal((3000L, 150L, 0L, 2850L, 2850L), after.Amounts());

        // A non-stackable coupon first keeps every other coupon out.
        var solo = await api.CreateOrderWith("", VariantLine(cup.VariantId, 2));
        Assert.Equal(200, (await Apply(api, solo.Str("order_id"), "SOLO")).Status);
        (await Apply(api, solo.Str("order_id"), "STACK5")).AssertError(409, "COUPON_NOT_STACKABLE", "coupon_code");
        Assert.Equal(300, (await api.GetOrder(solo.Str("order_id"))).Net("discount"));

        // Once the order holds enough saucers and reaches the minimum, the same coupons apply.
        var grown = await api.Post($"/v1/orders/{id}/line-items", VariantLine(saucer.VariantId, 14));
        Assert.Equal(201, grown.Status);
        Assert.Equal(10000, grown.Data.Net("subtotal"));
        (await Apply(api, id, "BIGSPEND")).AssertError(409, "COUPON_NOT_STACKABLE", "coupon_code");
        Assert.Equal(200, (await api.Delete($"/v1/orders/{id}/coupons/STACK5")).Status);
        var big = await Apply(api, id, "BIGSPEND");
        Assert.Equal(200, big.Status);
        Assert.Equal((10000L, 1000L, 0L, 9000L, 9000L), big.Data.Amounts());
    }

    [Fact]
    public async Task A_coupon_that_reaches_its_minimum_exactly_applies()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"MIN50","discount_type":"fixed_amount","amount_off":{"amount":700,"currency":"USD"},"minimum_subtotal_money":{"amount":5000,"currency":"USD"}}""");
        var below = await api.CreateOrderWith("", AdHoc("A", 4999));
        var exact = await api.CreateOrderWith("", AdHoc("A", 2500, 2));

        (await Apply(api, below.Str("order_id"), "MIN50")).AssertError(409, "COUPON_MINIMUM_NOT_MET");
        var r = await Apply(api, exact.Str("order_id"), "MIN50");

        Assert.Equal(200, r.Status);
        Assert.Equal((5000L, 700L, 0L, 4300L, 4300L), r.Data.Amounts());
        var d = r.Data.Arr("applied_discounts")[0]!;
        Assert.Equal(("fixed_amount", 700L), (d.Str("type"), d["amount_money"]!.Long("amount")));
    }

    [Fact]
    public async Task Shrinking_the_order_below_the_coupons_minimum_does_not_keep_the_coupons_discount()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"MIN50","discount_type":"fixed_amount","amount_off":{"amount":700,"currency":"USD"},"minimum_subtotal_money":{"amount":5000,"currency":"USD"}}""");
        var o = await api.CreateOrderWith("", AdHoc("A", 2500, 2));
        var path = $"/v1/orders/{o.Str("order_id")}";
        var line = o.Line("A").Str("line_item_id");
        Assert.Equal(700, (await Apply(api, o.Str("order_id"), "MIN50")).Data.Net("discount"));

        // 25.00 no longer qualifies for a coupon that needs 50.00: either the change is refused, or the discount goes.
        var r = await api.Patch($"{path}/line-items/{line}", """{"quantity":1}""");
        if (r.Status == 409)
        {
            r.AssertError(409, "COUPON_MINIMUM_NOT_MET");
            Assert.Equal((5000L, 700L, 0L, 4300L, 4300L), (await api.GetOrder(o.Str("order_id"))).Amounts());
        }
        else
        {
            Assert.Equal(200, r.Status);
            Assert.Equal((2500L, 0L, 0L, 2500L, 2500L), r.Data.Amounts());
        }
    }

    [Fact]
    public async Task A_coupon_for_one_product_discounts_only_that_products_lines_including_lines_added_later()
    {
        var api = await Shop();
        var cup = await api.CreateProduct("Cup", 1000);
        var pot = await api.CreateProduct("Pot", 3000);
        await api.CreateCoupon($$"""{"code":"CUPS","discount_type":"percentage","percent_off":"15","applies_to":{"product_ids":["{{cup.Id}}"]} }""");
        var o = await api.CreateOrderWith("", VariantLine(cup.VariantId, 2), VariantLine(pot.VariantId), AdHoc("Wrap", 333));
        var id = o.Str("order_id");

        var r = await Apply(api, id, "cups");

        Assert.Equal(200, r.Status);
        Assert.Equal((2000L, 300L, 0L, 1700L), r.Data.Line("Cup").LineAmounts());
        Assert.Equal((3000L, 0L, 0L, 3000L), r.Data.Line("Pot").LineAmounts());
        Assert.Equal((333L, 0L, 0L, 333L), r.Data.Line("Wrap").LineAmounts());
        Assert.Equal((5333L, 300L, 0L, 5033L, 5033L), r.Data.Amounts());

        // Another cup line joins the coupon: 15 % of 20.00 + 10.00 = 4.50, split 3.00 / 1.50.
        var more = await api.Post($"/v1/orders/{id}/line-items", VariantLine(cup.VariantId, 1));
        Assert.Equal(201, more.Status);
        Assert.Equal(450, more.Data.Net("discount"));
        var cupLines = more.Data.Arr("line_items").Where(l => l!.Str("name") == "Cup").Select(l => l!.LineAmounts()).ToList();
        Assert.Equal([(2000L, 300L, 0L, 1700L), (1000L, 150L, 0L, 850L)], cupLines);
        Assert.Equal(0, more.Data.Line("Pot").LineAmounts().Discount);
    }

    [Fact]
    public async Task Percentage_coupons_apply_before_fixed_ones_whatever_order_they_were_applied_in()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"FIVEOFF","discount_type":"fixed_amount","amount_off":{"amount":500,"currency":"USD"},"stackable":true}""");
        await api.CreateCoupon("""{"code":"TENPCT","discount_type":"percentage","percent_off":"10","stackable":true}""");
        var o = await api.CreateOrderWith("", AdHoc("A", 6000), AdHoc("B", 4000));
        var id = o.Str("order_id");

        Assert.Equal(500, (await Apply(api, id, "FIVEOFF")).Data.Net("discount"));
        var r = await Apply(api, id, "TENPCT");

        // 10 % of 100.00 = 10.00 first, then 5.00 off the 90.00 left: 15.00, not 14.50.
        Assert.Equal(200, r.Status);
        Assert.Equal((10000L, 1500L, 0L, 8500L, 8500L), r.Data.Amounts());
        Assert.Equal((6000L, 900L, 0L, 5100L), r.Data.Line("A").LineAmounts());
        Assert.Equal((4000L, 600L, 0L, 3400L), r.Data.Line("B").LineAmounts());
        Assert.Equal(["FIVEOFF", "TENPCT"], r.Data.Arr("coupon_codes").Strings());
    }

    // ---------- merchant-entered discounts ----------

    [Fact]
    public async Task Discounts_are_added_in_order_or_line_scope_and_removing_them_restores_the_amounts()
    {
        var api = await Shop();
        var o = await CoffeeAndMug(api);
        var id = o.Str("order_id");
        var mug = o.Line("Mug").Str("line_item_id");

        var pct = await api.Post($"/v1/orders/{id}/discounts", """{"name":"Loyalty","percentage":"12.5"}""");
        Assert.Equal(201, pct.Status);
        // 12.5 % of 63.98 = 7.9975 → 8.00, split 39.98 : 24.00 = 4.99906 : 3.00094 → 5.00 / 3.00.
        Assert.Equal((6398L, 800L, 0L, 5598L, 5598L), pct.Data.Amounts());
        Assert.Equal(500, pct.Data.Line("Coffee").LineAmounts().Discount);
        Assert.Equal(300, pct.Data.Line("Mug").LineAmounts().Discount);
        var loyalty = pct.Data.Arr("applied_discounts")[0]!;
        Assert.Equal(("Loyalty", "percentage", "12.5", "order", "manual"),
            (loyalty.Str("name"), loyalty.Str("type"), loyalty.Str("percentage"), loyalty.Str("scope"), loyalty.Str("source")));

        var fixedOnMug = await api.Post($"/v1/orders/{id}/discounts", $$"""
            {"name":"Chipped","amount_money":{"amount":1000,"currency":"USD"},"line_item_ids":["{{mug}}"]}
            """);
        Assert.Equal(201, fixedOnMug.Status);
        Assert.Equal((6398L, 1800L, 0L, 4598L, 4598L), fixedOnMug.Data.Amounts());
        Assert.Equal((2400L, 1300L, 0L, 1100L), fixedOnMug.Data.Line("Mug").LineAmounts());
        Assert.Equal((3998L, 500L, 0L, 3498L), fixedOnMug.Data.Line("Coffee").LineAmounts());
        var chipped = fixedOnMug.Data.Arr("applied_discounts").Single(d => d!.Str("name") == "Chipped")!;
        Assert.Equal(("line_item", 1000L), (chipped.Str("scope"), chipped["applied_money"]!.Long("amount")));
        Assert.Equal([mug], chipped.Arr("line_item_ids").Strings());

        var withoutLoyalty = await api.Delete($"/v1/orders/{id}/discounts/{loyalty.Str("discount_id")}");
        Assert.Equal(200, withoutLoyalty.Status);
        Assert.Equal((6398L, 1000L, 0L, 5398L, 5398L), withoutLoyalty.Data.Amounts());

        var none = await api.Delete($"/v1/orders/{id}/discounts/{chipped.Str("discount_id")}");
        Assert.Equal(o.Amounts(), none.Data.Amounts());
        Assert.Equal(o.Line("Mug").LineAmounts(), none.Data.Line("Mug").LineAmounts());
        Assert.Empty(none.Data.Arr("applied_discounts"));
        Assert.Equal(5, none.Data.Version());
    }

    [Fact]
    public async Task Invalid_discounts_are_refused_and_unknown_ones_are_404()
    {
        var api = await Shop();
        var o = await CoffeeAndMug(api);
        var id = o.Str("order_id");
        var path = $"/v1/orders/{id}/discounts";

        (await api.Post(path, """{"name":"x"}""")).AssertError(400, "INVALID_DISCOUNT");
        (await api.Post(path, """{"name":"x","percentage":"5","amount_money":{"amount":5,"currency":"USD"}}""")).AssertError(400, "INVALID_DISCOUNT");
        (await api.Post(path, """{"name":"x","percentage":"150"}""")).AssertError(400, "INVALID_PERCENTAGE", "percentage");
        (await api.Post(path, """{"name":"x","percentage":5}""")).AssertError(400, "INVALID_FIELD_TYPE");
        (await api.Post(path, """{"name":"x","amount_money":{"amount":5,"currency":"EUR"}}""")).AssertError(400, "CURRENCY_MISMATCH");
        (await api.Post(path, $$"""{"name":"x","percentage":"5","line_item_ids":["{{CatalogData.UnknownId("li")}}"]}""")).AssertError(400, "INVALID_LINE_ITEM", "line_item_ids[0]");
        (await api.Post(path, """{"percentage":"5"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await api.Delete($"{path}/{CatalogData.UnknownId("dsc")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Delete($"{path}/nope")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.B.Post($"/v1/orders/{id}/discounts", """{"name":"x","percentage":"5"}""")).AssertError(404, "RESOURCE_NOT_FOUND");

        var after = await api.GetOrder(id);
        Assert.Equal(1, after.Version());
        Assert.Empty(after.Arr("applied_discounts"));
    }
}
