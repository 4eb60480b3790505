using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Inventory;

/// <summary>Stock adjustments and history of one variant, serialized by its inventory grain.</summary>
[Collection(ApiCollection.Name)]
public sealed class InventoryApiTests(ApiFixture f)
{
    [Fact]
    public async Task An_adjustment_returns_the_change_and_the_new_stock()
    {
        var p = await f.A.CreateSimple(quantity: 10);
        var r = await f.A.Adjust(p, -3, reason: "damage", note: "dropped a box");
        Assert.Equal(201, r.Status);
        var change = r.Data["change"]!;
        Assert.StartsWith("invc_", change.Str("inventory_change_id"));
        Assert.Equal(p.VariantId, change.Str("variant_id"));
        Assert.Equal(-3, change.Long("quantity_delta"));
        Assert.Equal("damage", change.Str("change_reason"));
        Assert.Equal(10, change.Long("quantity_before"));
        Assert.Equal(7, change.Long("quantity_after"));
        Assert.Equal("dropped a box", change.Str("note"));
        Assert.StartsWith("api_key:key_", change.Str("actor"));
        Assert.EndsWith("Z", change.Str("created_at"));
        var stock = r.Data["stock"]!;
        Assert.Equal(7, stock.Long("quantity_on_hand"));
        Assert.Equal(0, stock.Long("quantity_reserved"));
        Assert.Equal(7, stock.Long("quantity_available"));
        Assert.Equal(7, await f.A.Available(p));
        Assert.Equal(7, (await f.A.Get(p.Path)).Data["default_variant"]!.Long("quantity_available"));
    }

    [Theory]
    [InlineData("manual_adjustment")]
    [InlineData("order_fulfillment")]
    [InlineData("order_cancellation")]
    [InlineData("order_refund")]
    [InlineData("received_stock")]
    [InlineData("inventory_count")]
    [InlineData("damage")]
    [InlineData("theft")]
    [InlineData("loss")]
    public async Task Every_change_reason_is_accepted(string reason)
    {
        var p = await f.A.CreateSimple(quantity: 5);
        var r = await f.A.Adjust(p, -1, reason: reason);
        Assert.Equal(201, r.Status);
        Assert.Equal(reason, r.Data["change"]!.Str("change_reason"));
    }

