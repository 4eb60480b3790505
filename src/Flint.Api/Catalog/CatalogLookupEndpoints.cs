using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Npgsql;

namespace Flint.Api.Catalog;

public sealed record CatalogItemBySku(string Sku, string ObjectType, string? ProductId, string? VariantId, string? BundleId, object Object);

public static class CatalogLookupEndpoints
{
    public static void MapCatalogLookupEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/catalog/by-sku/{sku}", async (HttpContext ctx, IGrainFactory grains, NpgsqlDataSource db, string sku) =>
        {
            var tenant = Authentication.TenantOf(ctx);
            // Routing leaves an encoded slash encoded in a route value; SKUs may contain '/'.
            sku = sku.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            await using var cmd = db.CreateCommand("SELECT owner_kind, owner_id FROM flint_skus WHERE merchant_id = @m AND environment = @e AND sku = @s");
            cmd.Parameters.AddWithValue("m", tenant.MerchantId);
            cmd.Parameters.AddWithValue("e", tenant.Environment);
            cmd.Parameters.AddWithValue("s", sku);
            string kind, owner;
            await using (var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted))
            {
                if (!await r.ReadAsync(ctx.RequestAborted)) throw ApiException.NotFound($"No variant or bundle has SKU '{sku}'.");
                (kind, owner) = (r.GetString(0), r.GetString(1));
            }
            if (kind == "bundle")
            {
                var bundle = await grains.Grain<IBundleGrain>(ctx, owner).Get();
                return Responses.Ok(ctx, new CatalogItemBySku(sku, "bundle", null, null, bundle.BundleId, bundle));
            }
            var product = await grains.Grain<IProductGrain>(ctx, owner).Get();
            var variant = product.Variants.FirstOrDefault(v => v.Sku == sku) ?? throw ApiException.NotFound($"No variant or bundle has SKU '{sku}'.");
            return Responses.Ok(ctx, new CatalogItemBySku(sku, "variant", product.ProductId, variant.VariantId, null, variant));
        }).Doc<CatalogItemBySku>().WithTags("Catalog").WithSummary("Exact SKU lookup across variants and bundles.");
    }
}
