// Deliberately not ".Money": a namespace of that name would shadow the Money type in every Flint.Domain.Tests.* namespace.
namespace Flint.Domain.Tests;

public sealed class CurrencyTests
{
    [Theory]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("CLP", 0)]
    [InlineData("ISK", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("TND", 3)]
    [InlineData("CLF", 4)]
    [InlineData("XCG", 2)]
    [InlineData("ZWG", 2)]
    public void Minor_unit_exponents_follow_ISO_4217(string code, int exponent)
    {
        Assert.True(Currency.TryGetExponent(code, out var actual));
        Assert.Equal(exponent, actual);
        Assert.Equal(exponent, Currency.GetExponent(code));
        Assert.True(Currency.IsKnown(code));
    }

    [Theory]
    [InlineData("XYZ")] // never assigned
    [InlineData("XAU")] // gold: no minor unit, not chargeable
    [InlineData("XXX")] // "no currency"
    [InlineData("HRK")] // withdrawn when Croatia adopted the euro
    [InlineData("ANG")] // replaced by XCG
    [InlineData("usd")] // lower case is not the wire form
    [InlineData("US")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_or_miswritten_codes_are_not_known(string? code)
    {
        Assert.False(Currency.IsKnown(code));
        Assert.False(Currency.TryGetExponent(code, out _));
    }

    [Fact]
    public void The_table_holds_every_current_ISO_4217_code_with_a_minor_unit()
    {
        Assert.Equal(165, Currency.Codes.Count);
        Assert.All(Currency.Codes, code => Assert.Matches("^[A-Z]{3}$", code));
    }

    [Fact]
    public void Validating_a_known_code_returns_it() =>
        Assert.Equal("USD", Currency.Validate("USD", "currency"));

    [Fact]
    public void An_unknown_currency_is_INVALID_CURRENCY_at_its_path()
    {
        var error = Expect.Error("INVALID_CURRENCY", () => Currency.Validate("XYZ", "price.currency"));
        Assert.Equal("price.currency", error.Param);
        Assert.Equal(DomainErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public void Lower_case_usd_is_INVALID_CURRENCY_and_the_message_suggests_USD()
    {
        var error = Expect.Error("INVALID_CURRENCY", () => Currency.Validate("usd", "currency"));
        Assert.Contains("\"USD\"", error.Message);
    }

    [Fact]
    public void A_missing_currency_is_INVALID_CURRENCY() =>
        Expect.Error("INVALID_CURRENCY", () => Currency.Validate(null, "currency"));
}
