using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Persistence.Catalog;

namespace Flint.Api.Catalog;

public static class CatalogLookupEndpoints
{
    public static void MapCatalogLookupEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/catalog/by-sku/{sku}", async (HttpContext ctx, IGrainFactory grains, ISkuIndex skus, string sku) =>
        {
            // Routing leaves an encoded slash encoded in a route value; SKUs may contain '/'.
            sku = sku.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            var owner = await skus.OwnerOf(Authentication.TenantOf(ctx), sku, ctx.RequestAborted)
                ?? throw ApiException.NotFound($"No variant or bundle has SKU '{sku}'.");
            if (owner.Kind == BundleProjection.Kind)
            {
                var bundle = await grains.Grain<IBundleGrain>(ctx, owner.Id).Get();
                return Responses.Ok(ctx, new CatalogItemBySku(sku, "bundle", null, null, bundle.BundleId, bundle));
            }
            var product = await grains.Grain<IProductGrain>(ctx, owner.Id).Get();
            var variant = product.Variants.FirstOrDefault(v => v.Sku == sku) ?? throw ApiException.NotFound($"No variant or bundle has SKU '{sku}'.");
            return Responses.Ok(ctx, new CatalogItemBySku(sku, "variant", product.ProductId, variant.VariantId, null, variant));
        }).Doc<CatalogItemBySku>().WithTags("Catalog").WithSummary("Exact SKU lookup across variants and bundles.");
    }
}
