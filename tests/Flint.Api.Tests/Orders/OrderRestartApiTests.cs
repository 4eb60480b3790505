using Flint.Api.Tests.Infrastructure;
using static Flint.Api.Tests.Orders.OrderData;

namespace Flint.Api.Tests.Orders;

/// <summary>An order's state (lines with modifiers, coupons, manual discounts, frozen tax rates, version) as
/// PostgreSQL stores it: a new host on the same database reads back exactly what the first one answered.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderRestartApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_new_host_on_the_same_database_reads_back_every_order_exactly_and_keeps_working_on_it()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        string key, openId, canceledId, openJson, canceledJson, replay;
        await using (var host = await FlintTestHost.StartAsync(db))
        {
            var admin = new ApiClient(host.Client, FlintTestHost.AdminToken);
            key = (await admin.Post("/v1/merchants", """{"name":"Durable orders"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
            var api = new ApiClient(host.Client, key);
            var set = await api.Post("/v1/modifier-sets", """
                {"name":"Milk","min_selections":1,"max_selections":1,"options":[{"name":"Oat","price_adjustment_money":{"amount":60,"currency":"USD"} }]}
                """);
            Assert.Equal(201, set.Status);
            var oat = set.Data.Arr("options")[0]!.Str("modifier_option_id");
            var latte = await api.Post("/v1/products", $$"""
                {"name":"Latte","modifier_set_ids":["{{set.Data.Str("modifier_set_id")}}"],"default_variant":{"unit_price_money":{"amount":450,"currency":"USD"},"sku":"LATTE"} }
                """);
            Assert.Equal(201, latte.Status);
            var rate = await api.CreateTaxRate("""{"name":"Sales","percentage":"8.875","jurisdiction":{"country":"US","region":"NY"}}""");
            await api.CreateCoupon("""{"code":"MORNING","discount_type":"percentage","percent_off":"10","stackable":true}""");

            var created = await api.CreateOrder($$"""
                {"currency":"USD","source":"pos","tax_location":{"country":"US","region":"NY","postal_code":"10001"},
                 "line_items":[{"variant_id":"{{latte.Data.Str("default_variant_id")}}","quantity":3,"modifiers":[{"modifier_option_id":"{{oat}}"}]},
                               {{AdHoc("Croissant", 375, 2)}}],"metadata":{"till":"1"} }
                """);
            openId = created.Str("order_id");
            var croissant = created.Line("Croissant").Str("line_item_id");
            Assert.Equal(200, (await api.Post($"/v1/orders/{openId}/apply-coupon", """{"coupon_code":"morning"}""")).Status);
            Assert.Equal(201, (await api.Post($"/v1/orders/{openId}/discounts", $$"""
                {"name":"Day-old","amount_money":{"amount":100,"currency":"USD"},"line_item_ids":["{{croissant}}"]}
                """)).Status);
            var open = await api.GetOrder(openId);
            // Latte 3 × 5.10 = 15.30, croissants 7.50; 10 % = 2.28 (1.53 / 0.75); 1.00 off the croissants;
            // taxable 19.52 × 8.875 % = 1.7324 → 1.73.
            Assert.Equal((2280L, 328L, 173L, 2125L, 2125L), open.Amounts());
            Assert.Equal(173, open.AppliedTax(rate));
            openJson = open.ToJsonString();

            var other = await api.CreateOrderWith("\"tax_location\":{\"country\":\"US\",\"region\":\"NY\"}", AdHoc("Mug", 1200));
            canceledId = other.Str("order_id");
            var cancel = await api.Post($"/v1/orders/{canceledId}/cancel", null, idempotencyKey: "cancel-once");
            Assert.Equal(200, cancel.Status);
            replay = cancel.Raw;
            canceledJson = (await api.GetOrder(canceledId)).ToJsonString();
            Assert.Equal(200, (await api.Patch($"/v1/tax-rates/{rate}", """{"percentage":"10"}""")).Status);
        }

        await using (var host = await FlintTestHost.StartAsync(db))
        {
            var api = new ApiClient(host.Client, key);

            Assert.Equal(openJson, (await api.GetOrder(openId)).ToJsonString());
            Assert.Equal(canceledJson, (await api.GetOrder(canceledId)).ToJsonString());
            var again = await api.Post($"/v1/orders/{canceledId}/cancel", null, idempotencyKey: "cancel-once");
            Assert.Equal(("true", replay), (again.Header("Idempotent-Replayed"), again.Raw));
            (await api.Post($"/v1/orders/{canceledId}/cancel")).AssertError(409, "INVALID_STATE_TRANSITION");

            // The open order picks up the changed rate with its next change, its version moving on from 3.
            var touched = await api.Patch($"/v1/orders/{openId}", """{"metadata":{"till":"2"},"version":3}""");
            Assert.Equal(200, touched.Status);
            Assert.Equal(4, touched.Data.Version());
            Assert.Equal((2280L, 328L, 195L, 2147L, 2147L), touched.Data.Amounts());
            Assert.Equal(["MORNING"], touched.Data.Arr("coupon_codes").Strings());
            var list = await api.Get("/v1/orders?status=open");
            Assert.Equal([openId], list.Ids("order_id"));
        }
    }
}
