using Flint.Abstractions;
using Flint.Abstractions.Catalog;

namespace Flint.Grains.Tests.Catalog;

/// <summary>Request builders so each test spells out only what it is about.</summary>
internal static class CatalogRequests
{
    public static MoneyInput Usd(long amount) => new() { Amount = amount, Currency = "USD" };

    public static CreateProductRequest Simple(string name = "Tee", long price = 2500, long initialQuantity = 0, bool enforce = false, string? status = null) => new()
    {
        Name = name,
        Status = status,
        DefaultVariant = new VariantInput { UnitPriceMoney = Usd(price), InitialQuantityAvailable = initialQuantity, EnforceInventoryLimit = enforce },
    };

    public static VariantInput Variant(long price, long initialQuantity = 0, params (string Option, string Value)[] picks) => new()
    {
        UnitPriceMoney = Usd(price),
        InitialQuantityAvailable = initialQuantity,
        OptionValues = picks.ToDictionary(p => p.Option, p => p.Value),
    };

    public static ProductOptionInput Option(string name, params string[] values) => new() { Name = name, Values = [.. values] };
}
