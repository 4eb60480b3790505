using Flint.Abstractions.Catalog;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;

namespace Flint.Grains.Catalog;

[GenerateSerializer, Alias("flint.catalog.product_state")]
public sealed class ProductState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string ProductType { get; set; } = "physical";
    [Id(3)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    [Id(4)] public List<string> Categories { get; set; } = [];
    /// <summary>Stored as the API shows them: an option (its name and values) is one value, with one type.</summary>
    [Id(5)] public List<ProductOptionView> Options { get; set; } = [];
    [Id(6)] public List<VariantState> Variants { get; set; } = [];
    [Id(7)] public string? DefaultVariantId { get; set; }
    [Id(8)] public List<string> ModifierSetIds { get; set; } = [];
    /// <summary>Variants whose inventory grain still has to learn their policy (value: initial quantity for a
    /// new variant). Written with the change that caused it and cleared once every inventory grain confirmed,
    /// so a crash in between is finished on the next activation instead of leaving stock out of step.</summary>
    [Id(12)] public Dictionary<string, long> PendingInventory { get; set; } = [];
}

[GenerateSerializer, Alias("flint.catalog.variant_state")]
public sealed class VariantState
{
    [Id(0)] public string VariantId { get; set; } = "";
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public Dictionary<string, string> OptionValues { get; set; } = [];
    [Id(3)] public Money UnitPriceMoney { get; set; }
    [Id(4)] public string? Sku { get; set; }
    [Id(5)] public string? Barcode { get; set; }
    [Id(6)] public string TaxCategory { get; set; } = "general";
    [Id(7)] public bool Taxable { get; set; } = true;
    [Id(8)] public bool EnforceInventoryLimit { get; set; }
    [Id(9)] public bool Deleted { get; set; }
    [Id(10)] public DateTimeOffset CreatedAt { get; set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; set; }
}
