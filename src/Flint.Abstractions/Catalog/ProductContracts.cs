using Flint.Domain;

namespace Flint.Abstractions.Catalog;

// Requests double as grain commands: the API deserializes them strictly, the grain validates them with
// the domain rules before changing anything. Every member is nullable so "missing" is visible.

[GenerateSerializer, Alias("flint.catalog.product_option")]
public sealed class ProductOptionInput
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public List<string>? Values { get; set; }
}

/// <summary>A new variant: everything a variant update may set, and its opening stock.</summary>
[GenerateSerializer, Alias("flint.catalog.variant_input")]
public sealed class VariantInput : UpdateVariantRequest
{
    [Id(0)] public long? InitialQuantityAvailable { get; set; }
}

/// <summary>The fields a product's create and update both take.</summary>
[GenerateSerializer, Alias("flint.catalog.product_fields")]
public abstract class ProductFieldsRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string? ProductType { get; set; }
    [Id(3)] public string? Status { get; set; }
    [Id(4)] public List<string>? ModifierSetIds { get; set; }
    [Id(5)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.create_product")]
public sealed class CreateProductRequest : ProductFieldsRequest
{
    [Id(0)] public List<string>? Categories { get; set; }
    [Id(1)] public List<ProductOptionInput>? Options { get; set; }
    [Id(2)] public List<VariantInput>? Variants { get; set; }
    [Id(3)] public VariantInput? DefaultVariant { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.update_product")]
public sealed class UpdateProductRequest : ProductFieldsRequest
{
    [Id(0)] public string? DefaultVariantId { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.update_variant")]
public class UpdateVariantRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public Dictionary<string, string>? OptionValues { get; set; }
    [Id(2)] public MoneyInput? UnitPriceMoney { get; set; }
    [Id(3)] public string? Sku { get; set; }
    [Id(4)] public string? Barcode { get; set; }
    [Id(5)] public string? TaxCategory { get; set; }
    [Id(6)] public bool? Taxable { get; set; }
    [Id(7)] public bool? EnforceInventoryLimit { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.replace_categories")]
public sealed class ReplaceCategoriesRequest
{
    [Id(0)] public List<string>? Categories { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.product_option_view"), Immutable]
public sealed record ProductOptionView([property: Id(0)] string Name, [property: Id(1)] IReadOnlyList<string> Values);

[GenerateSerializer, Alias("flint.catalog.variant_view")]
public sealed record VariantView
{
    [Id(0)] public required string VariantId { get; init; }
    [Id(1)] public required string ProductId { get; init; }
    [Id(2)] public string? Name { get; init; }
    [Id(3)] public required IReadOnlyDictionary<string, string> OptionValues { get; init; }
    [Id(4)] public required Money UnitPriceMoney { get; init; }
    [Id(5)] public string? Sku { get; init; }
    [Id(6)] public string? Barcode { get; init; }
    [Id(7)] public required string TaxCategory { get; init; }
    [Id(8)] public bool Taxable { get; init; }
    [Id(9)] public bool EnforceInventoryLimit { get; init; }
    /// <summary>Live from the variant's inventory grain when read by id; from its projection in lists.</summary>
    [Id(10)] public long QuantityAvailable { get; init; }
    [Id(11)] public DateTimeOffset CreatedAt { get; init; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; init; }
}

[GenerateSerializer, Alias("flint.catalog.product_view")]
public sealed record ProductView : CatalogObjectView
{
    [Id(0)] public required string ProductId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? Description { get; init; }
    [Id(3)] public required string ProductType { get; init; }
    [Id(4)] public required string Status { get; init; }
    [Id(5)] public required IReadOnlyList<string> Categories { get; init; }
    [Id(6)] public required IReadOnlyList<ProductOptionView> Options { get; init; }
    [Id(7)] public required IReadOnlyList<VariantView> Variants { get; init; }
    [Id(8)] public string? DefaultVariantId { get; init; }
    [Id(9)] public VariantView? DefaultVariant { get; init; }
    [Id(10)] public required IReadOnlyList<string> ModifierSetIds { get; init; }
}

public interface IProductGrain : ICatalogObjectGrain<CreateProductRequest, UpdateProductRequest, ProductView>
{
    Task<ProductView> ReplaceCategories(ReplaceCategoriesRequest request);
    Task<VariantView> AddVariant(VariantInput request);
    Task<VariantView> UpdateVariant(string variantId, UpdateVariantRequest request);
    Task<ProductView> RemoveVariant(string variantId);
    Task<VariantView> GetVariant(string variantId);
    /// <summary>The variant as an order line sees it; RESOURCE_NOT_FOUND if the product has no such variant.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<SellableItem> GetSellable(string variantId);
}
