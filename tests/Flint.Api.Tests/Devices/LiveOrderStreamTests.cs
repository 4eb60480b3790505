using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;

namespace Flint.Api.Tests.Devices;

/// <summary>A register's live order: built on the device through the order endpoints, two screens kept from
/// overwriting each other by the order's version, every change pushed on the device's stream, and a reconnect that
/// replays what it missed.</summary>
[Collection(ApiCollection.Name)]
public sealed class LiveOrderStreamTests(ApiFixture f)
{
    [Fact]
    public async Task Each_change_of_an_open_order_arrives_on_the_stream_and_a_stale_screen_gets_409()
    {
        var r = await Registers.New(f);
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        var created = await r.Device.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Latte", 450)}}]}""");
        Assert.True(created.Status == 201, created.ToString());
        var orderId = created.Data.Str("order_id");
        Assert.Equal((r.LocationId, "pos"), (created.Data.Str("location_id"), created.Data.Str("source")));

        var opened = await r.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""");
        Assert.True(opened.Status == 200, opened.ToString());
        Assert.Equal([orderId], opened.Data.Arr("live_order_ids").Select(x => x!.GetValue<string>()));
        var first = await stream.Next("order.opened");
        Assert.Equal((orderId, 495L), (first.Object.Str("order_id"), first.Object["net_amounts"]!["total_money"]!.Long("amount")));   // 450 + 10 % tax

        // Screen one adds a line at version 1; screen two, still at version 1, is refused.
        var added = await r.Device.Post($"/v1/orders/{orderId}/line-items", $$"""{"version":1,{{OrderData.AdHoc("Croissant", 300)[1..^1]}}}""");
        Assert.True(added.Status == 201, added.ToString());
        (await r.Device.Post($"/v1/orders/{orderId}/line-items", $$"""{"version":1,{{OrderData.AdHoc("Muffin", 275)[1..^1]}}}"""))
            .AssertError(409, "VERSION_MISMATCH", "version");
        var update = await stream.Next("order.updated", TimeSpan.FromSeconds(5));
        Assert.Equal((2, 825L), (update.Object.Arr("line_items").Count, update.Object["net_amounts"]!["total_money"]!.Long("amount")));
        Assert.True(update.Id > first.Id);

        // The merchant's change (another channel) reaches the register too.
        var discounted = await r.Api.Post($"/v1/orders/{orderId}/discounts", """{"name":"Staff","amount_money":{"amount":50,"currency":"USD"}}""");
        Assert.True(discounted.Status == 201, discounted.ToString());
        var after = await stream.Next("order.updated", TimeSpan.FromSeconds(5));
        Assert.Equal(770L, after.Object["net_amounts"]!["total_money"]!.Long("amount"));   // (750 − 50) + 70 tax

        Assert.Equal(200, (await r.Device.Delete($"/v1/devices/me/orders/{orderId}")).Status);
        Assert.Equal(orderId, (await stream.Next("order.closed")).Object.Str("order_id"));
    }

    [Fact]
    public async Task A_reconnect_with_Last_Event_ID_replays_exactly_what_was_missed_in_order()
    {
        var r = await Registers.New(f);
        var orderId = (await r.Device.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 300)}}]}""")).Data.Str("order_id");
        // The customer-facing display watches the same stream the whole time; the register's connection drops.
        await using var display = await DeviceStreamReader.Open(f.Host.Client, r.Token);
        long last;
        await using (var register = await DeviceStreamReader.Open(f.Host.Client, r.Token))
        {
            await r.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""");
            last = (await register.Next("order.opened")).Id;
            Assert.Equal(last, (await display.Next("order.opened")).Id);
        }
        var shown = new List<StreamEvent>();
        for (var i = 0; i < 3; i++)
        {
            var version = (await r.Device.Get($"/v1/orders/{orderId}")).Data.Long("version");
            var add = await r.Device.Post($"/v1/orders/{orderId}/line-items", $$"""{"version":{{version}},{{OrderData.AdHoc($"Scone {i}", 100)[1..^1]}}}""");
            Assert.True(add.Status == 201, add.ToString());
            shown.Add(await display.Next("order.updated", TimeSpan.FromSeconds(5)));
        }

        await using var resumed = await DeviceStreamReader.Open(f.Host.Client, r.Token, last);
        var replayed = new List<StreamEvent>();
        for (var i = 0; i < 3; i++) replayed.Add(await resumed.Next());
        Assert.Equal([last + 1, last + 2, last + 3], replayed.Select(e => e.Id));
        Assert.Equal(shown.Select(e => e.Id), replayed.Select(e => e.Id));
        Assert.Equal([2, 3, 4], replayed.Select(e => e.Object.Arr("line_items").Count));
        Assert.All(replayed, e => Assert.Equal("order.updated", e.Type));
        await Task.Delay(600);
        Assert.Empty(resumed.Drain());   // nothing twice, nothing made up

        // A bad Last-Event-ID is the error envelope, before any stream starts.
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/v1/devices/me/events");
        bad.Headers.Authorization = new("Bearer", r.Token);
        bad.Headers.Add("Last-Event-ID", "yesterday");
        var refused = await f.Host.Client.SendAsync(bad);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("INVALID_LAST_EVENT_ID", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Changes_made_while_no_stream_listened_arrive_as_the_orders_latest_state_on_reconnect()
    {
        var r = await Registers.New(f);
        var orderId = (await r.Device.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 300)}}]}""")).Data.Str("order_id");
        long last;
        await using (var stream = await DeviceStreamReader.Open(f.Host.Client, r.Token))
        {
            await r.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""");
            last = (await stream.Next("order.opened")).Id;
        }
        for (var i = 0; i < 2; i++)
        {
            var version = (await r.Device.Get($"/v1/orders/{orderId}")).Data.Long("version");
            Assert.Equal(201, (await r.Device.Post($"/v1/orders/{orderId}/line-items", $$"""{"version":{{version}},{{OrderData.AdHoc($"Bun {i}", 100)[1..^1]}}}""")).Status);
        }
        await using var resumed = await DeviceStreamReader.Open(f.Host.Client, r.Token, last);
        var caught = await resumed.Next("order.updated");
        Assert.True(caught.Id > last);
        Assert.Equal(3, caught.Object.Arr("line_items").Count);
        Assert.Equal(3, (await r.Device.Get($"/v1/orders/{orderId}")).Data.Arr("line_items").Count);
    }
}
