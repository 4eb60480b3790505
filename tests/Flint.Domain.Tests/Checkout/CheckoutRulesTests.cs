using Flint.Domain.Checkout;

namespace Flint.Domain.Tests.Checkout;

public sealed class CheckoutRulesTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2500, "10", 250)]
    [InlineData(1999, "15", 300)]   // 299.85 → 300
    [InlineData(1250, "18", 225)]   // 225.00
    [InlineData(1005, "10", 100)]   // 100.5 → 100 (half to even)
    [InlineData(1015, "10", 102)]   // 101.5 → 102 (half to even)
    [InlineData(999, "12.5", 125)]  // 124.875 → 125
    public void A_tip_is_its_percentage_of_the_amount_due_rounded_half_to_even(long due, string percentage, long tip) =>
        Assert.Equal(tip, CheckoutRules.Tip(due, percentage));

    [Fact]
    public void A_session_lives_30_minutes_to_24_hours_and_24_hours_by_default()
    {
        Assert.Equal(Now.AddHours(24), CheckoutRules.ExpiresAt(null, Now));
        Assert.Equal(Now.AddMinutes(30), CheckoutRules.ExpiresAt(Now.AddMinutes(30), Now));
        Assert.Equal("VALUE_OUT_OF_RANGE", Assert.Throws<DomainException>(() => CheckoutRules.ExpiresAt(Now.AddMinutes(29), Now)).Code);
        Assert.Equal("VALUE_OUT_OF_RANGE", Assert.Throws<DomainException>(() => CheckoutRules.ExpiresAt(Now.AddHours(24).AddSeconds(1), Now)).Code);
    }

    [Fact]
    public void Tip_choices_are_one_to_five_distinct_percentages_normalized()
    {
        Assert.Equal(["10", "12.5"], CheckoutRules.TipChoices(["10", "12.50", "10"]));
        Assert.Empty(CheckoutRules.TipChoices(null));
        Assert.Equal("collect_tip", Assert.Throws<DomainException>(() => CheckoutRules.TipChoices([])).Param);
        Assert.Equal("collect_tip[1]", Assert.Throws<DomainException>(() => CheckoutRules.TipChoices(["10", "101"])).Param);
        Assert.Equal("collect_tip", Assert.Throws<DomainException>(() => CheckoutRules.TipChoices(["1", "2", "3", "4", "5", "6"])).Param);
    }

    [Fact]
    public void Redirect_urls_are_absolute_http_urls_and_the_placeholder_is_filled_in()
    {
        const string url = "https://shop.example/thanks?s={CHECKOUT_SESSION_ID}";
        Assert.Equal(url, CheckoutRules.RedirectUrl(url, "success_url", required: true));
        Assert.Equal("https://shop.example/thanks?s=cs_1", CheckoutRules.Landing(url, "cs_1"));
        Assert.Equal("INVALID_URL", Assert.Throws<DomainException>(() => CheckoutRules.RedirectUrl("javascript:alert(1)", "success_url", true)).Code);
        Assert.Equal("INVALID_URL", Assert.Throws<DomainException>(() => CheckoutRules.RedirectUrl("/thanks", "success_url", true)).Code);
        Assert.Equal("MISSING_REQUIRED_FIELD", Assert.Throws<DomainException>(() => CheckoutRules.RedirectUrl(null, "success_url", true)).Code);
    }

    [Theory]
    [InlineData("25", "USD", 2500L)]
    [InlineData("25.5", "USD", 2550L)]
    [InlineData("25.50", "USD", 2550L)]
    [InlineData("1000", "JPY", 1000L)]
    [InlineData("1.234", "KWD", 1234L)]
    [InlineData("1.234", "USD", null)]
    [InlineData("10.5", "JPY", null)]
    [InlineData("0", "USD", null)]
    [InlineData("-5", "USD", null)]
    [InlineData("1e3", "USD", null)]
    [InlineData("", "USD", null)]
    public void A_typed_amount_becomes_minor_units_only_when_the_currency_has_those_decimals(string text, string currency, long? minor) =>
        Assert.Equal(minor, CheckoutRules.MinorUnits(text, currency));

    [Theory]
    [InlineData("4242 4242 4242 4242", "tok_visa")]
    [InlineData("4000-0000-0000-0002", "tok_chargeDeclined")]
    [InlineData("5555555555554444", "tok_mastercard")]
    [InlineData(" tok_amex ", "tok_amex")]
    [InlineData("4111111111111111", "4111111111111111")]
    public void The_test_card_field_takes_stripes_test_numbers_or_tokens(string card, string token) =>
        Assert.Equal(token, CheckoutRules.TestToken(card));
}
