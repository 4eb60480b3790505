using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Payments;
using Flint.Api.Tests.Webhooks;
using Flint.Domain.Webhooks;
using static Flint.Api.Tests.Apps.AppInstalls;

namespace Flint.Api.Tests.Apps;

/// <summary>An app's one webhook_url hears the merchants that installed it: their events its scopes may read, each
/// saying whose it is, signed with the app's webhook secret; its own app.installed and app.uninstalled; nothing after
/// the uninstall.</summary>
[Collection(ApiCollection.Name)]
public sealed class AppWebhookTests(ApiFixture f)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_app_hears_its_install_and_the_readable_events_of_the_merchant_signed_and_nothing_after_uninstall()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var created = await developer.Post("/v1/partner-apps", $$"""
            {"name":"Order sync","redirect_uris":["{{RedirectUri}}"],"scopes":["orders:read","catalog:read"],"webhook_url":"{{receiver.Url}}","enabled_events":["*"]}
            """);
        Assert.True(created.Status == 201, created.ToString());
        var secret = created.Data.Str("webhook_secret");
        Assert.StartsWith("whsec_", secret);
        Assert.Null((await developer.Get($"/v1/partner-apps/{created.Data.Str("client_id")}")).Data["webhook_secret"]);
        var app = new RegisteredApp(created.Data.Str("client_id"), created.Data.Str("client_secret"), RedirectUri, created.Data);

        var shop = await Merchant(f, CatalogData.Unique("Shop"));
        var bystander = await Merchant(f, CatalogData.Unique("Bystander"));
        var installed = await Install(f, shop, app, "orders:read");     // catalog:read registered but not asked for
        // Another app installed on the same shop: its lifecycle is not this app's business.
        var other = await Register(developer, ["orders:read"], name: "Other app");
        await Install(f, shop, other, "orders:read");

        var product = await shop.Test.CreateSimple(quantity: 5);
        var order = await shop.Test.NewOrder((product.VariantId, 1));
        Assert.Equal(200, (await shop.Test.PayWith(order.Str("order_id"), "tok_visa")).Status);
        await bystander.Test.NewOrder(((await bystander.Test.CreateSimple(quantity: 1)).VariantId, 1));

        var received = await receiver.WaitFor(r => r.Any(x => x.Body.Contains("\"order.paid\"")) && r.Any(x => x.Body.Contains("\"app.installed\"")), Within);
        var now = DateTimeOffset.UtcNow;
        foreach (var r in received) Assert.True(WebhookSignature.Verify(r.Signature, r.Body, secret, now), r.Body);
        var events = received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.All(events, e => Assert.Equal((shop.MerchantId, "test"), (e.Str("merchant_id"), e.Str("environment"))));
        var types = events.Select(e => e.Str("type")).ToList();
        // (In order per object only: the installation's events and the order's may interleave.)
        var install = Assert.Single(events, e => e.Str("type") == "app.installed");
        Assert.Equal(installed.InstallationId, install["data"]!["object"]!.Str("installation_id"));
        Assert.Contains("order.created", types);
        Assert.Contains("order.paid", types);
        Assert.DoesNotContain("payment.succeeded", types);   // payments:read was not granted
        Assert.DoesNotContain("product.created", types);     // nor catalog:read

        var uninstalled = await shop.Test.Delete($"/v1/installations/{installed.InstallationId}");
        Assert.Equal(200, uninstalled.Status);
        var afterUninstall = await receiver.WaitFor(r => r.Any(x => x.Body.Contains("\"app.uninstalled\"")), Within);
        // Never another app's lifecycle events.
        Assert.All(afterUninstall.Select(r => JsonNode.Parse(r.Body)!).Where(e => e.Str("type").StartsWith("app.")),
            e => Assert.Equal(installed.InstallationId, e["data"]!["object"]!.Str("installation_id")));
        var count = afterUninstall.Count;
        await shop.Test.NewOrder((product.VariantId, 1));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(count, receiver.All.Count);
    }
}
