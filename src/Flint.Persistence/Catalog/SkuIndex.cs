using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Catalog;

/// <summary>The variant or bundle that owns a SKU (kind <see cref="ProductProjection.Kind"/> with the product's id,
/// or <see cref="BundleProjection.Kind"/> with the bundle's).</summary>
public sealed record SkuOwner(string Kind, string Id);

/// <summary>Exact SKU lookup: the registry the catalog grains keep with their projections (flint_skus), unique per
/// merchant and environment across variants and bundles.</summary>
public interface ISkuIndex
{
    Task<SkuOwner?> OwnerOf(Tenant tenant, string sku, CancellationToken ct);
}

internal sealed class SkuIndex(NpgsqlDataSource db) : ISkuIndex
{
    public async Task<SkuOwner?> OwnerOf(Tenant tenant, string sku, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT owner_kind, owner_id FROM flint_skus WHERE merchant_id = @m AND environment = @e AND sku = @s");
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("s", sku);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new SkuOwner(r.GetString(0), r.GetString(1)) : null;
    }
}
