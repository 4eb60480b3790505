using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Orders;

public sealed class PercentageTests
{
    [Theory]
    [InlineData("20", "20")]
    [InlineData("12.5", "12.5")]
    [InlineData("8.875", "8.875")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("100", "100")]
    [InlineData("100.0000", "100")]
    [InlineData("7.2500", "7.25")]
    [InlineData("0.5", "0.5")]
    public void A_plain_decimal_string_in_0_to_100_parses_and_formats_normalized(string input, string formatted)
    {
        var percentage = Percentage.Parse(input, "percentage", Percentage.TaxDecimals);

        Assert.Equal(formatted, Percentage.Format(percentage));
    }

    [Fact]
    public void Parsing_is_exact_in_decimal() =>
        Assert.Equal(8.875m, Percentage.Parse("8.875", "percentage", 4));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0.0000")]
    [InlineData("100.0001")]
    [InlineData("101")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1e1")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("05")]
    [InlineData("5,5")]
    [InlineData("1,000")]
    [InlineData("8.87501")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999999999999")]
    [InlineData("٥")] // Arabic-Indic digit five: digits are ASCII only
    public void Anything_else_is_an_invalid_percentage(string? input)
    {
        var error = Expect.Error("INVALID_PERCENTAGE", () => Percentage.Parse(input, "discount.percentage", 4));

        Assert.Equal("discount.percentage", error.Param);
    }

    [Fact]
    public void The_decimal_limit_is_the_callers()
    {
        Assert.Equal(12.5m, Percentage.Parse("12.5", "percentage", 1));
        Expect.Error("INVALID_PERCENTAGE", () => Percentage.Parse("12.25", "percentage", 1));
    }
}
