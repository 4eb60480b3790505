using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;

namespace Flint.Grains.Tests.Orders;

/// <summary>Request builders for order tests, so each test spells out only what it is about.</summary>
internal static class OrderRequests
{
    public static MoneyInput Money(long amount, string currency = "USD") => new() { Amount = amount, Currency = currency };

    public static LineItemInput AdHoc(string name, long price, long quantity = 1, string currency = "USD") =>
        new() { Name = name, UnitPriceMoney = Money(price, currency), Quantity = quantity };

    public static AddLineItemRequest AddAdHoc(string name, long price, long quantity = 1, long? version = null, string currency = "USD") =>
        new() { Name = name, UnitPriceMoney = Money(price, currency), Quantity = quantity, Version = version };

    public static AddLineItemRequest AddVariant(string variantId, long quantity = 1, params string[] modifierOptionIds) => new()
    {
        VariantId = variantId,
        Quantity = quantity,
        Modifiers = modifierOptionIds.Length == 0 ? null : modifierOptionIds.Select(id => new LineModifierInput { ModifierOptionId = id }).ToList(),
    };

    public static CreateOrderRequest Order(params LineItemInput[] lines) => new() { Currency = "USD", LineItems = [.. lines] };

    public static AddDiscountRequest PercentOff(string percentage, params string[] lineIds) => new()
    {
        Name = $"{percentage} % off",
        Percentage = percentage,
        LineItemIds = lineIds.Length == 0 ? null : [.. lineIds],
    };

    public static AddDiscountRequest AmountOff(long amount, params string[] lineIds) => new()
    {
        Name = $"{amount} off",
        AmountMoney = Money(amount),
        LineItemIds = lineIds.Length == 0 ? null : [.. lineIds],
    };

    public static TaxLocationInput Location(string country, string? region = null, string? postal = null) =>
        new() { Country = country, Region = region, PostalCode = postal };

    public static CreateProductRequest Product(string name, long price, string? sku = null, string taxCategory = "general",
        string? status = null, List<string>? modifierSetIds = null) => new()
    {
        Name = name,
        Status = status,
        ModifierSetIds = modifierSetIds,
        DefaultVariant = new VariantInput { UnitPriceMoney = Money(price), Sku = sku, TaxCategory = taxCategory },
    };
}
