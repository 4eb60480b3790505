using System.Text.Json.Nodes;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Catalog;
using Npgsql;

namespace Flint.Api.Catalog;

public static class ProductEndpoints
{
    public static void MapProductEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/products").WithTags("Products");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CreateProductRequest>(ctx);
            var view = await grains.Grain<IProductGrain>(ctx, FlintId.New(IdPrefix.Product)).Create(body);
            return Responses.Ok(ctx, view, 201, "product_id");
        }).Doc<CreateProductRequest, ProductView>(201);

        g.MapGet("", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            var q = new ListQuery(Authentication.TenantOf(ctx), "product", ctx.Request.Query, "created_at", "desc").Search().Status("active", "inactive", "deleted");
            if (ctx.Request.Query["product_type"].ToString() is { Length: > 0 } type)
            {
                Validation.ParseSnakeEnum<ProductType>(type, "product_type");
                q.Where("o.doc->>'product_type' = @product_type", new NpgsqlParameter("product_type", type));
            }
            if (ctx.Request.Query["category"].ToString() is { Length: > 0 } category)
                q.Where("o.doc->'categories' ? @category", new NpgsqlParameter("category", category));
            if (ListQuery.Flag(ctx.Request.Query, "only_in_stock"))
                q.Where("""
                    EXISTS (SELECT 1 FROM flint_objects i WHERE i.merchant_id = o.merchant_id AND i.environment = o.environment
                            AND i.kind = 'inventory' AND i.doc->>'product_id' = o.id AND i.status = 'sellable'
                            AND (i.doc->>'quantity_available')::bigint > 0)
                    """);
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            await CatalogStock.FillProducts(db, Authentication.TenantOf(ctx), items, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "product_id");
        }).DocList<ProductView>().Query([.. ApiQuery.Listing("created_at", "updated_at", "name"), ApiQuery.Search, ApiQuery.Status("active", "inactive", "deleted"),
            ApiQuery.EnumOf<ProductType>("product_type", "Only products of this type."), ApiQuery.Text("category", "Only products in this category."),
            ApiQuery.Flag("only_in_stock", "Only products with a sellable variant in stock."), ApiQuery.Fields]).WithSummary("List products: query, product_type, status, category, only_in_stock, created/updated ranges, sort_by name|created_at|updated_at.");

        g.MapGet("/{product_id}", async (HttpContext ctx, IGrainFactory grains, string product_id) =>
            Responses.Ok(ctx, await Product(grains, ctx, product_id).Get(), idField: "product_id")).Doc<ProductView>().Query(ApiQuery.Fields);

        g.MapPatch("/{product_id}", async (HttpContext ctx, IGrainFactory grains, string product_id) =>
        {
            var grain = Product(grains, ctx, product_id);
            var body = await JsonBody.Read<UpdateProductRequest>(ctx);
            return Responses.Ok(ctx, await grain.Update(body), idField: "product_id");
        }).Doc<UpdateProductRequest, ProductView>();

        g.MapDelete("/{product_id}", async (HttpContext ctx, IGrainFactory grains, string product_id) =>
            Responses.Ok(ctx, await Product(grains, ctx, product_id).Delete())).Doc<ProductView>();

        g.MapPut("/{product_id}/categories", async (HttpContext ctx, IGrainFactory grains, string product_id) =>
        {
            var grain = Product(grains, ctx, product_id);
            var body = await JsonBody.Read<ReplaceCategoriesRequest>(ctx);
            return Responses.Ok(ctx, await grain.ReplaceCategories(body));
        }).Doc<ReplaceCategoriesRequest, ProductView>();

        g.MapPost("/{product_id}/variants", async (HttpContext ctx, IGrainFactory grains, string product_id) =>
        {
            var grain = Product(grains, ctx, product_id);
            var body = await JsonBody.Read<VariantInput>(ctx);
            return Responses.Ok(ctx, await grain.AddVariant(body), 201);
        }).Doc<VariantInput, VariantView>(201);

        g.MapGet("/{product_id}/variants/{variant_id}", async (HttpContext ctx, IGrainFactory grains, string product_id, string variant_id) =>
            Responses.Ok(ctx, await Product(grains, ctx, product_id).GetVariant(Responses.PathId(variant_id, IdPrefix.Variant)))).Doc<VariantView>();

        g.MapPatch("/{product_id}/variants/{variant_id}", async (HttpContext ctx, IGrainFactory grains, string product_id, string variant_id) =>
        {
            var grain = Product(grains, ctx, product_id);
            var id = Responses.PathId(variant_id, IdPrefix.Variant);
            var body = await JsonBody.Read<UpdateVariantRequest>(ctx);
            return Responses.Ok(ctx, await grain.UpdateVariant(id, body));
        }).Doc<UpdateVariantRequest, VariantView>();

        g.MapDelete("/{product_id}/variants/{variant_id}", async (HttpContext ctx, IGrainFactory grains, string product_id, string variant_id) =>
            Responses.Ok(ctx, await Product(grains, ctx, product_id).RemoveVariant(Responses.PathId(variant_id, IdPrefix.Variant)))).Doc<ProductView>();

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

        g.MapGet("/{product_id}/variants/{variant_id}/inventory-history", async (HttpContext ctx, IGrainFactory grains, NpgsqlDataSource db, string product_id, string variant_id) =>
        {
            var pid = Responses.PathId(product_id, IdPrefix.Product);
            var vid = Responses.PathId(variant_id, IdPrefix.Variant);
            var size = PageSize.Parse(ctx.Request.Query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var token = ctx.Request.Query["page_token"].ToString() is { Length: > 0 } t ? t : null;
            // The grain answers 404 for a variant that is not this product's; the rows come from the log table.
            await grains.Grain<IVariantInventoryGrain>(ctx, vid).GetStock(pid);
            var (items, next) = await InventoryHistory.Page(db, Authentication.TenantOf(ctx), vid, size, token, ctx.RequestAborted);
            return Responses.List(ctx, items, next);
        }).DocList<InventoryChangeView>().Query(ApiQuery.Paging).WithTags("Inventory").WithSummary("Every stock change of a variant, newest first.");
    }

    private static IProductGrain Product(IGrainFactory grains, HttpContext ctx, string productId) =>
        grains.Grain<IProductGrain>(ctx, Responses.PathId(productId, IdPrefix.Product));
}

