// Deliberately not ".Money": a namespace of that name would shadow the Money type in every Flint.Domain.Tests.* namespace.
namespace Flint.Domain.Tests;

public sealed class MoneyTests
{
    private static Money Usd(long cents) => new(cents, "USD");

    [Fact]
    public void Adding_10_50_and_0_75_USD_gives_11_25() =>
        Assert.Equal(Usd(1125), Usd(1050) + Usd(75));

    [Fact]
    public void Subtracting_can_go_negative() =>
        Assert.Equal(Usd(-25), Usd(50) - Usd(75));

    [Fact]
    public void Three_units_of_3_33_cost_9_99()
    {
        Assert.Equal(Usd(999), Usd(333) * 3);
        Assert.Equal(Usd(999), 3 * Usd(333));
    }

    [Fact]
    public void Negating_flips_the_sign() =>
        Assert.Equal(Usd(-1050), -Usd(1050));

    [Fact]
    public void Adding_past_long_max_is_AMOUNT_OVERFLOW() =>
        Expect.Error("AMOUNT_OVERFLOW", () => Usd(long.MaxValue) + Usd(1));

    [Fact]
    public void Subtracting_past_long_min_is_AMOUNT_OVERFLOW() =>
        Expect.Error("AMOUNT_OVERFLOW", () => Usd(long.MinValue) - Usd(1));

    [Fact]
    public void Multiplying_past_long_max_is_AMOUNT_OVERFLOW() =>
        Expect.Error("AMOUNT_OVERFLOW", () => Usd(Money.MaxAmount) * 1_000_000);

    [Fact]
    public void Negating_long_min_is_AMOUNT_OVERFLOW() =>
        Expect.Error("AMOUNT_OVERFLOW", () => -Usd(long.MinValue));

    [Fact]
    public void The_cap_times_900_000_still_fits_in_a_long() =>
        Assert.Equal(Money.MaxAmount * 900_000, (Usd(Money.MaxAmount) * 900_000).Amount);

    [Fact]
    public void Adding_USD_to_EUR_is_CURRENCY_MISMATCH()
    {
        var error = Expect.Error("CURRENCY_MISMATCH", () => Usd(100) + new Money(100, "EUR"));
        Assert.Equal(DomainErrorKind.InvalidRequest, error.Kind);
        Expect.Error("CURRENCY_MISMATCH", () => Usd(100) - new Money(100, "EUR"));
        Expect.Error("CURRENCY_MISMATCH", () => Usd(100) < new Money(100, "EUR"));
    }

    [Fact]
    public void Comparisons_and_min_max_work_within_one_currency()
    {
        Assert.True(Usd(1) < Usd(2));
        Assert.True(Usd(2) >= Usd(2));
        Assert.Equal(Usd(1), Money.Min(Usd(1), Usd(2)));
        Assert.Equal(Usd(2), Money.Max(Usd(1), Usd(2)));
    }

    [Fact]
    public void Zero_is_zero_in_the_given_currency()
    {
        Assert.Equal(new Money(0, "JPY"), Money.Zero("JPY"));
        Assert.True(Money.Zero("JPY").IsZero());
        Expect.Error("INVALID_CURRENCY", () => Money.Zero("yen"));
    }

    [Fact]
    public void Sum_of_no_amounts_is_zero_and_of_several_is_their_total()
    {
        Assert.Equal(Usd(0), Money.Sum([], "USD"));
        Assert.Equal(Usd(600), Money.Sum([Usd(100), Usd(200), Usd(300)], "USD"));
    }

    [Fact]
    public void Create_accepts_a_valid_amount_and_currency() =>
        Assert.Equal(Usd(1999), Money.Create(1999, "USD", "price"));

    [Fact]
    public void Create_refuses_a_negative_amount_with_INVALID_AMOUNT_at_price_amount()
    {
        var error = Expect.Error("INVALID_AMOUNT", () => Money.Create(-1, "USD", "price"));
        Assert.Equal("price.amount", error.Param);
    }

    [Fact]
    public void Create_accepts_a_negative_amount_when_allowed() =>
        Assert.Equal(Usd(-500), Money.Create(-500, "USD", "adjustment", allowNegative: true));

    [Fact]
    public void Create_accepts_the_cap_and_refuses_one_more_with_AMOUNT_TOO_LARGE()
    {
        Assert.Equal(9_999_999_999_999, Money.Create(9_999_999_999_999, "USD", "price").Amount);
        var error = Expect.Error("AMOUNT_TOO_LARGE", () => Money.Create(10_000_000_000_000, "USD", "price"));
        Assert.Equal("price.amount", error.Param);
        Expect.Error("AMOUNT_TOO_LARGE", () => Money.Create(-10_000_000_000_000, "USD", "price", allowNegative: true));
    }

    [Fact]
    public void Create_refuses_lower_case_currency_with_INVALID_CURRENCY_at_price_currency()
    {
        var error = Expect.Error("INVALID_CURRENCY", () => Money.Create(100, "usd", "price"));
        Assert.Equal("price.currency", error.Param);
    }

    [Fact]
    public void Create_without_a_path_points_at_amount_and_currency()
    {
        Assert.Equal("currency", Expect.Error("INVALID_CURRENCY", () => Money.Create(1, "XYZ", "")).Param);
        Assert.Equal("amount", Expect.Error("INVALID_AMOUNT", () => Money.Create(-1, "USD", "")).Param);
    }

    [Theory]
    [InlineData(1050, "USD", "10.50 USD")]
    [InlineData(-5, "USD", "-0.05 USD")]
    [InlineData(1050, "JPY", "1050 JPY")]
    [InlineData(1050, "KWD", "1.050 KWD")]
    public void Amounts_print_in_major_units(long amount, string currency, string text) =>
        Assert.Equal(text, new Money(amount, currency).ToString());

    [Fact]
    public void Major_units_are_exact_decimals()
    {
        Assert.Equal(10.50m, Usd(1050).ToMajorUnits());
        Assert.Equal(1.234m, new Money(1234, "BHD").ToMajorUnits());
    }
}
