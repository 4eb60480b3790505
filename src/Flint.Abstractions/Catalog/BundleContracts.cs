using Flint.Domain;

namespace Flint.Abstractions.Catalog;

[GenerateSerializer, Alias("flint.catalog.bundle_component_input")]
public sealed class BundleComponentInput
{
    [Id(0)] public string? VariantId { get; set; }
    [Id(1)] public long? Quantity { get; set; }
    [Id(2)] public int? Position { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.update_bundle_component")]
public sealed class UpdateBundleComponentRequest
{
    [Id(0)] public long? Quantity { get; set; }
    [Id(1)] public int? Position { get; set; }
}

/// <summary>A new bundle: everything a bundle update may set, its categories and its components.</summary>
[GenerateSerializer, Alias("flint.catalog.create_bundle")]
public sealed class CreateBundleRequest : UpdateBundleRequest
{
    [Id(0)] public List<string>? Categories { get; set; }
    [Id(1)] public List<BundleComponentInput>? Components { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.update_bundle")]
public class UpdateBundleRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string? Sku { get; set; }
    [Id(3)] public string? Barcode { get; set; }
    [Id(4)] public MoneyInput? UnitPriceMoney { get; set; }
    [Id(5)] public string? TaxCategory { get; set; }
    [Id(6)] public bool? Taxable { get; set; }
    [Id(7)] public string? Status { get; set; }
    [Id(8)] public List<string>? ModifierSetIds { get; set; }
    [Id(9)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.bundle_component_view")]
public sealed record BundleComponentView
{
    [Id(0)] public required string BundleComponentId { get; init; }
    [Id(1)] public required string VariantId { get; init; }
    [Id(2)] public string? ProductId { get; init; }
    [Id(3)] public long Quantity { get; init; }
    [Id(4)] public int Position { get; init; }
    [Id(5)] public long QuantityAvailable { get; init; }
}

[GenerateSerializer, Alias("flint.catalog.bundle_view")]
public sealed record BundleView : CatalogObjectView
{
    [Id(0)] public required string BundleId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? Description { get; init; }
    [Id(3)] public string? Sku { get; init; }
    [Id(4)] public string? Barcode { get; init; }
    [Id(5)] public required Money UnitPriceMoney { get; init; }
    [Id(6)] public required string TaxCategory { get; init; }
    [Id(7)] public bool Taxable { get; init; }
    [Id(8)] public required string Status { get; init; }
    [Id(9)] public required IReadOnlyList<string> Categories { get; init; }
    [Id(10)] public required IReadOnlyList<BundleComponentView> Components { get; init; }
    [Id(11)] public long QuantityAvailable { get; init; }
    [Id(12)] public bool AvailableForSale { get; init; }
    [Id(13)] public required IReadOnlyList<string> ModifierSetIds { get; init; }
}

public interface IBundleGrain : ICatalogObjectGrain<CreateBundleRequest, UpdateBundleRequest, BundleView>
{
    Task<BundleView> ReplaceCategories(ReplaceCategoriesRequest request);
    Task<BundleView> AddComponent(BundleComponentInput request);
    Task<BundleView> UpdateComponent(string componentId, UpdateBundleComponentRequest request);
    Task<BundleView> RemoveComponent(string componentId);
    [Orleans.Concurrency.ReadOnly]
    Task<SellableItem> GetSellable();
}
