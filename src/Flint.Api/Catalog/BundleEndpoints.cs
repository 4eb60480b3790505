using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Npgsql;

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

        g.MapGet("", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            var q = new ListQuery(Authentication.TenantOf(ctx), "bundle", ctx.Request.Query).Search().Status("active", "inactive", "deleted");
            if (ctx.Request.Query["category"].ToString() is { Length: > 0 } category)
                q.Where("o.doc->'categories' ? @category", new NpgsqlParameter("category", category));
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            await CatalogStock.FillBundles(db, Authentication.TenantOf(ctx), items, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "bundle_id");
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
