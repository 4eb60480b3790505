using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;
using Flint.Domain.Webhooks;

namespace Flint.Api.Tests.Webhooks;

/// <summary>/v1/webhook-endpoints: events queued by the database as they are written, sent signed to a real receiver
/// on loopback by the host's dispatcher, retried when the receiver fails.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookApiTests(ApiFixture f)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_checkouts_events_arrive_signed_and_a_tampered_body_does_not_verify()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Hooks"));
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await api.Post("/v1/webhook-endpoints", $$"""
            {"url":"{{receiver.Url}}","enabled_events":["order.created","order.paid","payment.succeeded"],"description":"Shop backend"}
            """);
        Assert.Equal(201, created.Status);
        var endpointId = created.Data.Str("webhook_endpoint_id");
        var secret = created.Data.Str("secret");
        Assert.StartsWith("we_", endpointId);
        Assert.StartsWith("whsec_", secret);
        Assert.Equal("enabled", created.Data.Str("status"));
        // Shown once: never read again, nor listed, nor in the event.
        Assert.Null((await api.Get($"/v1/webhook-endpoints/{endpointId}")).Data["secret"]);
        Assert.Null(Assert.Single((await api.Get("/v1/webhook-endpoints")).Data.AsArray())!["secret"]);
        Assert.DoesNotContain(secret, (await api.Get("/v1/events")).ToString());

        var product = await api.CreateSimple(quantity: 5);
        var order = await api.NewOrder((product.VariantId, 2));
        Assert.Equal(200, (await api.PayWith(order.Str("order_id"), "tok_visa")).Status);

        var received = await receiver.WaitFor(r => r.Count >= 3, Within);
        var bodies = received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(["order.created", "order.paid", "payment.succeeded"], bodies.Select(b => b.Str("type")).Order().ToList());
        Assert.All(bodies, b => Assert.Equal(order.Str("order_id"), b["data"]!["object"]!.Str("order_id")));
        var now = DateTimeOffset.UtcNow;
        foreach (var r in received)
        {
            Assert.True(WebhookSignature.Verify(r.Signature, r.Body, secret, now), $"{r.Signature} over {r.Body}");
            Assert.Equal(JsonNode.Parse(r.Body)!.Str("id"), r.EventId);
            Assert.False(WebhookSignature.Verify(r.Signature, r.Body.Replace("\"type\":\"", "\"type\":\"x"), secret, now));
            Assert.False(WebhookSignature.Verify(r.Signature, r.Body, "whsec_not_the_secret", now));
            Assert.False(WebhookSignature.Verify(r.Signature, r.Body, secret, now.AddMinutes(10)));
        }
        // The same events as the event log, under the same ids.
        var logged = (await api.ListAll("/v1/events")).Select(e => e.Str("id")).ToHashSet();
        Assert.All(received, r => Assert.Contains(r.EventId, logged));

        var deliveries = (await api.Get($"/v1/webhook-endpoints/{endpointId}/deliveries")).Data.AsArray().Select(d => d!).ToList();
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(("delivered", 1L, 200L), (d.Str("status"), d.Long("attempts"), d.Long("last_status_code"))));
    }

    [Fact]
    public async Task A_receiver_answering_500_gets_retries_until_it_takes_the_event()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Hooks"));
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(500, 503);
        var endpointId = (await api.Post("/v1/webhook-endpoints", $$"""{"url":"{{receiver.Url}}","enabled_events":["customer.created"]}""")).Data.Str("webhook_endpoint_id");

        await api.CreateCustomer();

        var received = await receiver.WaitFor(r => r.Count >= 3, Within);
        Assert.Single(received.Select(r => r.EventId).Distinct());
        // Test mode's curve: 1 s, then 2 s.
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(1), $"{received[0].At:O} → {received[1].At:O}");
        var delivery = Assert.Single((await api.Get($"/v1/webhook-endpoints/{endpointId}/deliveries")).Data.AsArray())!;
        Assert.Equal(("delivered", 3L, 200L), (delivery.Str("status"), delivery.Long("attempts"), delivery.Long("last_status_code")));

        // Sent again by hand: a fourth request with the same event.
        var resent = await api.Post($"/v1/webhook-endpoints/{endpointId}/deliveries/{delivery.Str("webhook_delivery_id")}/resend");
        Assert.Equal(200, resent.Status);
        await receiver.WaitFor(r => r.Count >= 4, Within);
        Assert.Single(receiver.All.Select(r => r.EventId).Distinct());
        (await api.Post($"/v1/webhook-endpoints/{endpointId}/deliveries/whd_00000000000000000000000000000000/resend")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task An_objects_events_go_out_in_order_a_failing_one_holding_back_the_later_ones()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Hooks"));
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(500);
        await api.Post("/v1/webhook-endpoints", $$"""{"url":"{{receiver.Url}}","enabled_events":["order.created","order.paid"]}""");
        var product = await api.CreateSimple(quantity: 5);
        var order = await api.NewOrder((product.VariantId, 1));
        Assert.Equal(200, (await api.PayWith(order.Str("order_id"), "tok_visa")).Status);

        var received = await receiver.WaitFor(r => r.Count >= 3, Within);

        // order.created failed once and was retried a second later; order.paid waited for it.
        Assert.Equal(["order.created", "order.created", "order.paid"], received.Select(r => JsonNode.Parse(r.Body)!.Str("type")));
    }

    [Fact]
    public async Task A_rolled_secret_signs_beside_the_new_one_and_a_disabled_endpoint_gets_nothing()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Hooks"));
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = (await api.Post("/v1/webhook-endpoints", $$"""{"url":"{{receiver.Url}}","enabled_events":["*"]}""")).Data;
        var id = created.Str("webhook_endpoint_id");
        var old = created.Str("secret");
        var rolled = await api.Post($"/v1/webhook-endpoints/{id}/roll-secret");
        Assert.Equal(200, rolled.Status);
        var secret = rolled.Data.Str("secret");
        Assert.NotEqual(old, secret);

        await api.CreateCustomer();
        var r = (await receiver.WaitFor(x => x.Any(y => y.Body.Contains("\"customer.created\"")), Within)).First(y => y.Body.Contains("\"customer.created\""));
        Assert.True(WebhookSignature.Verify(r.Signature, r.Body, secret, DateTimeOffset.UtcNow));
        Assert.True(WebhookSignature.Verify(r.Signature, r.Body, old, DateTimeOffset.UtcNow));

        Assert.Equal("disabled", (await api.Patch($"/v1/webhook-endpoints/{id}", """{"status":"disabled"}""")).Data.Str("status"));
        var before = receiver.All.Count;
        var queued = (await api.Get($"/v1/webhook-endpoints/{id}/deliveries?page_size=100")).Data.AsArray().Count;
        await api.CreateCustomer();
        await Task.Delay(2500);
        Assert.Equal(queued, (await api.Get($"/v1/webhook-endpoints/{id}/deliveries?page_size=100")).Data.AsArray().Count);
        Assert.Equal(before, receiver.All.Count);
    }

    [Fact]
    public async Task Bad_endpoints_are_refused_and_another_merchant_sees_none()
    {
        var (api, live, _) = await f.NewMerchant(CatalogData.Unique("Hooks"));
        (await api.Post("/v1/webhook-endpoints", """{"enabled_events":["*"]}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "url");
        (await api.Post("/v1/webhook-endpoints", """{"url":"ftp://example.com/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        (await api.Post("/v1/webhook-endpoints", """{"url":"https://user:pw@example.com/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        (await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/x","enabled_events":[]}""")).AssertError(400, "INVALID_FIELD", "enabled_events");
        (await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/x","enabled_events":["Order Paid"]}""")).AssertError(400, "INVALID_FIELD", "enabled_events[0]");
        (await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/x","enabled_events":["*"],"status":"paused"}""")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/x","enabled_events":["*"],"secret":"mine"}""")).AssertError(400, "UNKNOWN_FIELD", "secret");
        // Live endpoints: https on a public address only.
        (await live.Post("/v1/webhook-endpoints", """{"url":"http://example.com/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        (await live.Post("/v1/webhook-endpoints", """{"url":"https://127.0.0.1/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        (await live.Post("/v1/webhook-endpoints", """{"url":"https://10.1.2.3/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        (await live.Post("/v1/webhook-endpoints", """{"url":"https://localhost/x","enabled_events":["*"]}""")).AssertError(400, "INVALID_URL", "url");
        Assert.Empty((await api.Get("/v1/webhook-endpoints")).Data.AsArray());
        Assert.Equal(201, (await live.Post("/v1/webhook-endpoints", """{"url":"https://hooks.example.com/flint","enabled_events":["order.paid"]}""")).Status);

        var id = (await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/x","enabled_events":["order.paid","order.paid"]}""")).Data;
        Assert.Equal(["order.paid"], id.Arr("enabled_events").Select(e => e!.GetValue<string>()));
        (await f.B.Get($"/v1/webhook-endpoints/{id.Str("webhook_endpoint_id")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.B.Get($"/v1/webhook-endpoints/{id.Str("webhook_endpoint_id")}/deliveries")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal("deleted", (await api.Delete($"/v1/webhook-endpoints/{id.Str("webhook_endpoint_id")}")).Data.Str("status"));
    }
}