    [Fact]
    public async Task Invalid_adjustments_are_400_naming_the_field_and_change_nothing()
    {
        var p = await f.A.CreateSimple(quantity: 5);
        var path = p.AdjustPath();
        (await f.A.Post(path, """{"quantity_delta":0,"change_reason":"damage"}""")).AssertError(400, "INVALID_QUANTITY_DELTA", "quantity_delta");
        (await f.A.Post(path, """{"change_reason":"damage"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "quantity_delta");
        (await f.A.Post(path, """{"quantity_delta":1}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "change_reason");
        (await f.A.Post(path, """{"quantity_delta":1,"change_reason":"gift"}""")).AssertError(400, "INVALID_ENUM_VALUE", "change_reason");
        (await f.A.Post(path, """{"quantity_delta":1,"change_reason":"Damage"}""")).AssertError(400, "INVALID_ENUM_VALUE", "change_reason");
        (await f.A.Post(path, """{"quantity_delta":"1","change_reason":"damage"}""")).AssertError(400, "INVALID_FIELD_TYPE", "quantity_delta");
        (await f.A.Post(path, """{"quantity_delta":1.5,"change_reason":"damage"}""")).AssertError(400, "INVALID_FIELD_TYPE", "quantity_delta");
        (await f.A.Post(path, """{"quantity_delta":2000000000,"change_reason":"received_stock"}""")).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity_delta");
        (await f.A.Post(path, $$"""{"quantity_delta":1,"change_reason":"damage","note":"{{new string('n', 501)}}"}""")).AssertError(400, "FIELD_TOO_LONG", "note");
        (await f.A.Post(path, """{"quantity_delta":1,"change_reason":"damage","reference":"ord_1"}""")).AssertError(400, "UNKNOWN_FIELD", "reference");
        (await f.A.Post(path, "")).AssertError(400, "INVALID_JSON");

        Assert.Equal(5, await f.A.Available(p));
        Assert.Single((await f.A.Get(p.HistoryPath())).Data.AsArray());
    }

    [Fact]
    public async Task Going_below_zero_with_the_limit_enforced_is_409_INSUFFICIENT_INVENTORY_and_stock_is_unchanged()
    {
        var p = await f.A.CreateSimple(quantity: 3, enforce: true);
        var r = await f.A.Adjust(p, -4);
        r.AssertError(409, "INSUFFICIENT_INVENTORY");
        Assert.Equal("conflict", r.Body!["error"]!.Str("type"));
        Assert.Equal(3, await f.A.Available(p));
        Assert.Single((await f.A.Get(p.HistoryPath())).Data.AsArray());
        Assert.Equal(201, (await f.A.Adjust(p, -3)).Status);
        Assert.Equal(0, await f.A.Available(p));
        (await f.A.Adjust(p, -1)).AssertError(409, "INSUFFICIENT_INVENTORY");
    }

    [Fact]
    public async Task Without_the_limit_stock_may_go_negative()
    {
        var p = await f.A.CreateSimple(quantity: 1, enforce: false);
        var r = await f.A.Adjust(p, -3, reason: "order_fulfillment");
        Assert.Equal(201, r.Status);
        Assert.Equal(-2, r.Data["stock"]!.Long("quantity_available"));
        Assert.Equal(-2, await f.A.Available(p));
    }

    [Fact]
    public async Task Turning_the_limit_on_later_refuses_further_decreases_but_allows_restocking()
    {
        var p = await f.A.CreateSimple(quantity: 1, enforce: false);
        Assert.Equal(201, (await f.A.Adjust(p, -2)).Status);
        Assert.Equal(200, (await f.A.Patch(p.VariantPath(), """{"enforce_inventory_limit":true}""")).Status);
        (await f.A.Adjust(p, -1)).AssertError(409, "INSUFFICIENT_INVENTORY");
        Assert.Equal(201, (await f.A.Adjust(p, 1, reason: "received_stock")).Status);
        Assert.Equal(0, await f.A.Available(p));
    }

    [Fact]
    public async Task History_lists_every_change_newest_first_with_quantities_before_and_after()
    {
        var p = await f.A.CreateSimple(quantity: 4);
        Assert.Equal(201, (await f.A.Adjust(p, 6, reason: "received_stock", note: "delivery 1")).Status);
        Assert.Equal(201, (await f.A.Adjust(p, -2, reason: "theft")).Status);
        Assert.Equal(201, (await f.A.Adjust(p, -1, reason: "inventory_count", note: "recount")).Status);

        var r = await f.A.Get(p.HistoryPath());
        Assert.Equal(200, r.Status);
        var entries = r.Data.AsArray();
        Assert.Equal(4, entries.Count);
        Assert.Equal(["inventory_count", "theft", "received_stock", "received_stock"], entries.Select(e => e!.Str("change_reason")));
        Assert.Equal([-1L, -2L, 6L, 4L], entries.Select(e => e!.Long("quantity_delta")));
        Assert.Equal([8L, 10L, 4L, 0L], entries.Select(e => e!.Long("quantity_before")));
        Assert.Equal([7L, 8L, 10L, 4L], entries.Select(e => e!.Long("quantity_after")));
        Assert.Equal("recount", entries[0]!.Str("note"));
        Assert.Null(entries[1]!["note"]);
        Assert.Equal("delivery 1", entries[2]!.Str("note"));
        Assert.StartsWith("api_key:", entries[0]!.Str("actor"));
        Assert.True(entries[0]!.AsObject().ContainsKey("reference"));
        var times = entries.Select(e => e!.Str("created_at")).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Null(r.Body!["next_page_token"]);
    }

    [Fact]
    public async Task History_is_paginated()
    {
        var p = await f.A.CreateSimple(quantity: 1);
        for (var i = 1; i <= 4; i++) Assert.Equal(201, (await f.A.Adjust(p, i, reason: "received_stock")).Status);
        var full = (await f.A.Get(p.HistoryPath())).Ids("inventory_change_id");
        Assert.Equal(5, full.Count);

        var pages = await f.A.WalkPages($"{p.HistoryPath()}?page_size=2", "inventory_change_id");
        Assert.Equal([2, 2, 1], pages.Select(x => x.Count));
        Assert.Equal(full, pages.SelectMany(x => x));

        (await f.A.Get($"{p.HistoryPath()}?page_size=0")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
        (await f.A.Get($"{p.HistoryPath()}?page_size=101")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
        (await f.A.Get($"{p.HistoryPath()}?page_token=garbage")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
        var other = await f.A.CreateSimple(quantity: 1);
        for (var i = 1; i <= 2; i++) Assert.Equal(201, (await f.A.Adjust(other, 1, reason: "received_stock")).Status);
        var foreignToken = (await f.A.Get($"{other.HistoryPath()}?page_size=1")).Body!.Str("next_page_token");
        (await f.A.Get($"{p.HistoryPath()}?page_token={Uri.EscapeDataString(foreignToken)}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
    }

    [Fact]
    public async Task Fifty_concurrent_decrements_on_a_stock_of_thirty_sell_exactly_thirty()
    {
        var p = await f.A.CreateSimple(quantity: 30, enforce: true);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => f.A.Adjust(p, -1, reason: "order_fulfillment")));
        Assert.Equal(30, results.Count(r => r.Status == 201));
        Assert.Equal(20, results.Count(r => r.Status == 409 && r.ErrorCode == "INSUFFICIENT_INVENTORY"));
        Assert.Equal(0, await f.A.Available(p));

        // Every success saw a distinct stock level: the grain applied them one at a time.
        var afters = results.Where(r => r.Status == 201).Select(r => r.Data["change"]!.Long("quantity_after")).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), afters);

        var history = await f.A.WalkPages($"{p.HistoryPath()}?page_size=100", "inventory_change_id");
        Assert.Equal(31, history.SelectMany(x => x).Count());
    }

    [Fact]
    public async Task Stock_of_each_variant_is_independent()
    {
        var tee = await f.A.CreateSized(CatalogData.Unique("INDEP"), true, 5, 5);
        Assert.Equal(201, (await f.A.Adjust(tee, -5, variant: 0)).Status);
        Assert.Equal(0, await f.A.Available(tee, 0));
        Assert.Equal(5, await f.A.Available(tee, 1));
        Assert.Single((await f.A.Get(tee.HistoryPath(1))).Data.AsArray());
    }

    [Fact]
    public async Task A_variant_created_without_stock_has_an_empty_history()
    {
        var p = await f.A.CreateSimple(quantity: 0);
        var r = await f.A.Get(p.HistoryPath());
        Assert.Equal(200, r.Status);
        Assert.Empty(r.Data.AsArray());
        var stock = await f.A.Get(p.StockPath());
        Assert.Equal(0, stock.Data.Long("quantity_on_hand"));
        Assert.Equal(p.Id, stock.Data.Str("product_id"));
        Assert.True(stock.Data.Bool("sellable"));
    }
}
