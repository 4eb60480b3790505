using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Catalog;
using Flint.Persistence.Lists;

namespace Flint.Api.Catalog;

public static class BundleEndpoints
{
    public static void MapBundleEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/bundles").WithTags("Bundles");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateBundleRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IBundleGrain>(ctx, FlintId.New(IdPrefix.Bundle)).Create(body), 201, "bundle_id");
        }).Doc<CreateBundleRequest, BundleView>(201);

        g.MapGet("", async (HttpContext ctx, IObjectLists lists, ICatalogStock stock) =>
        {
            var query = ctx.Request.Query;
            var tenant = Authentication.TenantOf(ctx);
            var window = ListParameters.Window(query);
            var filter = new BundleListFilter(ListParameters.Search(query), ListParameters.Status(query), ListParameters.Text(query, "category"));
            var page = await lists.Bundles(tenant, filter, window, ctx.RequestAborted);
            await stock.FillBundles(tenant, page.Items, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "bundle_id");
        }).DocList<BundleView>().Query([.. ApiQuery.Listing("created_at", "updated_at", "name"), ApiQuery.Search, ApiQuery.Status("active", "inactive", "deleted"),
            ApiQuery.Text("category", "Only bundles in this category."), ApiQuery.Fields]).WithSummary("List bundles: query (id, name, description, SKU), status, category, sort_by name|created_at|updated_at.");

        g.MapGet("/{bundle_id}", async (HttpContext ctx, IGrainFactory grains, string bundle_id) =>
            Responses.Ok(ctx, await Bundle(grains, ctx, bundle_id).Get(), idField: "bundle_id")).Doc<BundleView>().Query(ApiQuery.Fields);

        g.MapPatch("/{bundle_id}", async (HttpContext ctx, IGrainFactory grains, string bundle_id) =>
        {
            var grain = Bundle(grains, ctx, bundle_id);
            return Responses.Ok(ctx, await grain.Update(await JsonBody.Read<UpdateBundleRequest>(ctx)));
        }).Doc<UpdateBundleRequest, BundleView>();

        g.MapDelete("/{bundle_id}", async (HttpContext ctx, IGrainFactory grains, string bundle_id) =>
            Responses.Ok(ctx, await Bundle(grains, ctx, bundle_id).Delete())).Doc<BundleView>();

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
        grains.Grain<IBundleGrain>(ctx, Responses.PathId(bundleId, IdPrefix.Bundle));
}
