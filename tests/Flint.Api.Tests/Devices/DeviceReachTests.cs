using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Devices;

/// <summary>What a paired device's token reaches (Flint.Api.Devices.DeviceReach and its scopes): the register's work at
/// its own location and on online orders (no location); another location's orders, payments, refunds and hosted
/// checkouts are as absent as another merchant's (404, or 400 when a body field names them); its lists hold its
/// location's only (asking for another is 403 LOCATION_NOT_ALLOWED); nothing of the merchant's administration.</summary>
[Collection(ApiCollection.Name)]
public sealed class DeviceReachTests(ApiFixture f)
{
    private const string Success = "https://shop.example/thanks";

    /// <summary>A merchant with two locations (both taxed 10 %, US/CA) and a device paired at each.</summary>
    private async Task<(Register A, Register B)> TwoStores()
    {
        var (api, front) = await Registers.Shop(f, "Reach");
        var back = await Registers.NewLocation(api, "Back store");
        return (await Registers.Pair(f, api, front, "Front till"), await Registers.Pair(f, api, back, "Back till"));
    }

    /// <summary>An order the device makes at its location (source pos), paid in cash on it; returns (order, payment).</summary>
    private static async Task<(string OrderId, string PaymentId)> PaidAtTill(Register r, string name, long amount)
    {
        var order = await r.Device.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc(name, amount)}}]}""");
        Assert.Equal((r.LocationId, "pos"), (order.Str("location_id"), order.Str("source")));
        var paid = await r.Device.Post($"/v1/orders/{order.Str("order_id")}/pay", """{"payment_sources":[{"type":"cash"}]}""");
        Assert.True(paid.Status == 200, paid.ToString());
        Assert.Equal("paid", paid.Data["order"]!.Str("status"));
        return (order.Str("order_id"), paid.Data.Arr("payments").Single()!.Str("payment_id"));
    }

    private static List<string> Sorted(params string[] ids) => ids.Order().ToList();

    private static async Task<List<string>> Ids(ApiClient client, string path, string idField) =>
        (await client.ListAll(path)).Select(o => o.Str(idField)).Order().ToList();

    [Fact]
    public async Task A_device_token_reaches_none_of_the_merchants_administration()
    {
        var r = await Registers.New(f, "ReachAdmin");

        (await r.Device.Post("/v1/api-keys", "{}")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Get("/v1/api-keys")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Get("/v1/devices")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Get($"/v1/devices/{r.DeviceId}")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Post("/v1/devices/codes", $$"""{"name":"Rogue till","location_id":"{{r.LocationId}}"}""")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Delete($"/v1/devices/{r.DeviceId}")).AssertError(403, "INSUFFICIENT_SCOPE");
        // Webhooks and the event log: not the register's (webhooks:read is not among its scopes; changes are the merchant's).
        (await r.Device.Get("/v1/webhook-endpoints")).AssertError(403, "INSUFFICIENT_SCOPE", "webhooks:read");
        (await r.Device.Post("/v1/webhook-endpoints", """{"url":"https://evil.example/hook","enabled_events":["*"]}""")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Get("/v1/events")).AssertError(403, "INSUFFICIENT_SCOPE", "webhooks:read");
        // Settings, payment settings included.
        (await r.Device.Get("/v1/settings")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Patch("/v1/settings", """{"allow_price_override":true}""")).AssertError(403, "INSUFFICIENT_SCOPE");
        (await r.Device.Put("/v1/settings/payments", """{"stripe_secret_key":"sk_test_x"}""")).AssertError(403, "INSUFFICIENT_SCOPE");

        // Nothing of it happened.
        Assert.Empty(await r.Api.ListAll("/v1/webhook-endpoints"));
        Assert.Equal("paired", (await r.Api.Get($"/v1/devices/{r.DeviceId}")).Data.Str("status"));
        Assert.Equal([r.DeviceId], await Ids(r.Api, "/v1/devices", "device_id"));
        var settings = (await r.Api.Get("/v1/settings")).Data;
        Assert.False(settings.Bool("allow_price_override"));
        // The register's own work still goes.
        Assert.Equal(200, (await r.Device.Get("/v1/orders")).Status);
        Assert.Equal(200, (await r.Device.Get("/v1/devices/me")).Status);
    }

    [Fact]
    public async Task Another_locations_orders_payments_and_refunds_are_404_and_lists_hold_the_devices_location_only()
    {
        var (a, b) = await TwoStores();
        var api = a.Api;
        var (orderA, paymentA) = await PaidAtTill(a, "Tea", 1000);
        var (orderB, paymentB) = await PaidAtTill(b, "Coffee", 800);
        var refundB = await b.Device.RefundOf(orderB, 100);
        Assert.True(refundB.Status == 201, refundB.ToString());
        var refundIdB = refundB.Data["refund"]!.Str("refund_id");
        // The merchant's own order at A (source api) is A's; an order at no location is online.
        var merchantAtA = (await api.CreateOrder($$"""{"location_id":"{{a.LocationId}}","line_items":[{{OrderData.AdHoc("Cake", 600)}}]}""")).Str("order_id");
        var online = (await api.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Gift card", 2500)}}]}""")).Str("order_id");

        // B's objects are not there for A's device, by id or through any of their routes.
        (await a.Device.Get($"/v1/orders/{orderB}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Get($"/v1/payments/{paymentB}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Get($"/v1/refunds/{refundIdB}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Patch($"/v1/orders/{orderB}", """{"metadata":{"note":"mine now"}}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Post($"/v1/orders/{orderB}/cancel")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderB}}"}""")).AssertError(400, "INVALID_ORDER", "order_id");
        (await a.Device.Get($"/v1/locations/{b.LocationId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        // A's own (and the merchant's order at A) it reads.
        Assert.Equal(200, (await a.Device.Get($"/v1/orders/{orderA}")).Status);
        Assert.Equal(200, (await a.Device.Get($"/v1/orders/{merchantAtA}")).Status);
        Assert.Equal(200, (await a.Device.Get($"/v1/payments/{paymentA}")).Status);
        Assert.Equal(a.LocationId, (await a.Device.Get($"/v1/locations/{a.LocationId}")).Data.Str("location_id"));

        // Lists: its location's orders (whoever made them) — not B's, not the online one.
        Assert.Equal(Sorted(orderA, merchantAtA), await Ids(a.Device, "/v1/orders", "order_id"));
        Assert.Equal(Sorted(orderA, merchantAtA), await Ids(a.Device, $"/v1/orders?location_id={a.LocationId}", "order_id"));
        Assert.Equal([orderB], await Ids(b.Device, "/v1/orders", "order_id"));
        (await a.Device.Get($"/v1/orders?location_id={b.LocationId}")).AssertError(403, "LOCATION_NOT_ALLOWED", "location_id");
        Assert.Equal([paymentA], await Ids(a.Device, "/v1/payments", "payment_id"));
        (await a.Device.Get($"/v1/payments?location_id={b.LocationId}")).AssertError(403, "LOCATION_NOT_ALLOWED", "location_id");
        Assert.Empty(await a.Device.ListAll("/v1/refunds"));
        (await a.Device.Get($"/v1/refunds?location_id={b.LocationId}")).AssertError(403, "LOCATION_NOT_ALLOWED", "location_id");
        // The merchant sees everything, and filters by location as asked.
        Assert.Equal(Sorted(orderA, orderB, merchantAtA, online), await Ids(api, "/v1/orders", "order_id"));
        Assert.Equal([orderB], await Ids(api, $"/v1/orders?location_id={b.LocationId}", "order_id"));

        // Its locations: its own only.
        var locations = await a.Device.ListAll("/v1/locations");
        Assert.Equal([a.LocationId], locations.Select(l => l.Str("location_id")));
        Assert.Equal(2, (await api.ListAll("/v1/locations")).Count);

        // It makes orders at its location only: another is refused and nothing is made.
        (await a.Device.Post("/v1/orders", $$"""{"location_id":"{{b.LocationId}}","line_items":[{{OrderData.AdHoc("Tea", 450)}}]}"""))
            .AssertError(400, "LOCATION_NOT_ALLOWED", "location_id");
        var own = await a.Device.CreateOrder($$"""{"location_id":"{{a.LocationId}}","line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""");
        Assert.Equal(a.LocationId, own.Str("location_id"));
        Assert.Equal(5, (await api.ListAll("/v1/orders")).Count);

        // A terminal checkout: not to another location's device, not for another location's order.
        (await a.Device.Post("/v1/terminal-checkouts", $$"""{"device_id":"{{b.DeviceId}}","order_id":"{{own.Str("order_id")}}"}"""))
            .AssertError(400, "INVALID_DEVICE", "device_id");
        var openAtB = (await b.Device.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Scone", 300)}}]}""")).Str("order_id");
        (await a.Device.Post("/v1/terminal-checkouts", $$"""{"device_id":"{{a.DeviceId}}","order_id":"{{openAtB}}"}"""))
            .AssertError(400, "INVALID_ORDER", "order_id");
        (await a.Device.Post($"/v1/orders/{openAtB}/pay", """{"payment_sources":[{"type":"cash"}]}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal(("open", 0L), ((await api.GetOrder(openAtB)).Str("status"), (await api.GetOrder(openAtB)).Net("paid")));
    }

    [Fact]
    public async Task A_device_reads_and_pays_an_online_order_and_its_payment_is_the_registers()
    {
        var (a, b) = await TwoStores();
        var online = (await a.Api.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Gift card", 2500)}}]}""")).Str("order_id");

        var read = await a.Device.Get($"/v1/orders/{online}");
        Assert.Equal(200, read.Status);
        Assert.Null(read.Data.StrOrNull("location_id"));
        Assert.Equal(200, (await b.Device.Get($"/v1/orders/{online}")).Status);   // any location's register may take it

        // The buyer hands over 30.00 for 25.00 (untaxed: an online order without a tax location).
        var paid = await a.Device.Post($"/v1/orders/{online}/pay", """{"payment_sources":[{"type":"cash","amount_money":{"amount":3000,"currency":"USD"}}]}""");
        Assert.True(paid.Status == 200, paid.ToString());
        var payment = paid.Data.Arr("payments").Single()!;
        Assert.Equal(("pos", "cash", a.DeviceId, a.LocationId), (payment.Str("source"), payment.Str("source_type"), payment.Str("device_id"), payment.Str("location_id")));
        Assert.Equal((2500L, 3000L, 500L), (payment.Amount("amount_money"), payment.Amount("tendered_money"), payment.Amount("change_back_money")));
        var order = await a.Api.GetOrder(online);
        Assert.Equal(("paid", 2500L, 0L), (order.Str("status"), order.Net("paid"), order.Net("balance")));
        Assert.Null(order.StrOrNull("location_id"));   // still an online order; the payment says where it was taken
        Assert.Equal(payment.Str("payment_id"), (await a.Device.Get($"/v1/payments/{payment.Str("payment_id")}")).Data.Str("payment_id"));

        // The online order stays out of the location's order list, its pos payment is in the location's payments.
        Assert.DoesNotContain(online, await Ids(a.Device, "/v1/orders", "order_id"));
        Assert.Equal([payment.Str("payment_id")], await Ids(a.Device, "/v1/payments", "payment_id"));
        Assert.Empty(await b.Device.ListAll("/v1/payments"));
    }

    [Fact]
    public async Task A_device_refunds_its_locations_payments_not_another_locations_and_merchant_lists_filter_by_location()
    {
        var (a, b) = await TwoStores();
        var api = a.Api;
        var (orderA, paymentA) = await PaidAtTill(a, "Tea", 1000);   // 1000 + 100 tax
        var (orderB, paymentB) = await PaidAtTill(b, "Coffee", 800);   // 800 + 80 tax
        // The merchant's card payment of an order at A: an api payment, taken by no device.
        var merchantAtA = (await api.CreateOrder($$"""{"location_id":"{{a.LocationId}}","line_items":[{{OrderData.AdHoc("Cake", 600)}}]}""")).Str("order_id");
        var apiPaid = await api.PayWith(merchantAtA, "tok_visa");
        Assert.True(apiPaid.Status == 200, apiPaid.ToString());
        var apiPayment = apiPaid.Data.Arr("payments").Single()!;
        Assert.Equal("api", apiPayment.Str("source"));
        Assert.Null(apiPayment.StrOrNull("location_id"));
        // A pos payment taken at A of an online order.
        var online = (await api.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Gift card", 2500)}}]}""")).Str("order_id");
        var onlinePaid = await a.Device.Post($"/v1/orders/{online}/pay", """{"payment_sources":[{"type":"cash"}]}""");
        Assert.True(onlinePaid.Status == 200, onlinePaid.ToString());
        var onlinePayment = onlinePaid.Data.Arr("payments").Single()!.Str("payment_id");

        // Its own location's payment, named in the body: the refund says which device and where.
        var refund = await a.Device.RefundOf(orderA, 550, $"\"payment_id\":\"{paymentA}\",\"reason\":\"spilled\"");
        Assert.True(refund.Status == 201, refund.ToString());
        var r = refund.Data["refund"]!;
        Assert.Equal((a.DeviceId, a.LocationId, 550L, 50L), (r.Str("device_id"), r.Str("location_id"), r.Amount("amount_money"), r.Amount("tax_money")));
        Assert.Equal((paymentA, 550L), (r.Arr("allocations").Single()!.Str("payment_id"), r.Arr("allocations").Single()!.Amount("amount_money")));
        Assert.Equal("partially_refunded", refund.Data["order"]!.Str("status"));
        Assert.Equal(r.Str("refund_id"), (await a.Device.Get($"/v1/refunds/{r.Str("refund_id")}")).Data.Str("refund_id"));

        // B's payment: its order's route is 404, and named on an order of A's it is not that order's payment.
        (await a.Device.RefundOf(orderB, 100, $"\"payment_id\":\"{paymentB}\"")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.RefundOf(orderB, 100)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.RefundOf(orderA, 100, $"\"payment_id\":\"{paymentB}\"")).AssertError(400, "INVALID_PAYMENT", "payment_id");
        var orderBNow = await api.GetOrder(orderB);
        Assert.Equal(("paid", 0L), (orderBNow.Str("status"), orderBNow.Net("refunded")));
        Assert.Empty(await api.RefundsOf(orderB));
        Assert.Equal(("succeeded", 0L), ((await api.Get($"/v1/payments/{paymentB}")).Data.Str("status"), (await api.Get($"/v1/payments/{paymentB}")).Data.Amount("refunded_money")));

        // The merchant's lists by location: the payments devices took there (pos) and the refunds they gave there.
        Assert.Equal(Sorted(paymentA, onlinePayment), await Ids(api, $"/v1/payments?location_id={a.LocationId}", "payment_id"));
        Assert.Equal([paymentB], await Ids(api, $"/v1/payments?location_id={b.LocationId}", "payment_id"));
        Assert.All(await api.ListAll($"/v1/payments?location_id={a.LocationId}"), p => Assert.Equal(("pos", a.LocationId), (p.Str("source"), p.Str("location_id"))));
        Assert.Equal(4, (await api.ListAll("/v1/payments")).Count);
        Assert.Equal([r.Str("refund_id")], await Ids(api, $"/v1/refunds?location_id={a.LocationId}", "refund_id"));
        Assert.Empty(await api.ListAll($"/v1/refunds?location_id={b.LocationId}"));
    }

    [Fact]
    public async Task Another_locations_order_cannot_be_handed_to_a_hosted_checkout_by_a_device_nor_its_session_read()
    {
        var (a, b) = await TwoStores();
        var openAtB = (await b.Device.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Scone", 300)}}]}""")).Str("order_id");

        // By the order's route (404), and by a body naming it — answered as an order that does not exist.
        (await a.Device.Post($"/v1/orders/{openAtB}/checkout-session", $$"""{"success_url":"{{Success}}"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Post("/v1/checkout-sessions", $$"""{"order_id":"{{openAtB}}","success_url":"{{Success}}"}""")).AssertError(400, "INVALID_ORDER", "order_id");
        (await a.Device.Post("/v1/checkout-sessions", $$"""{"order_id":"{{CatalogData.UnknownId("ord")}}","success_url":"{{Success}}"}""")).AssertError(400, "INVALID_ORDER", "order_id");
        Assert.Empty(await a.Api.ListAll("/v1/checkout-sessions"));

        // B's own device hands it over; A's device cannot read or expire that session.
        var session = await b.Device.Post($"/v1/orders/{openAtB}/checkout-session", $$"""{"success_url":"{{Success}}"}""");
        Assert.True(session.Status == 201, session.ToString());
        Assert.Equal(330L, session.Data.Amount("amount_due"));
        var id = session.Data.Str("checkout_session_id");
        (await a.Device.Get($"/v1/checkout-sessions/{id}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Device.Post($"/v1/checkout-sessions/{id}/expire")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal("open", (await b.Device.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));
        Assert.Equal("open", (await a.Api.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));

        // An online order A's device may hand over as any register may.
        var online = (await a.Api.CreateOrder($$"""{"line_items":[{{OrderData.AdHoc("Gift card", 2500)}}]}""")).Str("order_id");
        var handed = await a.Device.Post("/v1/checkout-sessions", $$"""{"order_id":"{{online}}","success_url":"{{Success}}"}""");
        Assert.True(handed.Status == 201, handed.ToString());
        Assert.Equal(2500L, handed.Data.Amount("amount_due"));
        Assert.Equal(200, (await a.Device.Get($"/v1/checkout-sessions/{handed.Data.Str("checkout_session_id")}")).Status);
    }
}
