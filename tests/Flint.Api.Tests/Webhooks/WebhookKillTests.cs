using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Webhooks;

/// <summary>A silo killed (SIGKILL) while it is sending a webhook loses no event: its claim ends with its lease and
/// another silo sends the event.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookKillTests(ApiFixture f)
{
    [Fact]
    public async Task A_delivery_in_flight_on_a_killed_silo_is_sent_by_another_when_its_lease_ends()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StallNext(TimeSpan.FromSeconds(60));
        var settings = FlintProcess.Settings(db, "webhook-doomed");
        settings["FLINT_WEBHOOK_LEASE_SECONDS"] = "3";
        using var http = new HttpClient { BaseAddress = new Uri(settings["FLINT_URLS"]!), Timeout = TimeSpan.FromSeconds(10) };
        using var doomed = FlintProcess.Start(settings);
        string key, endpointId, eventId;
        try
        {
            await FlintProcess.WaitReady(http, doomed);
            var admin = new ApiClient(http, FlintTestHost.AdminToken);
            key = (await admin.Post("/v1/merchants", """{"name":"Hooks"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
            var api = new ApiClient(http, key);
            endpointId = (await api.Post("/v1/webhook-endpoints", $$"""{"url":"{{receiver.Url}}","enabled_events":["customer.created"]}""")).Data.Str("webhook_endpoint_id");
            Assert.Equal(201, (await api.Post("/v1/customers", """{"email":"kill@example.com"}""")).Status);

            // The doomed silo is sending it (the receiver holds the request open): kill -9 now.
            eventId = (await receiver.WaitFor(r => r.Count >= 1, TimeSpan.FromSeconds(30)))[0].EventId;
        }
        finally
        {
            doomed.Kill(entireProcessTree: true);
            await doomed.WaitForExitAsync();
        }

        // Another silo (its own cluster: nothing waits for the dead one to be declared dead) on the same database.
        await using var survivor = await FlintTestHost.StartAsync(db, clusterId: "webhook-survivor");
        var received = await receiver.WaitFor(r => r.Count >= 2, TimeSpan.FromSeconds(45));
        Assert.Equal([eventId, eventId], received.Select(r => r.EventId));
        var delivery = Assert.Single((await new ApiClient(survivor.Client, key).Get($"/v1/webhook-endpoints/{endpointId}/deliveries")).Data.AsArray())!;
        Assert.Equal(("delivered", 200L), (delivery.Str("status"), delivery.Long("last_status_code")));
    }
}
