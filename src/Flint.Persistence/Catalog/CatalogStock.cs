using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Npgsql;

namespace Flint.Persistence.Catalog;

/// <summary>The current stock of listed catalog items, written into the list items the projections returned.</summary>
public interface ICatalogStock
{
    /// <summary>Sets each variant's (and the default variant's) quantity_available from its inventory.</summary>
    Task FillProducts(Tenant tenant, IReadOnlyList<JsonObject> products, CancellationToken ct);

    /// <summary>Sets each component's quantity_available and the bundle's quantity_available and
    /// available_for_sale, as <see cref="BundleAvailability"/> computes them from the components' stock.</summary>
    Task FillBundles(Tenant tenant, IReadOnlyList<JsonObject> bundles, CancellationToken ct);
}

/// <summary>Lists read stock from the inventory projections written with every stock change.</summary>
internal sealed class CatalogStock(NpgsqlDataSource db) : ICatalogStock
{
    private static readonly string Sql = $"""
        SELECT id, (doc->>'{InventoryProjection.QuantityAvailable.Name}')::bigint, status = '{InventoryProjection.Sellable}' FROM flint_objects
        WHERE merchant_id = @m AND environment = @e AND kind = '{InventoryProjection.Kind}' AND id = ANY(@ids)
        """;

    private async Task<Dictionary<string, (long Available, bool Sellable)>> Load(Tenant tenant, IEnumerable<string> variantIds, CancellationToken ct)
    {
        var ids = variantIds.Distinct().ToArray();
        var result = new Dictionary<string, (long, bool)>();
        if (ids.Length == 0) return result;
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("ids", ids);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = (r.GetInt64(1), r.GetBoolean(2));
        return result;
    }

    public async Task FillProducts(Tenant tenant, IReadOnlyList<JsonObject> products, CancellationToken ct)
    {
        var variantId = ProductProjection.VariantId.Name;
        var available = ProductProjection.VariantQuantityAvailable.Name;
        var variants = products.SelectMany(p => p[ProductProjection.Variants.Name]!.AsArray().Select(v => v!.AsObject())).ToList();
        var stock = await Load(tenant, variants.Select(v => v[variantId]!.GetValue<string>()), ct);
        foreach (var v in variants)
            v[available] = stock.TryGetValue(v[variantId]!.GetValue<string>(), out var s) ? s.Available : 0;
        foreach (var p in products)
            if (p[ProductProjection.DefaultVariant.Name] is JsonObject d && stock.TryGetValue(d[ProductProjection.DefaultVariantId.Name]!.GetValue<string>(), out var s))
                d[ProductProjection.DefaultVariantQuantityAvailable.Name] = s.Available;
    }

    public async Task FillBundles(Tenant tenant, IReadOnlyList<JsonObject> bundles, CancellationToken ct)
    {
        var components = BundleProjection.Components.Name;
        var variantId = BundleProjection.ComponentVariantId.Name;
        var stock = await Load(tenant, bundles.SelectMany(b => b[components]!.AsArray().Select(c => c![variantId]!.GetValue<string>())), ct);
        foreach (var b in bundles)
        {
            var parts = new List<BundleComponentStock>();
            foreach (var c in b[components]!.AsArray().Select(x => x!.AsObject()))
            {
                var quantity = c[BundleProjection.ComponentQuantity.Name]!.GetValue<long>();
                var part = stock.TryGetValue(c[variantId]!.GetValue<string>(), out var s)
                    ? new BundleComponentStock(quantity, s.Available, s.Sellable)
                    : new BundleComponentStock(quantity, 0, Sellable: false);
                c[BundleProjection.ComponentQuantityAvailable.Name] = part.Supply;
                parts.Add(part);
            }
            var status = Validation.ParseSnakeEnum<CatalogStatus>(b[BundleProjection.Status.Name]!.GetValue<string>(), "status");
            var availability = BundleAvailability.For(status, parts);
            b[BundleProjection.QuantityAvailable.Name] = availability.QuantityAvailable;
            b[BundleProjection.AvailableForSale.Name] = availability.AvailableForSale;
        }
    }
}
