using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Devices;

/// <summary>Pairing a POS device over HTTP: the code (no API key), the device token's role, unpairing.</summary>
[Collection(ApiCollection.Name)]
public sealed class DeviceApiTests(ApiFixture f)
{
    private async Task<(ApiClient Api, string LocationId)> Shop()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Devices"));
        var location = await api.Post("/v1/locations", """{"name":"Front store"}""");
        Assert.True(location.Status == 201, location.ToString());
        return (api, location.Data.Str("location_id"));
    }

    [Fact]
    public async Task A_device_pairs_with_its_code_once_works_as_a_register_only_and_stops_at_once_when_unpaired()
    {
        var (api, location) = await Shop();
        var code = await api.Post("/v1/devices/codes", $$"""{"name":"Till 1","location_id":"{{location}}"}""");
        Assert.True(code.Status == 201, code.ToString());
        var deviceId = code.Data.Str("device_id");
        Assert.Equal(("pairing", location), (code.Data.Str("status"), code.Data.Str("location_id")));
        Assert.Matches("^[A-Z2-9]{6}$", code.Data.Str("code"));
        Assert.Null((await api.Get($"/v1/devices/{deviceId}")).Data["code"]);

        // An Idempotency-Key (a client library's habit) is ignored on a call without a merchant's key.
        var paired = await f.Anonymous.Post("/v1/devices/pair", $$"""{"code":"{{code.Data.Str("code").ToLowerInvariant()}}","app_version":"pos 1.0"}""", idempotencyKey: "pair-once");
        Assert.True(paired.Status == 201, paired.ToString());
        var token = paired.Data.Str("device_token");
        Assert.StartsWith("fdt_test_", token);
        Assert.Equal("paired", paired.Data["device"]!.Str("status"));
        (await f.Anonymous.Post("/v1/devices/pair", $$"""{"code":"{{code.Data.Str("code")}}"}""")).AssertError(400, "INVALID_CODE", "code");

        // The register's work: orders, payments and refunds; not the merchant's administration.
        var device = f.With(token);
        await using var stream = await DeviceStreamReader.Open(f.Host.Client, token);
        var order = await device.Post("/v1/orders", $$"""{"location_id":"{{location}}","source":"pos","line_items":[{{OrderData.AdHoc("Tea", 450, 2)}}]}""");
        Assert.True(order.Status == 201, order.ToString());
        Assert.Equal($"device:{deviceId}", order.Data.Str("created_by"));
        var paid = await device.Post($"/v1/orders/{order.Data.Str("order_id")}/pay", """{"payment_sources":[{"type":"cash","amount_money":{"amount":1000,"currency":"USD"}}]}""");
        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal(100L, paid.Data.Arr("payments")[0]!["change_back_money"]!.Long("amount"));
        Assert.Equal("pos", paid.Data.Arr("payments")[0]!.Str("source"));
        var online = await api.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""");
        Assert.Equal("api", (await api.PayWith(online.Data.Str("order_id"), "tok_visa")).Data.Arr("payments")[0]!.Str("source"));
        Assert.Equal((deviceId, location), (paid.Data.Arr("payments")[0]!.Str("device_id"), paid.Data.Arr("payments")[0]!.Str("location_id")));
        var refund = await device.Post($"/v1/orders/{order.Data.Str("order_id")}/refunds", """{"amount_money":{"amount":100,"currency":"USD"}}""");
        Assert.True(refund.Status == 201, refund.ToString());
        Assert.Equal((deviceId, location, 100L), (refund.Data["refund"]!.Str("device_id"), refund.Data["refund"]!.Str("location_id"), refund.Data["refund"]!["amount_money"]!.Long("amount")));
        (await device.Post("/v1/api-keys", "{}")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await device.Get("/v1/devices")).AssertError(403, "INSUFFICIENT_SCOPE");
        Assert.Equal(404, (await f.With(token).Get($"/v1/orders/{(await f.B.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""")).Data.Str("order_id")}")).Status);

        var listed = await api.ListAll("/v1/devices");
        Assert.Equal([(deviceId, "pos 1.0")], listed.Select(d => (d.Str("device_id"), d.Str("app_version"))));
        var unpaired = await api.Delete($"/v1/devices/{deviceId}");
        Assert.Equal("unpaired", unpaired.Data.Str("status"));
        (await device.Get("/v1/orders")).AssertError(401, "UNAUTHENTICATED");
        // Its listening stream hears it at once (not at the next keep-alive, 15 s on), and ends.
        await stream.Next("device.unpaired", TimeSpan.FromSeconds(10));

        (await api.Post("/v1/devices/codes", """{"name":"Till 2","location_id":"store-1"}""")).AssertError(400, "INVALID_LOCATION", "location_id");
        (await api.Post("/v1/devices/codes", """{"name":"Till 2"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "location_id");
    }

    [Fact]
    public async Task Wrong_codes_from_one_address_are_refused_with_429_after_the_allowance()
    {
        await using var host = await FlintTestHost.StartAsync(await f.Postgres.CreateDatabaseAsync(),
            overrides: new Dictionary<string, string?> { ["FLINT_WRONG_PAIRING_CODES_PER_MINUTE"] = "3" });
        var anonymous = new ApiClient(host.Client, null);
        for (var i = 0; i < 3; i++) (await anonymous.Post("/v1/devices/pair", """{"code":"AAAAAA"}""")).AssertError(400, "INVALID_CODE", "code");
        var limited = await anonymous.Post("/v1/devices/pair", """{"code":"BBBBBB"}""");
        limited.AssertError(429, "RATE_LIMITED");
        Assert.NotNull(limited.Header("Retry-After"));
    }
}
