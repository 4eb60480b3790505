using System.Text.Json;
using Flint.Abstractions;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;
using Npgsql;

namespace Flint.Api.Tests.Storage;

/// <summary>
/// The grains write each projection's doc by serializing a view; Flint.Persistence's queries read fields of it by
/// name (filters, stock, the order behind a payment). Both take the names from the projection classes of
/// Flint.Abstractions. Here real projections of every kind that a query reads, written through the API, must carry
/// every field those classes list, with the JSON type the query expects: rename a view's field without the query
/// following and this fails, instead of a list filter silently finding nothing. A field may be JSON null in some docs
/// (an ordinary order's subscription_id) but must be there, and must have the expected type in at least one doc of
/// its kind.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProjectionQueryAgreementApiTests(ApiFixture f)
{
    [Fact]
    public async Task Every_field_a_query_reads_is_in_the_projection_its_grain_writes_with_the_expected_type()
    {
        var (api, _, merchantId) = await f.NewMerchant("Projection fields");
        var product = await api.Post("/v1/products", """
            {"name":"Tee","categories":["shirts"],"default_variant":{"unit_price_money":{"amount":2000,"currency":"USD"},"initial_quantity_available":5}}
            """);
        Assert.True(product.Status == 201, product.ToString());
        var variantId = product.Data.Str("default_variant_id");
        var bundle = await api.Post("/v1/bundles", $$"""
            {"name":"Two tees","categories":["gifts"],"unit_price_money":{"amount":3500,"currency":"USD"},"components":[{"variant_id":"{{variantId}}","quantity":2}]}
            """);
        Assert.True(bundle.Status == 201, bundle.ToString());
        var customerId = await api.CreateCustomer();
        var order = await api.NewOrder(customerId, (variantId, 1));
        var orderId = order.Str("order_id");
        var paid = await api.PayWith(orderId, "tok_visa");
        Assert.True(paid.Status == 200, paid.ToString());
        var refund = await api.RefundOf(orderId, 100);
        Assert.True(refund.Status == 201, refund.ToString());
        // A subscription billed at once: its projection, its first invoice's and its cycle's order (the one order
        // whose subscription_id is set).
        var card = await api.Post($"/v1/customers/{customerId}/payment-methods", """{"token":"tok_visa"}""");
        Assert.True(card.Status == 201, card.ToString());
        var plan = await api.Post("/v1/plans", """
            {"name":"Club","interval":"month","line_items":[{"name":"Box","unit_price_money":{"amount":1500,"currency":"USD"},"quantity":1}]}
            """);
        Assert.True(plan.Status == 201, plan.ToString());
        var subscription = await api.Post("/v1/subscriptions", $$"""{"customer_id":"{{customerId}}","plan_id":"{{plan.Data.Str("plan_id")}}"}""");
        Assert.True(subscription.Status == 201, subscription.ToString());
        // The database reads a webhook endpoint's enabled_events when it queues deliveries.
        var endpoint = await api.Post("/v1/webhook-endpoints", """{"url":"https://example.com/hooks","enabled_events":["order.paid"]}""");
        Assert.True(endpoint.Status == 201, endpoint.ToString());

        // A register: an order made, paid and partly refunded by a paired device (location_id on all three), and a
        // terminal checkout sent to it.
        var register = await Devices.Registers.Pair(f, api, await Devices.Registers.NewLocation(api, "Projection store"));
        var posOrder = await register.Device.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""");
        Assert.True(posOrder.Status == 201, posOrder.ToString());
        var posPaid = await register.Device.Post($"/v1/orders/{posOrder.Data.Str("order_id")}/pay", """{"payment_sources":[{"type":"cash","amount_money":{"amount":1000,"currency":"USD"}}]}""");
        Assert.True(posPaid.Status == 200, posPaid.ToString());
        Assert.True((await register.Device.Post($"/v1/orders/{posOrder.Data.Str("order_id")}/refunds", """{"amount_money":{"amount":100,"currency":"USD"}}""")).Status == 201);
        var toPay = await register.Device.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Cake", 300)}}]}""");
        var terminal = await api.Post("/v1/terminal-checkouts", $$"""{"device_id":"{{register.DeviceId}}","order_id":"{{toPay.Data.Str("order_id")}}"}""");
        Assert.True(terminal.Status == 201, terminal.ToString());

        var docs = await Docs(merchantId);
        foreach (var projection in Projections.Read)
        {
            Assert.True(docs.TryGetValue(projection.Kind, out var ofKind), $"no '{projection.Kind}' projection was written");
            foreach (var field in projection.Fields)
                Assert.True(ofKind.Sum(doc => AssertField(projection, doc, field)) > 0,
                    $"{projection.Kind}: '{field.Path}' is null in every projection written; the query reads it as {field.Type}");
        }
    }

    /// <summary>Follows the field's path in the doc (a null on the way ends it: a nullable field), asserts the type of
    /// every value found that is not null, and answers how many there were.</summary>
    private static int AssertField(ProjectionKind projection, JsonElement doc, ProjectionField field)
    {
        var values = new List<JsonElement> { doc };
        foreach (var segment in field.Path.Split('.'))
        {
            var each = segment.EndsWith("[]", StringComparison.Ordinal);
            var name = each ? segment[..^2] : segment;
            var next = new List<JsonElement>();
            foreach (var value in values.Where(v => v.ValueKind != JsonValueKind.Null))
            {
                Assert.True(value.TryGetProperty(name, out var member),
                    $"{projection.Kind} ({projection.DocType.Name}): no '{name}' on the way to '{field.Path}' in {doc}");
                if (each) next.AddRange(member.EnumerateArray());
                else next.Add(member);
            }
            values = next;
        }
        var present = values.Where(v => v.ValueKind != JsonValueKind.Null).ToList();
        foreach (var value in present)
            Assert.True(SameType(value.ValueKind, field.Type),
                $"{projection.Kind}: '{field.Path}' is {value.ValueKind}, the query reads it as {field.Type}, in {doc}");
        return present.Count;
    }

    private static bool SameType(JsonValueKind actual, JsonValueKind expected) =>
        actual == expected || (actual is JsonValueKind.True or JsonValueKind.False && expected is JsonValueKind.True or JsonValueKind.False);

    private async Task<Dictionary<string, List<JsonElement>>> Docs(string merchantId)
    {
        await using var db = NpgsqlDataSource.Create(f.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT kind, doc::text FROM flint_objects WHERE merchant_id = @m AND environment = 'test'");
        cmd.Parameters.AddWithValue("m", merchantId);
        var docs = new Dictionary<string, List<JsonElement>>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            using var parsed = JsonDocument.Parse(r.GetString(1));
            (docs.TryGetValue(r.GetString(0), out var list) ? list : docs[r.GetString(0)] = []).Add(parsed.RootElement.Clone());
        }
        return docs;
    }
}
