using Flint.Api.Tests.Infrastructure;
using static Flint.Api.Tests.Orders.OrderData;

namespace Flint.Api.Tests.Orders;

/// <summary>/v1/orders end to end: create (currency, lines, validation), read, list, update, line items, cancel,
/// the cart preview, versions, tenancy, idempotent replays and events. Tests that look at a whole list or at events
/// use a merchant of their own.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderApiTests(ApiFixture f)
{
    private static string NewKey() => $"idem-{Guid.NewGuid():N}";

    private async Task<ApiClient> Shop() => (await f.NewMerchant(CatalogData.Unique("Orders"))).Test;

    // ---------- create ----------

    [Fact]
    public async Task An_order_is_created_with_catalog_and_ad_hoc_lines_and_every_field_and_read_back()
    {
        var api = await Shop();
        var tee = await api.CreateProduct("Field Tee", 2500, taxCategory: "clothing");
        var customerId = await api.CreateCustomer();
        var store = (await api.Post("/v1/locations", """{"name":"Store 12"}""")).Data.Str("location_id");

        var r = await api.Post("/v1/orders", $$"""
            {"customer_id":"{{customerId}}","currency":"USD","source":"pos","location_id":"{{store}}",
             "line_items":[{"variant_id":"{{tee.VariantId}}","quantity":2,"note":"gift"}, {{AdHoc("Engraving", 750)}}],
             "tax_location":{"country":"US","region":"ca","postal_code":"94103"},"metadata":{"till":"3"} }
            """);

        Assert.Equal(201, r.Status);
        var o = r.Data;
        Assert.StartsWith("ord_", o.Str("order_id"));
        Assert.Equal(("open", "USD", "pos", store, customerId), (o.Str("status"), o.Str("currency"), o.Str("source"), o.Str("location_id"), o.Str("customer_id")));
        Assert.Equal(("US", "CA", "94103"), (o["tax_location"]!.Str("country"), o["tax_location"]!.Str("region"), o["tax_location"]!.Str("postal_code")));
        Assert.Equal("3", o["metadata"]!.Str("till"));
        Assert.Equal(1, o.Version());
        Assert.EndsWith("Z", o.Str("created_at"));

        var tee2 = o.Line("Field Tee");
        Assert.StartsWith("li_", tee2.Str("line_item_id"));
        Assert.Equal(("variant", tee.Id, tee.VariantId, "clothing", "gift"), (tee2.Str("item_type"), tee2.Str("product_id"), tee2.Str("variant_id"), tee2.Str("tax_category"), tee2.Str("note")));
        Assert.Equal(2500, tee2["unit_price_money"]!.Long("amount"));
        Assert.Equal((5000L, 0L, 0L, 5000L), tee2.LineAmounts());
        var engraving = o.Line("Engraving");
        Assert.Equal("custom", engraving.Str("item_type"));
        Assert.Equal((750L, 0L, 0L, 750L), engraving.LineAmounts());
        Assert.Equal((5750L, 0L, 0L, 5750L, 5750L), o.Amounts());
        Assert.Equal(0, o.Net("tip"));
        Assert.Equal(0, o.Net("paid"));
        Assert.Equal(0, o.Net("refunded"));

        var get = await api.Get($"/v1/orders/{o.Str("order_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(o.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task Without_a_currency_the_order_takes_it_from_its_lines_and_defaults_to_source_api()
    {
        var api = await Shop();
        var yen = await api.CreateProduct("Matcha", 1500, currency: "JPY");

        var o = await api.CreateOrder($$"""{"line_items":[{{VariantLine(yen.VariantId, 3)}}]}""");

        Assert.Equal(("JPY", "api"), (o.Str("currency"), o.Str("source")));
        Assert.Equal(4500, o.Net("total"));
        Assert.Equal("JPY", o["net_amounts"]!["total_money"]!.Str("currency"));
    }

    [Fact]
    public async Task An_order_with_only_a_currency_is_empty_and_costs_nothing()
    {
        var api = await Shop();
        var o = await api.CreateOrder("""{"currency":"KWD"}""");
        Assert.Empty(o.Arr("line_items"));
        Assert.Equal((0L, 0L, 0L, 0L, 0L), o.Amounts());
        Assert.Equal("KWD", o.Str("currency"));
    }

    [Fact]
    public async Task A_bundle_line_takes_its_name_price_and_sku_from_the_bundle()
    {
        var api = await Shop();
        var lamp = await api.CreateSimple("Lamp", quantity: 5);
        var bundle = await api.CreateBundle(CatalogData.Unique("PAIR"), (lamp.VariantId, 2));

        var o = await api.CreateOrder($$"""{"line_items":[{"bundle_id":"{{bundle.Str("bundle_id")}}","quantity":2}]}""");

        var line = Assert.Single(o.Arr("line_items"))!;
        Assert.Equal(("bundle", bundle.Str("bundle_id"), bundle.Str("name"), bundle.Str("sku")), (line.Str("item_type"), line.Str("bundle_id"), line.Str("name"), line.Str("sku")));
        Assert.Equal((5000L, 0L, 0L, 5000L), line.LineAmounts());
        Assert.Equal("USD", o.Str("currency"));
    }

    [Fact]
    public async Task Invalid_orders_are_refused_with_their_own_codes_and_nothing_is_saved()
    {
        var api = await Shop();
        var usd = await api.CreateProduct("Cup", 900);
        var eur = await api.CreateProduct("Tasse", 800, currency: "EUR");
        var inactive = await api.CreateProduct("Old", 100, status: "inactive");

        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(usd.VariantId)}},{{VariantLine(eur.VariantId)}}]}"""))
            .AssertError(400, "CURRENCY_MISMATCH", "line_items[1].unit_price_money.currency");
        (await api.Post("/v1/orders", $$"""{"currency":"USD","line_items":[{{AdHoc("x", 100, currency: "EUR")}}]}"""))
            .AssertError(400, "CURRENCY_MISMATCH", "line_items[0].unit_price_money.currency");
        (await api.Post("/v1/orders", """{"metadata":{"a":"b"}}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "currency");
        (await api.Post("/v1/orders", """{"line_items":[]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "currency");
        (await api.Post("/v1/orders", """{"currency":"XYZ"}""")).AssertError(400, "INVALID_CURRENCY");
        (await api.Post("/v1/orders", $$"""{"line_items":[{"variant_id":"{{usd.VariantId}}","bundle_id":"{{CatalogData.UnknownId("bun")}}","quantity":1}]}"""))
            .AssertError(400, "INVALID_LINE_ITEM", "line_items[0]");
        (await api.Post("/v1/orders", """{"currency":"USD","line_items":[{"quantity":1}]}""")).AssertError(400, "INVALID_LINE_ITEM", "line_items[0]");
        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(usd.VariantId, 0)}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "line_items[0].quantity");
        (await api.Post("/v1/orders", $$"""{"line_items":[{"variant_id":"{{usd.VariantId}}"}]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "line_items[0].quantity");
        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(usd.VariantId, -1)}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "line_items[0].quantity");
        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(CatalogData.UnknownId("var"))}}]}""")).AssertError(400, "INVALID_VARIANT", "line_items[0].variant_id");
        (await api.Post("/v1/orders", $$"""{"line_items":[{"bundle_id":"{{CatalogData.UnknownId("bun")}}","quantity":1}]}""")).AssertError(400, "INVALID_BUNDLE", "line_items[0].bundle_id");
        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(inactive.VariantId)}}]}""")).AssertError(409, "ITEM_NOT_SELLABLE");
        (await api.Post("/v1/orders", $$"""{"line_items":[{"variant_id":"{{usd.VariantId}}","quantity":1,"unit_price_money":{"amount":1,"currency":"USD"} }]}"""))
            .AssertError(400, "PRICE_NOT_OVERRIDABLE", "line_items[0].unit_price_money");
        (await api.Post("/v1/orders", $$"""{"customer_id":"{{CatalogData.UnknownId("cus")}}","currency":"USD"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await api.Post("/v1/orders", """{"customer_id":"not-a-customer","currency":"USD"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await api.Post("/v1/orders", """{"currency":"USD","source":"fax"}""")).AssertError(400, "INVALID_ENUM_VALUE", "source");
        (await api.Post("/v1/orders", """{"currency":"USD","tax_location":{"country":"XX"}}""")).AssertError(400, "INVALID_COUNTRY", "tax_location.country");
        (await api.Post("/v1/orders", """{"currency":"USD","tax_location":{"country":"us"}}""")).AssertError(400, "INVALID_COUNTRY", "tax_location.country");
        (await api.Post("/v1/orders", """{"currency":"USD","tax_location":{}}""")).AssertError(400, "INVALID_COUNTRY", "tax_location.country");
        (await api.Post("/v1/orders", """{"currency":"USD","colour":"red"}""")).AssertError(400, "UNKNOWN_FIELD", "colour");

        var list = await api.Get("/v1/orders");
        Assert.Equal(200, list.Status);
        Assert.Empty(list.Data.AsArray());
        Assert.Empty((await api.Get("/v1/events?type=order.created")).Data.AsArray());
    }

    [Fact]
    public async Task Reading_an_order_that_does_not_exist_is_404()
    {
        (await f.A.Get($"/v1/orders/{CatalogData.UnknownId("ord")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get("/v1/orders/prod_nope")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    // ---------- list ----------

    [Fact]
    public async Task Orders_are_listed_newest_first_and_filtered_by_status_customer_source_and_creation_time()
    {
        var api = await Shop();
        var customer = await api.CreateCustomer();
        var ids = new List<string>();
        var created = new List<string>();
        foreach (var body in new[]
        {
            $$"""{"currency":"USD","customer_id":"{{customer}}"}""",
            """{"currency":"USD","source":"pos"}""",
            $$"""{"currency":"USD","customer_id":"{{customer}}","source":"pos"}""",
            """{"currency":"USD","source":"checkout"}""",
        })
        {
            var o = await api.CreateOrder(body);
            ids.Add(o.Str("order_id"));
            created.Add(o.Str("created_at"));
            await Task.Delay(5);
        }
        Assert.Equal(200, (await api.Post($"/v1/orders/{ids[1]}/cancel")).Status);

        var all = await api.Get("/v1/orders");
        Assert.Equal(Enumerable.Reverse(ids), all.Ids("order_id"));
        Assert.Null(all.Body!["next_page_token"]?.GetValue<string>());
        Assert.Equal("canceled", all.Data.AsArray().Single(o => o!.Str("order_id") == ids[1])!.Str("status"));

        Assert.Equal([ids[0], ids[1], ids[2], ids[3]], (await api.Get("/v1/orders?sort_direction=asc")).Ids("order_id"));
        Assert.Equal([ids[1]], (await api.Get("/v1/orders?status=canceled")).Ids("order_id"));
        Assert.Equal([ids[3], ids[2], ids[0]], (await api.Get("/v1/orders?status=open")).Ids("order_id"));
        Assert.Empty((await api.Get("/v1/orders?status=paid")).Data.AsArray());
        Assert.Equal([ids[2], ids[0]], (await api.Get($"/v1/orders?customer_id={customer}")).Ids("order_id"));
        Assert.Equal([ids[2], ids[1]], (await api.Get("/v1/orders?source=pos")).Ids("order_id"));
        Assert.Equal([ids[0]], (await api.Get("/v1/orders?source=api")).Ids("order_id"));
        Assert.Equal([ids[2]], (await api.Get($"/v1/orders?source=pos&customer_id={customer}&status=open")).Ids("order_id"));
        Assert.Equal([ids[3], ids[2]], (await api.Get($"/v1/orders?created_after={Uri.EscapeDataString(created[1])}")).Ids("order_id"));
        Assert.Equal([ids[1], ids[0]], (await api.Get($"/v1/orders?created_before={Uri.EscapeDataString(created[2])}")).Ids("order_id"));
        Assert.Equal([ids[2], ids[1]], (await api.Get(
            $"/v1/orders?created_after={Uri.EscapeDataString(created[0])}&created_before={Uri.EscapeDataString(created[3])}")).Ids("order_id"));

        // The canceled order was updated last.
        Assert.Equal(ids[1], (await api.Get("/v1/orders?sort_by=updated_at")).Ids("order_id")[0]);

        (await api.Get("/v1/orders?status=lost")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await api.Get("/v1/orders?source=fax")).AssertError(400, "INVALID_ENUM_VALUE", "source");
        (await api.Get("/v1/orders?sort_by=name")).AssertError(400, "INVALID_ENUM_VALUE", "sort_by");
        (await api.Get("/v1/orders?created_after=yesterday")).AssertError(400, "INVALID_TIMESTAMP", "created_after");
    }

    [Fact]
    public async Task Walking_the_pages_lists_every_order_once_in_order()
    {
        var api = await Shop();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add((await api.CreateOrder("""{"currency":"USD"}""")).Str("order_id"));

        var pages = await api.WalkPages("/v1/orders?page_size=3", "order_id");

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(ids), pages.SelectMany(p => p));
        var asc = await api.WalkPages("/v1/orders?page_size=2&sort_direction=asc", "order_id");
        Assert.Equal(ids, asc.SelectMany(p => p));

        var first = await api.Get("/v1/orders?page_size=3");
        var token = first.Body!["next_page_token"]!.GetValue<string>();
        (await api.Get($"/v1/orders?page_size=3&sort_direction=asc&page_token={Uri.EscapeDataString(token)}")).AssertError(400, "INVALID_PAGE_TOKEN");
        (await api.Get($"/v1/orders?page_size=3&status=open&page_token={Uri.EscapeDataString(token)}")).AssertError(400, "INVALID_PAGE_TOKEN");
    }

    // ---------- update ----------

    [Fact]
    public async Task Patch_merges_metadata_links_and_unlinks_the_customer_and_changes_the_tax_location_while_open()
    {
        var api = await Shop();
        var customer = await api.CreateCustomer();
        var o = await api.CreateOrderWith("\"metadata\":{\"a\":\"1\",\"b\":\"2\"}", AdHoc("Tea", 400));
        var path = $"/v1/orders/{o.Str("order_id")}";

        var r = await api.Patch(path, """{"metadata":{"b":"","c":"3"}}""");
        Assert.Equal(200, r.Status);
        Assert.Equal("""{"a":"1","c":"3"}""", r.Data["metadata"]!.ToJsonString());
        Assert.Equal(2, r.Data.Version());

        r = await api.Patch(path, $$"""{"customer_id":"{{customer}}"}""");
        Assert.Equal(customer, r.Data.Str("customer_id"));
        Assert.Equal([o.Str("order_id")], (await api.Get($"/v1/orders?customer_id={customer}")).Ids("order_id"));

        r = await api.Patch(path, """{"tax_location":{"country":"DE","postal_code":"10115"}}""");
        Assert.Equal(("DE", "10115"), (r.Data["tax_location"]!.Str("country"), r.Data["tax_location"]!.Str("postal_code")));

        r = await api.Patch(path, """{"customer_id":""}""");
        Assert.Equal(200, r.Status);
        Assert.Null(r.Data.StrOrNull("customer_id"));
        Assert.Equal(5, r.Data.Version());
        Assert.Empty((await api.Get($"/v1/orders?customer_id={customer}")).Data.AsArray());

        r = await api.Patch(path, """{"metadata":{}}""");
        Assert.Equal(200, r.Status);
        Assert.Empty(r.Data["metadata"]!.AsObject());
        Assert.Empty((await api.GetOrder(o.Str("order_id")))["metadata"]!.AsObject());
    }

    [Fact]
    public async Task Patch_refuses_an_empty_body_unknown_fields_an_unknown_customer_and_after_cancel_anything_but_metadata()
    {
        var api = await Shop();
        var customer = await api.CreateCustomer();
        var o = await api.CreateOrderWith("", AdHoc("Tea", 400));
        var path = $"/v1/orders/{o.Str("order_id")}";

        (await api.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await api.Patch(path, """{"version":1}""")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await api.Patch(path, """{"status":"paid"}""")).AssertError(400, "UNKNOWN_FIELD", "status");
        (await api.Patch(path, $$"""{"customer_id":"{{CatalogData.UnknownId("cus")}}"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await api.Patch(path, """{"tax_location":{"country":"ZZ"}}""")).AssertError(400, "INVALID_COUNTRY", "tax_location.country");
        Assert.Equal(1, (await api.GetOrder(o.Str("order_id"))).Version());

        Assert.Equal(200, (await api.Post($"{path}/cancel")).Status);
        (await api.Patch(path, $$"""{"customer_id":"{{customer}}"}""")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Patch(path, """{"tax_location":{"country":"US"}}""")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Patch(path, """{"metadata":{"x":"1"},"tax_location":{"country":"US"}}""")).AssertError(409, "ORDER_NOT_EDITABLE");

        var r = await api.Patch(path, """{"metadata":{"reason":"duplicate"}}""");
        Assert.Equal(200, r.Status);
        Assert.Equal(("canceled", "duplicate", 3L), (r.Data.Str("status"), r.Data["metadata"]!.Str("reason"), r.Data.Version()));
        Assert.Null(r.Data["tax_location"]);
        Assert.Null(r.Data.StrOrNull("customer_id"));
    }

    [Fact]
    public async Task Patching_an_order_that_does_not_exist_is_404()
    {
        (await f.A.Patch($"/v1/orders/{CatalogData.UnknownId("ord")}", """{"metadata":{"a":"b"}}""")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    // ---------- line items ----------

    [Fact]
    public async Task Line_items_are_added_changed_and_removed_with_amounts_recomputed_each_time()
    {
        var api = await Shop();
        var cup = await api.CreateProduct("Cup", 1299);
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350));
        var path = $"/v1/orders/{o.Str("order_id")}";

        var added = await api.Post($"{path}/line-items", VariantLine(cup.VariantId, 3));
        Assert.Equal(201, added.Status);
        Assert.Equal(2, added.Data.Arr("line_items").Count);
        Assert.Equal(350 + 3 * 1299, added.Data.Net("total"));
        var cupLine = added.Data.Line("Cup").Str("line_item_id");

        var adHoc = await api.Post($"{path}/line-items", AdHoc("Spoon", 125, 4));
        Assert.Equal(201, adHoc.Status);
        Assert.Equal(350 + 3897 + 500, adHoc.Data.Net("subtotal"));

        var changed = await api.Patch($"{path}/line-items/{cupLine}", """{"quantity":1,"note":"blue"}""");
        Assert.Equal(200, changed.Status);
        Assert.Equal((1299L, 0L, 0L, 1299L), changed.Data.Line("Cup").LineAmounts());
        Assert.Equal("blue", changed.Data.Line("Cup").Str("note"));
        Assert.Equal(350 + 1299 + 500, changed.Data.Net("total"));

        var removed = await api.Delete($"{path}/line-items/{cupLine}");
        Assert.Equal(200, removed.Status);
        Assert.Equal(["Saucer", "Spoon"], removed.Data.Arr("line_items").Select(l => l!.Str("name")));
        Assert.Equal(850, removed.Data.Net("total"));
        Assert.Equal(5, removed.Data.Version());
        Assert.Equal(removed.Data.ToJsonString(), (await api.GetOrder(o.Str("order_id"))).ToJsonString());
    }

    [Fact]
    public async Task Line_item_changes_are_validated_and_refused_for_unknown_lines()
    {
        var api = await Shop();
        var cup = await api.CreateProduct("Cup", 1299);
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350));
        var path = $"/v1/orders/{o.Str("order_id")}";
        var line = o.Line("Saucer").Str("line_item_id");

        (await api.Post($"{path}/line-items", VariantLine(cup.VariantId, 0))).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await api.Post($"{path}/line-items", AdHoc("Yen", 100, currency: "JPY"))).AssertError(400, "CURRENCY_MISMATCH");
        (await api.Post($"{path}/line-items", VariantLine(CatalogData.UnknownId("var")))).AssertError(400, "INVALID_VARIANT", "variant_id");
        (await api.Post($"{path}/line-items", $$"""{"variant_id":"{{cup.VariantId}}","bundle_id":"{{CatalogData.UnknownId("bun")}}","quantity":1}"""))
            .AssertError(400, "INVALID_LINE_ITEM");
        (await api.Patch($"{path}/line-items/{line}", "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await api.Patch($"{path}/line-items/{line}", """{"quantity":0}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await api.Patch($"{path}/line-items/{line}", """{"unit_price_money":{"amount":1,"currency":"USD"}}""")).AssertError(400, "UNKNOWN_FIELD");
        (await api.Patch($"{path}/line-items/{CatalogData.UnknownId("li")}", """{"quantity":2}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Delete($"{path}/line-items/{CatalogData.UnknownId("li")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Delete($"{path}/line-items/nope")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await api.Post($"/v1/orders/{CatalogData.UnknownId("ord")}/line-items", AdHoc("x", 1))).AssertError(404, "RESOURCE_NOT_FOUND");

        var after = await api.GetOrder(o.Str("order_id"));
        Assert.Equal(1, after.Version());
        Assert.Equal(350, after.Net("total"));
    }

    // ---------- cancel ----------

    [Fact]
    public async Task A_canceled_order_refuses_line_coupon_and_discount_changes_and_a_second_cancel()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"TEN","discount_type":"percentage","percent_off":"10"}""");
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350), AdHoc("Plate", 900));
        var path = $"/v1/orders/{o.Str("order_id")}";
        var line = o.Line("Saucer").Str("line_item_id");
        var discount = await api.Post($"{path}/discounts", """{"name":"Staff","percentage":"5"}""");
        var discountId = discount.Data.Arr("applied_discounts")[0]!.Str("discount_id");

        var canceled = await api.Post($"{path}/cancel");
        Assert.Equal(200, canceled.Status);
        Assert.Equal(("canceled", 3L), (canceled.Data.Str("status"), canceled.Data.Version()));
        Assert.Equal((1250L, 62L, 0L, 1188L, 1188L), canceled.Data.Amounts());

        (await api.Post($"{path}/cancel")).AssertError(409, "INVALID_STATE_TRANSITION");
        (await api.Post($"{path}/line-items", AdHoc("x", 1))).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Patch($"{path}/line-items/{line}", """{"quantity":2}""")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Delete($"{path}/line-items/{line}")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Post($"{path}/apply-coupon", """{"coupon_code":"TEN"}""")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Delete($"{path}/coupons/TEN")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Post($"{path}/discounts", """{"name":"More","percentage":"5"}""")).AssertError(409, "ORDER_NOT_EDITABLE");
        (await api.Delete($"{path}/discounts/{discountId}")).AssertError(409, "ORDER_NOT_EDITABLE");
        var error = await api.Post($"{path}/cancel");
        Assert.Equal("conflict", error.Body!["error"]!.Str("type"));

        Assert.Equal(canceled.Data.ToJsonString(), (await api.GetOrder(o.Str("order_id"))).ToJsonString());
        (await api.Post($"/v1/orders/{CatalogData.UnknownId("ord")}/cancel")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Cancel_accepts_the_current_version_and_refuses_a_stale_one()
    {
        var api = await Shop();
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350));
        var path = $"/v1/orders/{o.Str("order_id")}";
        Assert.Equal(200, (await api.Patch(path, """{"metadata":{"a":"b"}}""")).Status);

        (await api.Post($"{path}/cancel", """{"version":1}""")).AssertError(409, "VERSION_MISMATCH", "version");
        Assert.Equal("open", (await api.GetOrder(o.Str("order_id"))).Str("status"));

        var r = await api.Post($"{path}/cancel", """{"version":2}""");
        Assert.Equal(200, r.Status);
        Assert.Equal("canceled", r.Data.Str("status"));
    }

    // ---------- calculate ----------

    [Fact]
    public async Task Calculate_prices_an_order_body_without_saving_anything()
    {
        var api = await Shop();
        await api.CreateTaxRate("""{"name":"Sales","percentage":"8.25","jurisdiction":{"country":"US"}}""");
        var cup = await api.CreateProduct("Cup", 1299);

        var r = await api.Post("/v1/orders/calculate", $$"""
            {"line_items":[{{VariantLine(cup.VariantId, 3)}},{{AdHoc("Wrap", 250)}}],"tax_location":{"country":"US"} }
            """);

        Assert.Equal(200, r.Status);
        Assert.Null(r.Data["order_id"]);
        Assert.Equal(("open", "USD"), (r.Data.Str("status"), r.Data.Str("currency")));
        // 38.97 + 2.50 = 41.47; 8.25 % = 3.421275 → 3.42
        Assert.Equal((4147L, 0L, 342L, 4489L, 4489L), r.Data.Amounts());
        Assert.Equal((3897L, 0L, 321L, 4218L), r.Data.Line("Cup").LineAmounts());
        Assert.Equal((250L, 0L, 21L, 271L), r.Data.Line("Wrap").LineAmounts());

        (await api.Post("/v1/orders/calculate", $$"""{"line_items":[{{VariantLine(cup.VariantId, 0)}}]}""")).AssertError(400, "VALUE_OUT_OF_RANGE");
        (await api.Post("/v1/orders/calculate", "{}")).AssertError(400, "MISSING_REQUIRED_FIELD", "currency");

        Assert.Empty((await api.Get("/v1/orders")).Data.AsArray());
        Assert.Empty((await api.Get("/v1/events?type=order.created")).Data.AsArray());
    }

    // ---------- versions ----------

    [Fact]
    public async Task A_stale_version_in_the_body_or_the_query_is_409_VERSION_MISMATCH_and_changes_nothing()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"FIVE","discount_type":"percentage","percent_off":"5"}""");
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350), AdHoc("Plate", 900));
        var id = o.Str("order_id");
        var path = $"/v1/orders/{id}";
        var line = o.Line("Saucer").Str("line_item_id");
        var withDiscount = await api.Post($"{path}/discounts", """{"name":"Staff","amount_money":{"amount":100,"currency":"USD"},"version":1}""");
        Assert.Equal(201, withDiscount.Status);
        var discountId = withDiscount.Data.Arr("applied_discounts")[0]!.Str("discount_id");
        var coupon = await api.Post($"{path}/apply-coupon", """{"coupon_code":"FIVE","version":2}""");
        Assert.Equal(200, coupon.Status);
        var before = coupon.Data;
        Assert.Equal(3, before.Version());

        (await api.Patch(path, """{"metadata":{"a":"b"},"version":2}""")).AssertError(409, "VERSION_MISMATCH", "version");
        (await api.Post($"{path}/line-items", $$"""{"name":"x","unit_price_money":{"amount":1,"currency":"USD"},"quantity":1,"version":2}"""))
            .AssertError(409, "VERSION_MISMATCH", "version");
        (await api.Patch($"{path}/line-items/{line}", """{"quantity":3,"version":2}""")).AssertError(409, "VERSION_MISMATCH", "version");
        (await api.Post($"{path}/discounts", """{"name":"x","percentage":"5","version":2}""")).AssertError(409, "VERSION_MISMATCH");
        (await api.Post($"{path}/apply-coupon", """{"coupon_code":"FIVE","version":2}""")).AssertError(409, "VERSION_MISMATCH");
        (await api.Delete($"{path}/line-items/{line}?version=2")).AssertError(409, "VERSION_MISMATCH", "version");
        (await api.Delete($"{path}/discounts/{discountId}?version=2")).AssertError(409, "VERSION_MISMATCH");
        (await api.Delete($"{path}/coupons/FIVE?version=2")).AssertError(409, "VERSION_MISMATCH");
        (await api.Post($"{path}/cancel", """{"version":4}""")).AssertError(409, "VERSION_MISMATCH");
        (await api.Delete($"{path}/line-items/{line}?version=two")).AssertError(400, "INVALID_FIELD_TYPE", "version");

        Assert.Equal(before.ToJsonString(), (await api.GetOrder(id)).ToJsonString());

        // The current version goes through, and each change moves it on by one.
        var removed = await api.Delete($"{path}/coupons/FIVE?version=3");
        Assert.Equal((200, 4L), (removed.Status, removed.Data.Version()));
        var deleted = await api.Delete($"{path}/line-items/{line}?version=4");
        Assert.Equal((200, 5L), (deleted.Status, deleted.Data.Version()));
        var noDiscount = await api.Delete($"{path}/discounts/{discountId}?version=5");
        Assert.Equal((200, 6L), (noDiscount.Status, noDiscount.Data.Version()));
        Assert.Equal(900, noDiscount.Data.Net("total"));
    }

    // ---------- tenancy ----------

    [Fact]
    public async Task Another_merchants_key_or_the_live_key_cannot_see_or_change_the_order()
    {
        // Shop A's test key owns the order; shop B's key and shop A's live key are strangers to it.
        var (test, live) = (f.A, f.ALive);
        var o = await test.CreateOrderWith("", AdHoc("Saucer", 350));
        var discount = await test.Post($"/v1/orders/{o.Str("order_id")}/discounts", """{"name":"Staff","percentage":"10"}""");
        Assert.Equal(201, discount.Status);
        var discountId = discount.Data.Arr("applied_discounts")[0]!.Str("discount_id");
        o = discount.Data;
        var id = o.Str("order_id");
        var line = o.Line("Saucer").Str("line_item_id");

        foreach (var other in new[] { f.B, live })
        {
            (await other.Get($"/v1/orders/{id}")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Patch($"/v1/orders/{id}", """{"metadata":{"x":"y"}}""")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Post($"/v1/orders/{id}/line-items", AdHoc("x", 1))).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Patch($"/v1/orders/{id}/line-items/{line}", """{"quantity":5}""")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Delete($"/v1/orders/{id}/line-items/{line}")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Post($"/v1/orders/{id}/discounts", """{"name":"x","percentage":"50"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Delete($"/v1/orders/{id}/discounts/{discountId}")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Delete($"/v1/orders/{id}/coupons/ANY")).AssertError(404, "RESOURCE_NOT_FOUND");
            (await other.Post($"/v1/orders/{id}/cancel")).AssertError(404, "RESOURCE_NOT_FOUND");
            Assert.DoesNotContain(id, (await other.Get("/v1/orders")).Ids("order_id"));
        }

        var theirCode = CatalogData.Unique("B");
        await f.B.CreateCoupon($$"""{"code":"{{theirCode}}","discount_type":"percentage","percent_off":"50"}""");
        (await f.B.Post($"/v1/orders/{id}/apply-coupon", $$"""{"coupon_code":"{{theirCode}}"}""")).AssertError(404, "RESOURCE_NOT_FOUND");

        var after = await test.GetOrder(id);
        Assert.Equal(("open", 2L, 315L), (after.Str("status"), after.Version(), after.Net("total")));
        Assert.Equal(o.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task Another_merchants_catalog_items_and_customers_cannot_be_put_on_an_order()
    {
        var (other, _, _) = await f.NewMerchant(CatalogData.Unique("Other"));
        var theirCup = await other.CreateProduct("Their cup", 500);
        var theirCustomer = await other.CreateCustomer();
        var api = await Shop();

        (await api.Post("/v1/orders", $$"""{"line_items":[{{VariantLine(theirCup.VariantId)}}]}""")).AssertError(400, "INVALID_VARIANT");
        (await api.Post("/v1/orders", $$"""{"currency":"USD","customer_id":"{{theirCustomer}}"}""")).AssertError(400, "INVALID_CUSTOMER");
        Assert.Empty((await api.Get("/v1/orders")).Data.AsArray());
    }

    // ---------- idempotency ----------

    [Fact]
    public async Task Creating_an_order_twice_with_one_idempotency_key_replays_the_first_response_and_creates_one_order()
    {
        var api = await Shop();
        var key = NewKey();
        var body = $$"""{"currency":"USD","line_items":[{{AdHoc("Saucer", 350, 2)}}]}""";

        var first = await api.Post("/v1/orders", body, key);
        var second = await api.Post("/v1/orders", body, key);

        Assert.Equal(201, first.Status);
        Assert.Null(first.Header("Idempotent-Replayed"));
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal([first.Data.Str("order_id")], (await api.Get("/v1/orders")).Ids("order_id"));
        Assert.Single((await api.Get("/v1/events?type=order.created")).Data.AsArray());
        (await api.Post("/v1/orders", """{"currency":"EUR"}""", key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task Applying_a_coupon_twice_with_one_idempotency_key_replays_the_first_response_and_applies_it_once()
    {
        var api = await Shop();
        await api.CreateCoupon("""{"code":"SAVE15","discount_type":"percentage","percent_off":"15"}""");
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 1999, 2));
        var path = $"/v1/orders/{o.Str("order_id")}/apply-coupon";
        var key = NewKey();

        var first = await api.Post(path, """{"coupon_code":"save15"}""", key);
        var second = await api.Post(path, """{"coupon_code":"save15"}""", key);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        // 15 % of 39.98 = 5.997 → 6.00
        Assert.Equal((3998L, 600L, 0L, 3398L, 3398L), first.Data.Amounts());
        var now = await api.GetOrder(o.Str("order_id"));
        Assert.Equal(2, now.Version());
        Assert.Equal(["SAVE15"], now.Arr("coupon_codes").Strings());
        Assert.Single(now.Arr("applied_discounts"));
        Assert.Single((await api.Get("/v1/orders")).Data.AsArray());
    }

    // ---------- events ----------

    [Fact]
    public async Task Creating_updating_and_canceling_an_order_record_events_with_the_order_summary()
    {
        var api = await Shop();
        var o = await api.CreateOrderWith("", AdHoc("Saucer", 350));
        var id = o.Str("order_id");
        var added = await api.Post($"/v1/orders/{id}/line-items", AdHoc("Plate", 900));
        Assert.Equal(201, added.Status);
        Assert.Equal(200, (await api.Patch($"/v1/orders/{id}", """{"metadata":{"a":"b"}}""")).Status);
        Assert.Equal(200, (await api.Post($"/v1/orders/{id}/cancel")).Status);

        var events = (await api.Get("/v1/events")).Data.AsArray();
        Assert.Equal(["order.canceled", "order.updated", "order.updated", "order.created"], events.Select(e => e!.Str("type")));
        // An order's events carry where the order stands, not its lines (README, "API conventions as built").
        var summaries = events.Select(e => e!["data"]!["object"]!).ToList();
        Assert.All(summaries, s => Assert.Equal(("order", id, "USD"), (s.Str("object"), s.Str("order_id"), s.Str("currency"))));
        Assert.All(summaries, s => Assert.Null(s["line_items"]));
        Assert.Equal([4L, 3L, 2L, 1L], summaries.Select(s => s.Version()));
        Assert.Equal(("canceled", 1250L), (summaries[0].Str("status"), summaries[0].Net("total")));
        Assert.Equal((2L, 1250L), (summaries[1]["line_item_count"]!.GetValue<long>(), summaries[1].Net("total")));
        Assert.Equal((2L, 1250L), (summaries[2]["line_item_count"]!.GetValue<long>(), summaries[2].Net("total")));
        Assert.Equal(("open", 1L, 350L), (summaries[3].Str("status"), summaries[3]["line_item_count"]!.GetValue<long>(), summaries[3].Net("total")));
        // The whole order, at the version of the last event, is one read away.
        var order = (await api.Get($"/v1/orders/{id}")).Data;
        Assert.Equal((4L, "b"), (order.Version(), order["metadata"]!.Str("a")));
        Assert.Equal(added.Data.Line("Plate").Str("line_item_id"), order.Line("Plate").Str("line_item_id"));
        Assert.Single((await api.Get("/v1/events?type=order.canceled")).Data.AsArray());
    }

    // ---------- more edges ----------

    [Fact]
    public async Task Amounts_too_large_to_represent_are_400_AMOUNT_OVERFLOW_and_nothing_is_saved()
    {
        var api = await Shop();
        const long max = 99_999_999_999_99;
        var o = await api.CreateOrderWith("", AdHoc("Tea", 400));
        var id = o.Str("order_id");

        (await api.Post("/v1/orders", $$"""{"currency":"USD","line_items":[{{AdHoc("Yacht", max, 1_000_000)}}]}""")).AssertError(400, "AMOUNT_OVERFLOW");
        (await api.Post("/v1/orders/calculate", $$"""{"currency":"USD","line_items":[{{AdHoc("Yacht", max, 1_000_000)}}]}""")).AssertError(400, "AMOUNT_OVERFLOW");
        (await api.Post($"/v1/orders/{id}/line-items", AdHoc("Yacht", max, 1_000_000))).AssertError(400, "AMOUNT_OVERFLOW");
        (await api.Post($"/v1/orders/{id}/line-items", AdHoc("Yacht", max + 1))).AssertError(400, "AMOUNT_TOO_LARGE");
        (await api.Post($"/v1/orders/{id}/line-items", AdHoc("Refund", -100))).AssertError(400, "INVALID_AMOUNT");
        (await api.Post($"/v1/orders/{id}/line-items", AdHoc("Tea", 400, 1_000_001))).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        (await api.Post($"/v1/orders/{id}/line-items", """{"name":"Tea","unit_price_money":{"amount":400,"currency":"USD"},"quantity":1.5}""")).AssertError(400, "INVALID_FIELD_TYPE");

        Assert.Equal(o.ToJsonString(), (await api.GetOrder(id)).ToJsonString());
        Assert.Equal([id], (await api.Get("/v1/orders")).Ids("order_id"));
    }

    [Fact]
    public async Task Thirty_concurrent_line_additions_over_http_give_thirty_lines_and_exact_totals()
    {
        var api = await Shop();
        var o = await api.CreateOrder("""{"currency":"USD"}""");
        var id = o.Str("order_id");

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => api.Post($"/v1/orders/{id}/line-items", AdHoc($"Item {i}", 100 + i, 1 + i % 3))));

        Assert.All(results, r => Assert.Equal(201, r.Status));
        Assert.Equal(Enumerable.Range(2, 30).Select(v => (long)v), results.Select(r => r.Data.Version()).Order());
        var after = await api.GetOrder(id);
        Assert.Equal(30, after.Arr("line_items").Count);
        var subtotal = Enumerable.Range(0, 30).Sum(i => (100L + i) * (1 + i % 3));
        Assert.Equal((subtotal, 0L, 0L, subtotal, subtotal), after.Amounts());
        Assert.Equal(31, after.Version());
        Assert.Equal(30, (await api.Get("/v1/events?type=order.updated&page_size=100")).Data.AsArray().Count);
    }

    [Fact]
    public async Task Walking_the_pages_while_orders_are_being_created_never_skips_or_repeats_one_that_existed()
    {
        var api = await Shop();
        var existing = new List<string>();
        for (var i = 0; i < 5; i++) existing.Add((await api.CreateOrder("""{"currency":"USD"}""")).Str("order_id"));

        var seen = new List<string>();
        string? token = null;
        do
        {
            var r = await api.Get(token is null ? "/v1/orders?page_size=2" : $"/v1/orders?page_size=2&page_token={Uri.EscapeDataString(token)}");
            Assert.Equal(200, r.Status);
            seen.AddRange(r.Ids("order_id"));
            token = r.Body!["next_page_token"]?.GetValue<string>();
            await api.CreateOrder("""{"currency":"USD"}""");
        } while (token is not null);

        Assert.Equal(Enumerable.Reverse(existing), seen);
    }

    [Fact]
    public async Task An_inactive_bundle_and_a_deleted_customer_cannot_be_put_on_an_order()
    {
        var api = await Shop();
        var lamp = await api.CreateSimple("Lamp", quantity: 5);
        var bundle = await api.CreateBundle(null, (lamp.VariantId, 2));
        var bundleId = bundle.Str("bundle_id");
        Assert.Equal(200, (await api.Patch($"/v1/bundles/{bundleId}", """{"status":"inactive"}""")).Status);
        var customer = await api.CreateCustomer();
        Assert.Equal(200, (await api.Delete($"/v1/customers/{customer}")).Status);
        var o = await api.CreateOrder("""{"currency":"USD"}""");

        (await api.Post("/v1/orders", $$"""{"line_items":[{"bundle_id":"{{bundleId}}","quantity":1}]}""")).AssertError(409, "ITEM_NOT_SELLABLE");
        (await api.Post($"/v1/orders/{o.Str("order_id")}/line-items", $$"""{"bundle_id":"{{bundleId}}","quantity":1}""")).AssertError(409, "ITEM_NOT_SELLABLE");
        (await api.Post("/v1/orders", $$"""{"currency":"USD","customer_id":"{{customer}}"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await api.Patch($"/v1/orders/{o.Str("order_id")}", $$"""{"customer_id":"{{customer}}"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        Assert.Equal(1, (await api.GetOrder(o.Str("order_id"))).Version());
    }
}
