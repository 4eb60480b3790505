using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Payments;

/// <summary>Builders and readers shared by the pay, refund and race tests. Amounts are minor units.</summary>
internal static class PayTestData
{
    /// <summary>A simple product with stock (enforced by default) at the given unit price in USD.</summary>
    public static async Task<CreatedProduct> Stocked(this ApiClient api, long price, long quantity, bool enforce = true, string? name = null)
    {
        var r = await api.Post("/v1/products", CatalogData.SimpleProductJson(name ?? CatalogData.Unique("Item"), null, quantity, enforce, amount: price));
        Assert.True(r.Status == 201, $"creating a product failed: {r}");
        return new CreatedProduct(r.Data.Str("product_id"), [r.Data.Str("default_variant_id")], r.Data);
    }

    /// <summary>An additive rate that applies everywhere in the US; orders built with <see cref="NewOrder"/> are taxed by it.</summary>
    public static async Task<string> UsTax(this ApiClient api, string percentage)
    {
        var r = await api.Post("/v1/tax-rates", $$$"""{"name":"Sales tax {{{percentage}}}","percentage":"{{{percentage}}}","jurisdiction":{"country":"US"}}""");
        Assert.True(r.Status == 201, $"creating a tax rate failed: {r}");
        return r.Data.Str("tax_rate_id");
    }

    /// <summary>An order in USD, located in the US (so US rates apply), with the given (variant, quantity) lines.</summary>
    public static async Task<JsonNode> NewOrder(this ApiClient api, string? customerId, params (string VariantId, long Quantity)[] lines)
    {
        var body = new JsonObject
        {
            ["currency"] = "USD",
            ["tax_location"] = new JsonObject { ["country"] = "US" },
            ["line_items"] = new JsonArray(lines.Select(l => (JsonNode?)new JsonObject { ["variant_id"] = l.VariantId, ["quantity"] = l.Quantity }).ToArray()),
        };
        if (customerId is not null) body["customer_id"] = customerId;
        var r = await api.Post("/v1/orders", body.ToJsonString());
        Assert.True(r.Status == 201, $"creating an order failed: {r}");
        return r.Data;
    }

    public static Task<JsonNode> NewOrder(this ApiClient api, params (string VariantId, long Quantity)[] lines) => api.NewOrder(null, lines);

    public static Task<ApiResponse> PayWith(this ApiClient api, string orderId, string token, string? idempotencyKey = null) =>
        api.Post($"/v1/orders/{orderId}/pay", $$"""{"payment_source_tokens":["{{token}}"]}""", idempotencyKey);

    public static Task<ApiResponse> RefundOf(this ApiClient api, string orderId, long amount, string extra = "") =>
        api.Post($"/v1/orders/{orderId}/refunds", $$"""{"amount_money":{"amount":{{amount}},"currency":"USD"}{{(extra.Length > 0 ? "," + extra : "")}}}""");

    /// <summary>The restock_line_items member of a refund body.</summary>
    public static string Restock(params (string LineId, long Quantity)[] lines) =>
        "\"restock_line_items\":[" + string.Join(",", lines.Select(l => $"{{\"line_item_id\":\"{l.LineId}\",\"quantity\":{l.Quantity}}}")) + "]";

    /// <summary>GET /v1/payments filtered by order (and status), one page of 100.</summary>
    public static async Task<List<JsonNode>> PaymentsOf(this ApiClient api, string orderId, string? status = null)
    {
        var r = await api.Get($"/v1/payments?order_id={orderId}&page_size=100{(status is null ? "" : "&status=" + status)}");
        Assert.True(r.Status == 200, $"listing payments failed: {r}");
        return r.Data.AsArray().Select(x => x!).ToList();
    }

    public static async Task<List<JsonNode>> RefundsOf(this ApiClient api, string orderId)
    {
        var r = await api.Get($"/v1/refunds?order_id={orderId}&page_size=100");
        Assert.True(r.Status == 200, $"listing refunds failed: {r}");
        return r.Data.AsArray().Select(x => x!).ToList();
    }

    /// <summary>(on hand, reserved, available) of a product's variant.</summary>
    public static async Task<(long OnHand, long Reserved, long Available)> Stock(this ApiClient api, CreatedProduct p)
    {
        var r = await api.Get(p.StockPath());
        Assert.True(r.Status == 200, $"reading stock failed: {r}");
        return (r.Data.Long("quantity_on_hand"), r.Data.Long("quantity_reserved"), r.Data.Long("quantity_available"));
    }

    /// <summary>The variant's whole stock history (at most 100 entries), newest first.</summary>
    public static async Task<List<JsonNode>> History(this ApiClient api, CreatedProduct p)
    {
        var r = await api.Get($"{p.HistoryPath()}?page_size=100");
        Assert.True(r.Status == 200, $"reading stock history failed: {r}");
        return r.Data.AsArray().Select(x => x!).ToList();
    }

    /// <summary>Every object of a list endpoint, following next_page_token (pages of 100).</summary>
    public static async Task<List<JsonNode>> ListAll(this ApiClient api, string pathWithQuery)
    {
        var all = new List<JsonNode>();
        string? token = null;
        var separator = pathWithQuery.Contains('?') ? "&" : "?";
        for (var page = 0; page < 100; page++)
        {
            var r = await api.Get($"{pathWithQuery}{separator}page_size=100{(token is null ? "" : "&page_token=" + Uri.EscapeDataString(token))}");
            Assert.True(r.Status == 200, $"listing failed: {r}");
            all.AddRange(r.Data.AsArray().Select(x => x!));
            token = r.Body!["next_page_token"]?.GetValue<string>();
            if (token is null) return all;
        }
        throw new InvalidOperationException("too many pages");
    }

    /// <summary>Runs the calls all at once: each waits on one gate that opens when every task is started.</summary>
    public static async Task<ApiResponse[]> AllAtOnce(int count, Func<int, Task<ApiResponse>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(async i => { await gate.Task; return await call(i); }).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    public static long Amount(this JsonNode node, string moneyField) => node[moneyField]!.Long("amount");

    /// <summary>
    /// The simulated processor's durable records of one merchant whose key starts with <paramref name="kind"/>
    /// ("charge_", "refund_", "charge-attempt_"), read straight from the grain state table: what the "processor"
    /// really did, independently of what Flint recorded about it. Returns (key, outcome) pairs.
    /// </summary>
    public static async Task<List<(string Key, string Outcome)>> ProcessorRecords(string connectionString, string merchantId, string kind)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var cmd = db.CreateCommand("""
            SELECT grain_id_string, convert_from(payload_binary, 'UTF8') FROM orleans_storage
            WHERE grain_type = 'simulated_processor' AND grain_id_string LIKE @prefix ESCAPE '\' AND payload_binary IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("prefix", $"%{merchantId}/test/sim:{kind.Replace("_", "\\_")}%");
        var found = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            var doc = JsonNode.Parse(reader.GetString(1))!;
            var outcome = doc["outcome"]?.GetValue<string>() ?? doc["Outcome"]?.GetValue<string>() ?? "";
            found.Add((key[(key.IndexOf("sim:", StringComparison.Ordinal) + 4)..], outcome));
        }
        return found;
    }
}
