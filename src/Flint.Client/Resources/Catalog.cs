using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class ProductsResource(FlintTransport t) : ObjectsResource<ProductView, CreateProductRequest, UpdateProductRequest>(t, "/v1/products")
{
    public Task<ProductView> ReplaceCategoriesAsync(string productId, ReplaceCategoriesRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<ProductView>(HttpMethod.Put, Of(productId) + "/categories", request, options?.IdempotencyKey, ct);
}

/// <summary>A product's variants: <c>/v1/products/{product_id}/variants</c>.</summary>
public sealed class VariantsResource(FlintTransport t)
{
    internal static string Of(string productId, string variantId) => $"/v1/products/{Segment(productId)}/variants/{Segment(variantId)}";

    public Task<VariantView> CreateAsync(string productId, VariantInput request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<VariantView>(HttpMethod.Post, $"/v1/products/{Segment(productId)}/variants", request, options?.IdempotencyKey, ct);
    public Task<VariantView> GetAsync(string productId, string variantId, CancellationToken ct = default) =>
        t.Send<VariantView>(HttpMethod.Get, Of(productId, variantId), null, null, ct);
    public Task<VariantView> UpdateAsync(string productId, string variantId, UpdateVariantRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<VariantView>(HttpMethod.Patch, Of(productId, variantId), request, options?.IdempotencyKey, ct);
    /// <summary>Removes the variant; the answer is its product.</summary>
    public Task<ProductView> DeleteAsync(string productId, string variantId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<ProductView>(HttpMethod.Delete, Of(productId, variantId), null, options?.IdempotencyKey, ct);
}

/// <summary>A variant's stock and its history.</summary>
public sealed class InventoryResource(FlintTransport t)
{
    public Task<StockView> GetAsync(string productId, string variantId, CancellationToken ct = default) =>
        t.Send<StockView>(HttpMethod.Get, VariantsResource.Of(productId, variantId) + "/inventory", null, null, ct);
    public Task<InventoryAdjustmentResult> AdjustAsync(string productId, string variantId, InventoryAdjustmentRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<InventoryAdjustmentResult>(HttpMethod.Post, VariantsResource.Of(productId, variantId) + "/inventory-adjustments", request, options?.IdempotencyKey, ct);
    /// <summary>Every change of the variant's stock, newest first.</summary>
    public IAsyncEnumerable<InventoryChangeView> HistoryAsync(string productId, string variantId, ListOptions? options = null, CancellationToken ct = default) =>
        t.List<InventoryChangeView>(VariantsResource.Of(productId, variantId) + "/inventory-history", options, ct);
}

public sealed class CatalogResource(FlintTransport t)
{
    /// <summary>The variant or bundle with this SKU (404 when none).</summary>
    public Task<CatalogItemBySku> BySkuAsync(string sku, CancellationToken ct = default) =>
        t.Send<CatalogItemBySku>(HttpMethod.Get, $"/v1/catalog/by-sku/{Segment(sku)}", null, null, ct);
}

public sealed class BundlesResource(FlintTransport t) : ObjectsResource<BundleView, CreateBundleRequest, UpdateBundleRequest>(t, "/v1/bundles")
{
    public Task<BundleView> ReplaceCategoriesAsync(string bundleId, ReplaceCategoriesRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<BundleView>(HttpMethod.Put, Of(bundleId) + "/categories", request, options?.IdempotencyKey, ct);
    public Task<BundleView> AddComponentAsync(string bundleId, BundleComponentInput request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<BundleView>(HttpMethod.Post, Of(bundleId) + "/components", request, options?.IdempotencyKey, ct);
    public Task<BundleView> UpdateComponentAsync(string bundleId, string componentId, UpdateBundleComponentRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<BundleView>(HttpMethod.Patch, Of(bundleId) + $"/components/{Segment(componentId)}", request, options?.IdempotencyKey, ct);
    public Task<BundleView> RemoveComponentAsync(string bundleId, string componentId, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<BundleView>(HttpMethod.Delete, Of(bundleId) + $"/components/{Segment(componentId)}", null, options?.IdempotencyKey, ct);
}

public sealed class ModifierSetsResource(FlintTransport t) : ObjectsResource<ModifierSetView, ModifierSetRequest, ModifierSetRequest>(t, "/v1/modifier-sets");

/// <summary>An item as the product page creates it.</summary>
public sealed class CreateItemRequest
{
    public required string Name { get; init; }
    /// <summary>ITEM_TYPE_PRODUCT (a physical product; the only type so far).</summary>
    public string Type { get; init; } = ItemsResource.ProductType;
    public required MoneyInput UnitPriceMoney { get; init; }
    public string? Sku { get; init; }
    /// <summary>The stock it starts with; selling beyond it is refused (its inventory limit is enforced).</summary>
    public long? InventoryCount { get; init; }
}

/// <summary>The item made: <see cref="ItemId"/> is its product's id, <see cref="VariantId"/> what an order's line names.</summary>
public sealed record Item(string ItemId, string VariantId, ProductView Product);

/// <summary>
/// <c>Items.CreateAsync({ name, type, unitPriceMoney, sku, inventoryCount })</c> is a product with one default variant:
/// <c>POST /v1/products {name, product_type: "physical", default_variant: {unit_price_money, sku,
/// initial_quantity_available: inventoryCount, enforce_inventory_limit: true}}</c>. An order's line takes the item's
/// <see cref="Item.VariantId"/>.
/// </summary>
public sealed class ItemsResource(FlintTransport t)
{
    public const string ProductType = "ITEM_TYPE_PRODUCT";

    public async Task<Item> CreateAsync(CreateItemRequest item, RequestOptions? options = null, CancellationToken ct = default)
    {
        if (item.Type != ProductType) throw new ArgumentException($"Only {ProductType} items exist so far.", nameof(item));
        var product = await t.Send<ProductView>(HttpMethod.Post, "/v1/products", new CreateProductRequest
        {
            Name = item.Name,
            DefaultVariant = new VariantInput
            {
                UnitPriceMoney = item.UnitPriceMoney,
                Sku = item.Sku,
                InitialQuantityAvailable = item.InventoryCount,
                EnforceInventoryLimit = item.InventoryCount is null ? null : true,
            },
        }, options?.IdempotencyKey, ct);
        return new Item(product.ProductId, product.DefaultVariantId ?? throw new FlintError(200, "internal", "UNEXPECTED_RESPONSE", "The product has no default variant.", null, null), product);
    }
}
