using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Persistence.Catalog;
using Flint.Persistence.Inventory;
using Flint.Persistence.Lists;

namespace Flint.Api.Catalog;

public static class ProductEndpoints
{
    // Fields= on a product's update answer too, as it always has.
    private static readonly ObjectKind Products = new("/products", "Products", IdPrefix.Product, "product_id", FieldsOn.Create | FieldsOn.Get | FieldsOn.Update);
    private static readonly ObjectPart Variants = new("variant_id", IdPrefix.Variant);

    public static void MapProductEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapCatalogRoutes<IProductGrain, CreateProductRequest, UpdateProductRequest, ProductView>(Products, new(async r =>
        {
            var filter = new ProductListFilter(ListParameters.Search(r.Query), ListParameters.Status(r.Query),
                ListParameters.Text(r.Query, "product_type") is { } type ? Validation.ParseSnakeEnum<ProductType>(type, "product_type") : null,
                ListParameters.Text(r.Query, "category"), ListParameters.Flag(r.Query, "only_in_stock"));
            var page = await r.Lists.Products(r.Tenant, filter, r.Window, r.Aborted);
            await r.Service<ICatalogStock>().FillProducts(r.Tenant, page.Items, r.Aborted);
            return page;
        }, [ApiQuery.Search, ApiQuery.CatalogStatus, ApiQuery.EnumOf<ProductType>("product_type", "Only products of this type."),
            ApiQuery.Text("category", "Only products in this category."), ApiQuery.Flag("only_in_stock", "Only products with a sellable variant in stock.")],
            Summary: "List products: query, product_type, status, category, only_in_stock, created/updated ranges, sort_by name|created_at|updated_at."));

        g.MapChange(Products, HttpMethods.Put, "/categories", (IProductGrain p, ReplaceCategoriesRequest r) => p.ReplaceCategories(r));
        g.MapChange(Products, HttpMethods.Post, "/variants", (IProductGrain p, VariantInput r) => p.AddVariant(r), 201);
        g.MapPartCall(Products, HttpMethods.Get, "/variants", Variants, (IProductGrain p, string id, HttpContext _) => p.GetVariant(id));
        g.MapPartChange(Products, HttpMethods.Patch, "/variants", Variants, (IProductGrain p, string id, UpdateVariantRequest r) => p.UpdateVariant(id, r));
        g.MapPartCall(Products, HttpMethods.Delete, "/variants", Variants, (IProductGrain p, string id, HttpContext _) => p.RemoveVariant(id));

        g.MapPost("/{product_id}/variants/{variant_id}/inventory-adjustments", async (HttpContext ctx, IGrainFactory grains, string product_id, string variant_id) =>
        {
            var pid = Responses.PathId(product_id, IdPrefix.Product);
            var vid = Responses.PathId(variant_id, IdPrefix.Variant);
            var body = await JsonBody.Read<InventoryAdjustmentRequest>(ctx);
            var actor = Authentication.ActorOf(ctx);
            return Responses.Ok(ctx, await grains.Grain<IVariantInventoryGrain>(ctx, vid).Adjust(pid, body, actor), 201);
        }).Doc<InventoryAdjustmentRequest, InventoryAdjustmentResult>(201).WithTags("Inventory");

        g.MapGet("/{product_id}/variants/{variant_id}/inventory", async (HttpContext ctx, IGrainFactory grains, string product_id, string variant_id) =>
        {
            var pid = Responses.PathId(product_id, IdPrefix.Product);
            var vid = Responses.PathId(variant_id, IdPrefix.Variant);
            return Responses.Ok(ctx, await grains.Grain<IVariantInventoryGrain>(ctx, vid).GetStock(pid));
        }).Doc<StockView>().WithTags("Inventory");

        g.MapGet("/{product_id}/variants/{variant_id}/inventory-history", async (HttpContext ctx, IGrainFactory grains, IInventoryHistory history, string product_id, string variant_id) =>
        {
            var pid = Responses.PathId(product_id, IdPrefix.Product);
            var vid = Responses.PathId(variant_id, IdPrefix.Variant);
            var size = PageSize.Parse(ctx.Request.Query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var token = ctx.Request.Query["page_token"].ToString() is { Length: > 0 } t ? t : null;
            // The grain answers 404 for a variant that is not this product's; the rows come from the log table.
            await grains.Grain<IVariantInventoryGrain>(ctx, vid).GetStock(pid);
            var page = await history.Page(Authentication.TenantOf(ctx), vid, size, token, ctx.RequestAborted);
            return Responses.List(ctx, page.Items, page.NextPageToken);
        }).DocList<InventoryChangeView>().Query(ApiQuery.Paging).WithTags("Inventory").WithSummary("Every stock change of a variant, newest first.");
    }
}
