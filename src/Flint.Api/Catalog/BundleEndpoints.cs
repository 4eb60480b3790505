using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Catalog;
using Flint.Persistence.Lists;

namespace Flint.Api.Catalog;

public static class BundleEndpoints
{
    private static readonly ObjectKind Bundles = new("/bundles", "Bundles", IdPrefix.Bundle, "bundle_id", FieldsOn.Create | FieldsOn.Get);
    private static readonly ObjectPart Components = new("bundle_component_id", IdPrefix.BundleComponent);

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

        g.MapChange(Bundles, HttpMethods.Put, "/categories", (IBundleGrain b, ReplaceCategoriesRequest r) => b.ReplaceCategories(r));
        g.MapChange(Bundles, HttpMethods.Post, "/components", (IBundleGrain b, BundleComponentInput r) => b.AddComponent(r), 201);
        g.MapPartChange(Bundles, HttpMethods.Patch, "/components", Components, (IBundleGrain b, string id, UpdateBundleComponentRequest r) => b.UpdateComponent(id, r));
        g.MapPartCall(Bundles, HttpMethods.Delete, "/components", Components, (IBundleGrain b, string id, HttpContext _) => b.RemoveComponent(id));
    }
}
