using System.Text.Json.Serialization;
using Flint.Domain;

namespace Flint.Abstractions;

/// <summary>Lets Orleans carry the domain's <see cref="Money"/> without the domain knowing Orleans.</summary>
[GenerateSerializer, Alias("flint.money"), Immutable]
public struct MoneySurrogate
{
    [Id(0)] public long Amount;
    [Id(1)] public string Currency;
}

[RegisterConverter]
public sealed class MoneySurrogateConverter : IConverter<Money, MoneySurrogate>
{
    public Money ConvertFromSurrogate(in MoneySurrogate surrogate) => new(surrogate.Amount, surrogate.Currency);
    public MoneySurrogate ConvertToSurrogate(in Money value) => new() { Amount = value.Amount, Currency = value.Currency };
}

/// <summary>Money as a client sends it. Both members are nullable so a missing one is reported by name
/// instead of silently becoming 0 or null.</summary>
[GenerateSerializer, Alias("flint.money_input")]
public sealed class MoneyInput
{
    [Id(0)] public long? Amount { get; set; }
    [Id(1)] public string? Currency { get; set; }

    public Money ToMoney(string param, bool allowNegative = false)
    {
        if (Amount is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{param}.amount is required.", $"{param}.amount");
        if (Currency is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{param}.currency is required.", $"{param}.currency");
        return Money.Create(Amount.Value, Currency, param, allowNegative);
    }

    /// <summary>Money sent against an order (a payment, a tip, cash tendered, a refund, a discount): in the order's
    /// currency, else <c>400 CURRENCY_MISMATCH</c> on <c>{param}.currency</c>.</summary>
    public Money InOrderCurrency(string param, string orderCurrency)
    {
        var money = ToMoney(param);
        if (money.Currency != orderCurrency)
            throw DomainException.Invalid("CURRENCY_MISMATCH", $"The order is in {orderCurrency}.", $"{param}.currency");
        return money;
    }

    [JsonIgnore] public bool IsEmpty => Amount is null && Currency is null;
}
