using Flint.Domain;

namespace Flint.Abstractions.Catalog;

/// <summary>What an order line freezes from the catalog when it is added: price, name, SKU, tax treatment,
/// and what coupons and modifiers need to know.</summary>
[GenerateSerializer, Immutable, Alias("flint.catalog.sellable_item")]
public sealed record SellableItem
{
    /// <summary>variant | bundle</summary>
    [Id(0)] public required string ItemType { get; init; }
    [Id(1)] public string? ProductId { get; init; }
    [Id(2)] public string? VariantId { get; init; }
    [Id(3)] public string? BundleId { get; init; }
    [Id(4)] public required string Name { get; init; }
    [Id(5)] public string? Sku { get; init; }
    [Id(6)] public required Money UnitPriceMoney { get; init; }
    [Id(7)] public required string TaxCategory { get; init; }
    [Id(8)] public bool Taxable { get; init; }
    [Id(9)] public required IReadOnlyList<string> Categories { get; init; }
    [Id(10)] public required IReadOnlyList<string> ModifierSetIds { get; init; }
    /// <summary>False for inactive or deleted products, bundles and variants.</summary>
    [Id(11)] public bool Sellable { get; init; }
    /// <summary>For bundles: the variants (and quantities per bundle) stock is taken from.</summary>
    [Id(12)] public IReadOnlyList<BundleComponentView> Components { get; init; } = [];
}
