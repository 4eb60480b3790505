using System.Text.Json.Nodes;

namespace Flint.Bench;

public sealed record Variant(string ProductId, string VariantId, long Price);

/// <summary>What a scenario sells: the variants, the coupon codes, and whether orders carry a taxed location.</summary>
public sealed record Catalog(IReadOnlyList<Variant> Variants, IReadOnlyList<string> CouponCodes, bool Taxed);

/// <summary>Creates the scenario's catalog through the target's API (the same calls for Flint and the baseline).</summary>
public static class CatalogSetup
{
    public const string Currency = "USD";

    public static async Task<Variant> CreateVariant(ApiClient api, string name, long price, long stock, string runId)
    {
        var resp = await api.Post("/v1/products", new
        {
            name,
            default_variant = new
            {
                unit_price_money = new { amount = price, currency = Currency },
                enforce_inventory_limit = true,
                initial_quantity_available = stock,
            },
        }, $"{runId}-product-{name}");
        if (!resp.Ok) throw new BenchException($"creating product '{name}' failed: {resp.Status} {resp.Body?.ToJsonString()}");
        var data = resp.Data;
        var variant = data["default_variant"] ?? (data["variants"] as JsonArray)?[0]
            ?? throw new BenchException($"product answer without a variant: {data.ToJsonString()}");
        return new Variant(data["product_id"]!.GetValue<string>(), variant["variant_id"]!.GetValue<string>(), price);
    }

    public static async Task<Catalog> CreateStore(ApiClient api, int variants, int coupons, string runId, Action<string> progress)
    {
        var tax = await api.Post("/v1/tax-rates", new { name = "Sales tax", percentage = "8.875", jurisdiction = new { country = "US" } }, $"{runId}-tax");
        if (!tax.Ok) throw new BenchException($"creating the tax rate failed: {tax.Status} {tax.Body?.ToJsonString()}");

        var codes = new List<string>();
        for (var k = 0; k < coupons; k++)
        {
            var code = $"BENCH{runId[^6..].ToUpperInvariant()}{k}";
            var c = await api.Post("/v1/coupons", new { code, discount_type = "percentage", percent_off = "10" }, $"{runId}-coupon-{k}");
            if (!c.Ok) throw new BenchException($"creating coupon {code} failed: {c.Status} {c.Body?.ToJsonString()}");
            codes.Add(code);
        }

        var random = new Random(42);
        var prices = Enumerable.Range(0, variants).Select(_ => (long)random.Next(500, 10_000)).ToArray();
        var created = new Variant[variants];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, variants), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            created[i] = await CreateVariant(api, $"Item {i:0000}", prices[i], 10_000_000, runId);
            if (Interlocked.Increment(ref done) % 250 == 0) progress($"catalog: {done}/{variants} products");
        });
        return new Catalog(created, codes, Taxed: true);
    }
}
