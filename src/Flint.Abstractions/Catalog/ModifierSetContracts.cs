using Flint.Domain;

namespace Flint.Abstractions.Catalog;

[GenerateSerializer, Alias("flint.catalog.modifier_option_input")]
public sealed class ModifierOptionInput
{
    [Id(0)] public string? ModifierOptionId { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public MoneyInput? PriceAdjustmentMoney { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.modifier_set_input")]
public sealed class ModifierSetRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public int? MinSelections { get; set; }
    [Id(2)] public int? MaxSelections { get; set; }
    [Id(3)] public List<ModifierOptionInput>? Options { get; set; }
    [Id(4)] public string? Status { get; set; }
    [Id(5)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.modifier_option_view"), Immutable]
public sealed record ModifierOptionView(
    [property: Id(0)] string ModifierOptionId,
    [property: Id(1)] string Name,
    [property: Id(2)] Money PriceAdjustmentMoney);

[GenerateSerializer, Alias("flint.catalog.modifier_set_view")]
public sealed record ModifierSetView : CatalogObjectView
{
    [Id(0)] public required string ModifierSetId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public int MinSelections { get; init; }
    [Id(3)] public int MaxSelections { get; init; }
    [Id(4)] public required IReadOnlyList<ModifierOptionView> Options { get; init; }
    [Id(5)] public required string Status { get; init; }
}

public interface IModifierSetGrain : ICatalogObjectGrain<ModifierSetRequest, ModifierSetRequest, ModifierSetView>
{
    /// <summary>For assignment checks: throws RESOURCE_NOT_FOUND unless the set exists and is not deleted.</summary>
    Task EnsureAssignable();
}
