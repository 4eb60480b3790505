using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Catalog;
using Flint.Persistence.Lists;

namespace Flint.Api.Catalog;

public static class BundleEndpoints
{
    private static readonly ObjectKind Bundles = new("/bundles", "Bundles", IdPrefix.Bundle, "bundle_id", FieldsOn.Create | FieldsOn.Get);

    public static void MapBundleEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapCatalogRoutes<IBundleGrain, CreateBundleRequest, UpdateBundleRequest, BundleView>(Bundles, new(async r =>
        {
            var filter = new BundleListFilter(ListParameters.Search(r.Query), ListParameters.Status(r.Query), ListParameters.Text(r.Query, "category"));
            var page = await r.Lists.Bundles(r.Tenant, filter, r.Window, r.Aborted);
            await r.Service<ICatalogStock>().FillBundles(r.Tenant, page.Items, r.Aborted);
            return page;
        }, [ApiQuery.Search, ApiQuery.CatalogStatus, ApiQuery.Text("category", "Only bundles in this category.")],
            Summary: "List bundles: query (id, name, description, SKU), status, category, sort_by name|created_at|updated_at."));

        g.MapPut("/{bundle_id}/categories", async (HttpContext ctx, IGrainFactory grains, string bundle_id) =>
        {
            var grain = Bundle(grains, ctx, bundle_id);
            return Responses.Ok(ctx, await grain.ReplaceCategories(await JsonBody.Read<ReplaceCategoriesRequest>(ctx)));
        }).Doc<ReplaceCategoriesRequest, BundleView>();

        g.MapPost("/{bundle_id}/components", async (HttpContext ctx, IGrainFactory grains, string bundle_id) =>
        {
            var grain = Bundle(grains, ctx, bundle_id);
            return Responses.Ok(ctx, await grain.AddComponent(await JsonBody.Read<BundleComponentInput>(ctx)), 201);
        }).Doc<BundleComponentInput, BundleView>(201);

        g.MapPatch("/{bundle_id}/components/{bundle_component_id}", async (HttpContext ctx, IGrainFactory grains, string bundle_id, string bundle_component_id) =>
        {
            var grain = Bundle(grains, ctx, bundle_id);
            var id = Responses.PathId(bundle_component_id, IdPrefix.BundleComponent);
            return Responses.Ok(ctx, await grain.UpdateComponent(id, await JsonBody.Read<UpdateBundleComponentRequest>(ctx)));
        }).Doc<UpdateBundleComponentRequest, BundleView>();

        g.MapDelete("/{bundle_id}/components/{bundle_component_id}", async (HttpContext ctx, IGrainFactory grains, string bundle_id, string bundle_component_id) =>
            Responses.Ok(ctx, await Bundle(grains, ctx, bundle_id).RemoveComponent(Responses.PathId(bundle_component_id, IdPrefix.BundleComponent))))
          .Doc<BundleView>();
    }

    private static IBundleGrain Bundle(IGrainFactory grains, HttpContext ctx, string bundleId) =>
        Bundles.Grain<IBundleGrain>(grains, ctx, bundleId);
}
