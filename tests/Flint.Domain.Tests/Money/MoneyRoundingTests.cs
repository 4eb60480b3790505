// Deliberately not ".Money": a namespace of that name would shadow the Money type in every Flint.Domain.Tests.* namespace.
namespace Flint.Domain.Tests;

public sealed class MoneyRoundingTests
{
    [Theory]
    [InlineData("2.5", 2)]
    [InlineData("3.5", 4)]
    [InlineData("-2.5", -2)]
    [InlineData("-3.5", -4)]
    [InlineData("2.4999", 2)]
    [InlineData("2.5001", 3)]
    [InlineData("7", 7)]
    public void Half_even_rounds_ties_to_the_even_cent(string minorUnits, long expected) =>
        Assert.Equal(expected, MoneyRounding.RoundHalfEven(decimal.Parse(minorUnits, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Tax_of_8_875_percent_on_10_00_USD_is_89_cents()
    {
        // 1000 × 0.08875 = 88.75 cents → 89 (not a tie, plain rounding)
        Assert.Equal(89, MoneyRounding.RoundHalfEven(1000m * 0.08875m));
    }

    [Fact]
    public void Ten_percent_of_1_25_USD_is_12_cents_because_12_5_ties_to_even() =>
        Assert.Equal(12, MoneyRounding.RoundHalfEven(125m * 0.10m));

    [Theory]
    [InlineData("1279.6", 1280)] // 20 % of 6398: the product page's SPRING20 order
    [InlineData("91.5", 91)]     // 10 % of JPY 915, as Square answers it
    [InlineData("30.495", 30)]
    [InlineData("303.45", 303)]
    [InlineData("2.5", 2)]
    [InlineData("3.5", 3)]       // not to even: every exact half goes down
    [InlineData("2.5001", 3)]
    [InlineData("2.4999", 2)]
    [InlineData("7", 7)]
    [InlineData("-2.5", -3)]     // the smaller value, also below zero
    [InlineData("-2.4", -2)]
    public void Half_down_rounds_to_the_nearest_unit_and_an_exact_half_to_the_smaller(string minorUnits, long expected) =>
        Assert.Equal(expected, MoneyRounding.RoundHalfDown(decimal.Parse(minorUnits, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2.9", 2)]
    [InlineData("2.0", 2)]
    [InlineData("-2.1", -3)]
    public void Floor_rounds_toward_negative_infinity(string minorUnits, long expected) =>
        Assert.Equal(expected, MoneyRounding.FloorToMinor(decimal.Parse(minorUnits, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_result_beyond_a_long_is_AMOUNT_OVERFLOW()
    {
        Expect.Error("AMOUNT_OVERFLOW", () => MoneyRounding.RoundHalfEven((decimal)long.MaxValue + 1m));
        Expect.Error("AMOUNT_OVERFLOW", () => MoneyRounding.FloorToMinor((decimal)long.MinValue - 0.5m));
        Expect.Error("AMOUNT_OVERFLOW", () => MoneyRounding.RoundHalfDown((decimal)long.MaxValue + 0.6m));
    }
}
