using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Lifecycle;

/// <summary>Durability and clustering: what a process restart or a second process must not change.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostLifecycleTests(ApiFixture f)
{
    [Fact]
    public async Task A_new_host_on_the_same_database_finds_objects_history_and_idempotency_records()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        string key, productId, variantId, bundleId, firstReplayBody;
        await using (var host = await FlintTestHost.StartAsync(db))
        {
            var admin = new ApiClient(host.Client, FlintTestHost.AdminToken);
            key = (await admin.Post("/v1/merchants", """{"name":"Durable"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
            var api = new ApiClient(host.Client, key);
            var p = await api.Post("/v1/products", """
                {"name":"Lamp","default_variant":{"unit_price_money":{"amount":4200,"currency":"EUR"},"sku":"LAMP-1","initial_quantity_available":5,"enforce_inventory_limit":true}}
                """);
            Assert.Equal(201, p.Status);
            productId = p.Data["product_id"]!.GetValue<string>();
            variantId = p.Data["default_variant_id"]!.GetValue<string>();
            var adj = await api.Post($"/v1/products/{productId}/variants/{variantId}/inventory-adjustments",
                """{"quantity_delta":-2,"change_reason":"damage","note":"cracked"}""", idempotencyKey: "restart-adj-1");
            Assert.Equal(201, adj.Status);
            firstReplayBody = adj.Raw;
            var b = await api.Post("/v1/bundles", $$"""
                {"name":"Two lamps","sku":"LAMP-PAIR","unit_price_money":{"amount":8000,"currency":"EUR"},"components":[{"variant_id":"{{variantId}}","quantity":2}]}
                """);
            Assert.Equal(201, b.Status);
            bundleId = b.Data["bundle_id"]!.GetValue<string>();
            Assert.Equal(1, b.Data["quantity_available"]!.GetValue<long>());
        }

        await using (var host = await FlintTestHost.StartAsync(db))
        {
            var api = new ApiClient(host.Client, key);
            var p = await api.Get($"/v1/products/{productId}");
            Assert.Equal(200, p.Status);
            Assert.Equal("Lamp", p.Data["name"]!.GetValue<string>());
            Assert.Equal(3, p.Data["default_variant"]!["quantity_available"]!.GetValue<long>());

            var history = await api.Get($"/v1/products/{productId}/variants/{variantId}/inventory-history");
            Assert.Equal(200, history.Status);
            var entries = history.Data.AsArray();
            Assert.Equal(2, entries.Count);
            Assert.Equal("damage", entries[0]!["change_reason"]!.GetValue<string>());
            Assert.Equal(5, entries[0]!["quantity_before"]!.GetValue<long>());
            Assert.Equal(3, entries[0]!["quantity_after"]!.GetValue<long>());
            Assert.Equal("cracked", entries[0]!["note"]!.GetValue<string>());

            var replay = await api.Post($"/v1/products/{productId}/variants/{variantId}/inventory-adjustments",
                """{"quantity_delta":-2,"change_reason":"damage","note":"cracked"}""", idempotencyKey: "restart-adj-1");
            Assert.Equal(201, replay.Status);
            Assert.Equal("true", replay.Header("Idempotent-Replayed"));
            Assert.Equal(firstReplayBody, replay.Raw);
            Assert.Equal(3, (await api.Get($"/v1/products/{productId}")).Data["default_variant"]!["quantity_available"]!.GetValue<long>());

            var bundle = await api.Get($"/v1/bundles/{bundleId}");
            Assert.Equal(1, bundle.Data["quantity_available"]!.GetValue<long>());
            var bySku = await api.Get("/v1/catalog/by-sku/LAMP-PAIR");
            Assert.Equal(bundleId, bySku.Data["bundle_id"]!.GetValue<string>());
            var list = await api.Get("/v1/products?query=lamp");
            Assert.Single(list.Data.AsArray());
            var events = await api.Get("/v1/events?type=product.created");
            Assert.Single(events.Data.AsArray());
        }
    }

    [Fact]
    public async Task Two_hosts_on_one_database_form_one_cluster_and_serve_the_same_objects()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var first = await FlintTestHost.StartAsync(db, clusterId: "pair");
        await using var second = await FlintTestHost.StartAsync(db, clusterId: "pair");

        await using (var conn = new NpgsqlConnection(db))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = 'pair' AND status = 3", conn);
            Assert.Equal(2L, (long)(await cmd.ExecuteScalarAsync())!);
        }

        var admin = new ApiClient(first.Client, FlintTestHost.AdminToken);
        var key = (await admin.Post("/v1/merchants", """{"name":"Pair"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
        var viaFirst = new ApiClient(first.Client, key);
        var viaSecond = new ApiClient(second.Client, key);
        var p = await viaFirst.Post("/v1/products", """
            {"name":"Kettle","default_variant":{"unit_price_money":{"amount":3000,"currency":"USD"},"initial_quantity_available":40,"enforce_inventory_limit":true}}
            """);
        var productId = p.Data["product_id"]!.GetValue<string>();
        var variantId = p.Data["default_variant_id"]!.GetValue<string>();

        // Both hosts hammer the same variant: one grain activation in the cluster serializes them all.
        var adjust = $"/v1/products/{productId}/variants/{variantId}/inventory-adjustments";
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            (i % 2 == 0 ? viaFirst : viaSecond).Post(adjust, """{"quantity_delta":-1,"change_reason":"manual_adjustment"}""")));
        Assert.Equal(40, results.Count(r => r.Status == 201));
        Assert.Equal(20, results.Count(r => r.Status == 409 && r.ErrorCode == "INSUFFICIENT_INVENTORY"));

        var fromSecond = await viaSecond.Get($"/v1/products/{productId}");
        Assert.Equal(0, fromSecond.Data["default_variant"]!["quantity_available"]!.GetValue<long>());
        var patched = await viaSecond.Patch($"/v1/products/{productId}", """{"name":"Kettle 2"}""");
        Assert.Equal(200, patched.Status);
        Assert.Equal("Kettle 2", (await viaFirst.Get($"/v1/products/{productId}")).Data["name"]!.GetValue<string>());
    }
}

[Collection(ApiCollection.Name)]
public sealed class OperationsEndpointTests(ApiFixture f)
{
    [Fact]
    public async Task The_dashboard_opens_with_the_admin_token_and_is_refused_without_it()
    {
        var without = await f.Anonymous.Get("/dashboard/");
        Assert.Equal(401, without.Status);
        Assert.Equal("UNAUTHENTICATED", without.ErrorCode);
        var withKey = await f.A.Get("/dashboard/");
        Assert.Equal(401, withKey.Status);
        var with = await f.Admin.Get("/dashboard/");
        Assert.Equal(200, with.Status);
        Assert.Contains("<html", with.Raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_docs_and_openapi_are_served()
    {
        Assert.Equal(200, (await f.Anonymous.Get("/health/live")).Status);
        Assert.Equal(200, (await f.Anonymous.Get("/health/ready")).Status);
        Assert.Equal(200, (await f.Anonymous.Get("/docs")).Status);
        var openApi = await f.Anonymous.Get("/openapi/v1.json");
        Assert.Equal(200, openApi.Status);
        var paths = openApi.Body!["paths"]!.AsObject();
        Assert.Contains("/v1/products", paths.Select(p => p.Key));
        var create = paths["/v1/products"]!["post"]!;
        Assert.NotNull(create["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(create["responses"]!["201"]!["content"]!["application/json"]!["schema"]);
    }
}
