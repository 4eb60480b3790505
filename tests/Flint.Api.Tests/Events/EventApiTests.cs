using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Events;

/// <summary>GET /v1/events: every state change recorded with its snapshot, newest first. Each test uses a merchant
/// of its own so it sees exactly the events it caused.</summary>
[Collection(ApiCollection.Name)]
public sealed class EventApiTests(ApiFixture f)
{
    private async Task<(ApiClient Api, CreatedProduct Product, string BundleId)> ShopWithHistory()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Events"));
        var product = await api.CreateSimple("Lamp", sku: "LAMP", quantity: 5);
        Assert.Equal(201, (await api.Adjust(product, -2, reason: "damage")).Status);
        var bundle = await api.CreateBundle("LAMP-PAIR", (product.VariantId, 2));
        return (api, product, bundle.Str("bundle_id"));
    }

    [Fact]
    public async Task Creating_and_adjusting_records_events_with_snapshots_newest_first()
    {
        var (api, product, bundleId) = await ShopWithHistory();
        var r = await api.Get("/v1/events");
        Assert.Equal(200, r.Status);
        var events = r.Data.AsArray();
        // The product is written first; its variant's initial stock is received right after.
        Assert.Equal(["bundle.created", "inventory.adjusted", "inventory.adjusted", "product.created"], events.Select(e => e!.Str("type")));
        Assert.All(events, e => Assert.StartsWith("evt_", e!.Str("id")));
        Assert.All(events, e => Assert.EndsWith("Z", e!.Str("created_at")));
        var times = events.Select(e => e!.Str("created_at")).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);

        var bundle = events[0]!["data"]!["object"]!;
        Assert.Equal(bundleId, bundle.Str("bundle_id"));
        Assert.Equal("LAMP-PAIR", bundle.Str("sku"));

        var adjusted = events[1]!["data"]!["object"]!;
        Assert.Equal(-2, adjusted["change"]!.Long("quantity_delta"));
        Assert.Equal(5, adjusted["change"]!.Long("quantity_before"));
        Assert.Equal(3, adjusted["stock"]!.Long("quantity_available"));
        Assert.Equal(product.VariantId, adjusted["stock"]!.Str("variant_id"));

        var created = events[3]!["data"]!["object"]!;
        Assert.Equal(product.Id, created.Str("product_id"));
        Assert.Equal("Lamp", created.Str("name"));
        Assert.Equal(product.VariantId, created.Str("default_variant_id"));

        var initial = events[2]!["data"]!["object"]!;
        Assert.Equal(5, initial["change"]!.Long("quantity_delta"));
        Assert.Equal("received_stock", initial["change"]!.Str("change_reason"));
    }

    [Fact]
    public async Task Events_can_be_filtered_by_type()
    {
        var (api, product, _) = await ShopWithHistory();
        var created = await api.Get("/v1/events?type=product.created");
        Assert.Equal(product.Id, Assert.Single(created.Data.AsArray())!["data"]!["object"]!.Str("product_id"));
        Assert.Equal(2, (await api.Get("/v1/events?type=inventory.adjusted")).Data.AsArray().Count);
        Assert.Empty((await api.Get("/v1/events?type=order.paid")).Data.AsArray());
    }

    [Fact]
    public async Task Updates_and_deletes_are_recorded_too()
    {
        var (api, product, bundleId) = await ShopWithHistory();
        Assert.Equal(200, (await api.Patch(product.Path, """{"name":"Lamp 2"}""")).Status);
        Assert.Equal(200, (await api.Put($"{product.Path}/categories", """{"categories":["lights"]}""")).Status);
        Assert.Equal(200, (await api.Delete($"/v1/bundles/{bundleId}")).Status);
        Assert.Equal(200, (await api.Delete(product.Path)).Status);

        var updates = (await api.Get("/v1/events?type=product.updated")).Data.AsArray();
        Assert.Equal(2, updates.Count);
        Assert.Equal(["lights"], updates[0]!["data"]!["object"]!.Arr("categories").Strings());
        Assert.Equal("Lamp 2", updates[1]!["data"]!["object"]!.Str("name"));
        Assert.Equal("deleted", Assert.Single((await api.Get("/v1/events?type=product.deleted")).Data.AsArray())!["data"]!["object"]!.Str("status"));
        Assert.Equal(bundleId, Assert.Single((await api.Get("/v1/events?type=bundle.deleted")).Data.AsArray())!["data"]!["object"]!.Str("bundle_id"));
    }

    [Fact]
    public async Task A_refused_change_records_no_event()
    {
        var (api, product, _) = await ShopWithHistory();
        static List<string> Describe(ApiResponse r) => r.Data.AsArray().Select(e => $"{e!.Str("type")} {e!.Str("id")}").ToList();
        var before = Describe(await api.Get("/v1/events?page_size=100"));
        (await api.Adjust(product, -100)).AssertError(409, "INSUFFICIENT_INVENTORY");
        (await api.Patch(product.Path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        // The refused product came with initial stock: no stock event may be recorded for it either.
        (await api.Post("/v1/products", CatalogData.SimpleProductJson("Dup", sku: "LAMP", quantity: 3))).AssertError(409, "SKU_ALREADY_EXISTS");
        Assert.Equal(before, Describe(await api.Get("/v1/events?page_size=100")));
    }

    [Fact]
    public async Task Events_are_paginated_without_repeats_or_gaps()
    {
        var (api, _, _) = await ShopWithHistory();
        var all = (await api.Get("/v1/events")).Ids("id");
        var pages = await api.WalkPages("/v1/events?page_size=1", "id");
        Assert.Equal(4, pages.Count);
        Assert.Equal(all, pages.SelectMany(p => p));
        var byThree = await api.WalkPages("/v1/events?page_size=3", "id");
        Assert.Equal([3, 1], byThree.Select(p => p.Count));

        var typed = await api.Get("/v1/events?type=inventory.adjusted&page_size=1");
        var token = Uri.EscapeDataString(typed.Body!.Str("next_page_token"));
        Assert.Single((await api.Get($"/v1/events?type=inventory.adjusted&page_size=1&page_token={token}")).Data.AsArray());
        (await api.Get($"/v1/events?page_size=1&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await api.Get("/v1/events?page_token=nope")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        (await api.Get("/v1/events?page_size=0")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
    }

    [Fact]
    public async Task Another_merchant_or_environment_sees_none_of_the_events()
    {
        var (api, product, _) = await ShopWithHistory();
        var mine = (await api.Get("/v1/events")).Ids("id");
        var theirs = await f.B.WalkPages("/v1/events?page_size=100", "id");
        Assert.Empty(theirs.SelectMany(p => p).Intersect(mine));
        Assert.DoesNotContain(product.Id, (await f.B.Get("/v1/events?type=product.created&page_size=100")).Raw);
        Assert.DoesNotContain(product.Id, (await f.ALive.Get("/v1/events?page_size=100")).Raw);
    }

    [Fact]
    public async Task A_new_merchants_live_environment_has_no_events()
    {
        var (test, live, _) = await f.NewMerchant(CatalogData.Unique("Quiet"));
        await test.CreateSimple(quantity: 1);
        Assert.Empty((await live.Get("/v1/events")).Data.AsArray());
        Assert.Equal(2, (await test.Get("/v1/events")).Data.AsArray().Count);
    }
}