/// <summary>Lists read stock from the inventory projections written with every stock change.</summary>
public static class CatalogStock
{
    public static async Task<Dictionary<string, (long Available, bool Sellable)>> Load(NpgsqlDataSource db, Flint.Abstractions.Tenant tenant, IEnumerable<string> variantIds, CancellationToken ct)
    {
        var ids = variantIds.Distinct().ToArray();
        var result = new Dictionary<string, (long, bool)>();
        if (ids.Length == 0) return result;
        await using var cmd = db.CreateCommand("""
            SELECT id, (doc->>'quantity_available')::bigint, status = 'sellable' FROM flint_objects
            WHERE merchant_id = @m AND environment = @e AND kind = 'inventory' AND id = ANY(@ids)
            """);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("ids", ids);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = (r.GetInt64(1), r.GetBoolean(2));
        return result;
    }

    public static async Task FillProducts(NpgsqlDataSource db, Flint.Abstractions.Tenant tenant, List<JsonObject> products, CancellationToken ct)
    {
        var variants = products.SelectMany(p => p["variants"]!.AsArray().Select(v => v!.AsObject())).ToList();
        var stock = await Load(db, tenant, variants.Select(v => v["variant_id"]!.GetValue<string>()), ct);
        foreach (var v in variants)
            v["quantity_available"] = stock.TryGetValue(v["variant_id"]!.GetValue<string>(), out var s) ? s.Available : 0;
        foreach (var p in products)
            if (p["default_variant"] is JsonObject d && stock.TryGetValue(d["variant_id"]!.GetValue<string>(), out var s))
                d["quantity_available"] = s.Available;
    }

    public static async Task FillBundles(NpgsqlDataSource db, Flint.Abstractions.Tenant tenant, List<JsonObject> bundles, CancellationToken ct)
    {
        var components = bundles.SelectMany(b => b["components"]!.AsArray().Select(c => c!.AsObject())).ToList();
        var stock = await Load(db, tenant, components.Select(c => c["variant_id"]!.GetValue<string>()), ct);
        foreach (var b in bundles)
        {
            var parts = new List<BundleComponentStock>();
            foreach (var c in b["components"]!.AsArray().Select(x => x!.AsObject()))
            {
                var part = stock.TryGetValue(c["variant_id"]!.GetValue<string>(), out var s)
                    ? new BundleComponentStock(c["quantity"]!.GetValue<long>(), s.Available, s.Sellable)
                    : new BundleComponentStock(c["quantity"]!.GetValue<long>(), 0, Sellable: false);
                c["quantity_available"] = part.Supply;
                parts.Add(part);
            }
            var availability = BundleAvailability.For(Validation.ParseSnakeEnum<CatalogStatus>(b["status"]!.GetValue<string>(), "status"), parts);
            b["quantity_available"] = availability.QuantityAvailable;
            b["available_for_sale"] = availability.AvailableForSale;
        }
    }
}
