using Flint.Domain.Orders;
using static Flint.Domain.Tests.Orders.Cart;

namespace Flint.Domain.Tests.Orders;

/// <summary>
/// The README's worked example: 2 × Organic Coffee Beans + 1 × Ceramic Pour-Over Mug, coupon SPRING20 (20 % off
/// everything), a 9 % additive rate on general goods. The same prices in three currencies with 2, 0 and 3 decimals.
/// </summary>
public sealed class WorkedExampleTests
{
    private static OrderCalculation Example(string currency, long coffeeUnitPrice, long mugUnitPrice) =>
        Calculate(
            currency,
            [Line("li_coffee", 2, coffeeUnitPrice), Line("li_mug", 1, mugUnitPrice)],
            [PercentOff("SPRING20", 20m)],
            [Additive("tax_general", 9m, "general")]);

    [Fact]
    public void Usd_two_coffee_bags_and_a_mug_with_spring20_and_9_percent_tax_total_55_79()
    {
        var order = Example("USD", 19_99, 24_00);

        // Subtotal: 2 × 19.99 = 39.98, plus 24.00 = 63.98.
        Assert.Equal(39_98, order.LineOf("li_coffee").GrossSalesMinor);
        Assert.Equal(24_00, order.LineOf("li_mug").GrossSalesMinor);
        Assert.Equal(63_98, order.SubtotalMinor);

        // SPRING20 on the aggregate 63.98 = 1279.6 cents → 12.80 (nearest cent; the product page's figure), split
        // 39.98 : 24.00 → 799.84 and 480.16 → floors 799 + 480 = 1279, the odd cent to the larger remainder (.84, the coffee).
        Assert.Equal(12_80, order.Applied("SPRING20"));
        Assert.Equal(12_80, order.DiscountMinor);
        Assert.Equal(8_00, order.LineOf("li_coffee").DiscountShare("SPRING20"));
        Assert.Equal(4_80, order.LineOf("li_mug").DiscountShare("SPRING20"));

        // Taxable base 31.98 + 19.20 = 51.18; 9 % = 460.62 cents → 4.61 (half to even), split 31.98 : 19.20
        // → 288.06 and 172.94 → floors 288 + 172 = 460, the odd cent to the mug (.94).
        Assert.Equal(4_61, order.Applied("tax_general"));
        Assert.Equal(4_61, order.TaxMinor);
        Assert.Equal(4_61, order.AdditiveTaxMinor);
        Assert.Equal(0, order.InclusiveTaxMinor);
        Assert.Equal(2_88, order.LineOf("li_coffee").TaxShare("tax_general"));
        Assert.Equal(1_73, order.LineOf("li_mug").TaxShare("tax_general"));

        // Line totals: 39.98 − 8.00 + 2.88 = 34.86 and 24.00 − 4.80 + 1.73 = 20.93; order 63.98 − 12.80 + 4.61 = 55.79.
        Assert.Equal(34_86, order.LineOf("li_coffee").TotalMinor);
        Assert.Equal(20_93, order.LineOf("li_mug").TotalMinor);
        Assert.Equal(55_79, order.TotalMinor);
        Assert.Equal(55_79, order.GrossTotalMinor);
        Assert.Equal(55_79, order.BalanceMinor);
        Assert.Equal(new Money(55_79, "USD"), order.Total);
        Assert.Equal("55.79 USD", order.Total.ToString());
    }

    [Fact]
    public void Paying_the_worked_example_in_full_leaves_nothing_owed()
    {
        var order = Calculate(
            "USD",
            [Line("li_coffee", 2, 19_99), Line("li_mug", 1, 24_00)],
            [PercentOff("SPRING20", 20m)],
            [Additive("tax_general", 9m, "general")],
            paid: 55_79);

        Assert.Equal(new Money(55_79, "USD"), order.Paid);
        Assert.Equal(55_79, order.TotalMinor);
        Assert.Equal(0, order.BalanceMinor);
    }

    [Fact]
    public void Jpy_1999_and_2400_yen_with_spring20_and_9_percent_tax_total_5579_yen()
    {
        // Yen have no decimals, so the minor units are whole yen: subtotal ¥6398; 20 % = 1279.6 → ¥1280 (nearest),
        // split 800 / 480; base ¥5118; 9 % = 460.62 → ¥461, split 288 / 173; total 6398 − 1280 + 461 = ¥5579.
        var order = Example("JPY", 1999, 2400);

        Assert.Equal(6398, order.SubtotalMinor);
        Assert.Equal(1280, order.DiscountMinor);
        Assert.Equal(800, order.LineOf("li_coffee").TotalDiscountMinor);
        Assert.Equal(480, order.LineOf("li_mug").TotalDiscountMinor);
        Assert.Equal(461, order.TaxMinor);
        Assert.Equal(288, order.LineOf("li_coffee").TotalTaxMinor);
        Assert.Equal(173, order.LineOf("li_mug").TotalTaxMinor);
        Assert.Equal(5579, order.TotalMinor);
        Assert.Equal("5579 JPY", order.Total.ToString());
    }

    [Fact]
    public void Jpy_915_with_10_percent_off_is_91_yen_off_because_an_exact_half_goes_down()
    {
        // 10 % of ¥915 = ¥91.5 exactly → ¥91 (Square's answer for the same order), total ¥824.
        var order = Calculate("JPY", [Line("li_1", 1, 915)], [PercentOff("TEN", 10m)]);

        Assert.Equal(91, order.DiscountMinor);
        Assert.Equal(824, order.TotalMinor);
    }

    [Fact]
    public void Kwd_19_990_and_24_000_with_spring20_and_9_percent_tax_total_55_791()
    {
        // Three decimals (fils): subtotal 2 × 19990 + 24000 = 63980; 20 % = 12796 exactly, split 7996 / 4800 with no
        // remainder; base 31984 + 19200 = 51184; 9 % = 4606.56 → 4607, split 31984 : 19200 → 2878.835 and 1728.165
        // → floors 2878 + 1728 = 4606, the odd fil to the coffee (.835); total 63980 − 12796 + 4607 = 55791.
        var order = Example("KWD", 19_990, 24_000);

        Assert.Equal(63_980, order.SubtotalMinor);
        Assert.Equal(12_796, order.DiscountMinor);
        Assert.Equal(7_996, order.LineOf("li_coffee").TotalDiscountMinor);
        Assert.Equal(4_800, order.LineOf("li_mug").TotalDiscountMinor);
        Assert.Equal(4_607, order.TaxMinor);
        Assert.Equal(2_879, order.LineOf("li_coffee").TotalTaxMinor);
        Assert.Equal(1_728, order.LineOf("li_mug").TotalTaxMinor);
        Assert.Equal(34_863, order.LineOf("li_coffee").TotalMinor);
        Assert.Equal(20_928, order.LineOf("li_mug").TotalMinor);
        Assert.Equal(55_791, order.TotalMinor);
        Assert.Equal("55.791 KWD", order.Total.ToString());
    }

    [Theory]
    // 4.61 × 27.89 / 55.79 = 230.46 cents → 2.30; net tax 2.31, net total 27.90, nothing owed.
    [InlineData(27_89L, 2_30L)]
    // The rest: cumulative 4.61 × 55.79 / 55.79 = 4.61, so this refund returns the remaining 2.31 and no tax is left.
    [InlineData(55_79L, 4_61L)]
    // 4.61 × 27.90 / 55.79 = 230.54 cents → 2.31.
    [InlineData(27_90L, 2_31L)]
    public void Refunds_of_the_worked_example_reverse_its_tax_to_the_cent(long refunded, long refundedTax)
    {
        var order = Calculate(
            "USD",
            [Line("li_coffee", 2, 19_99), Line("li_mug", 1, 24_00)],
            [PercentOff("SPRING20", 20m)],
            [Additive("tax_general", 9m, "general")],
            paid: 55_79,
            refunded: refunded);

        Assert.Equal(refundedTax, order.RefundedTaxMinor);
        Assert.Equal(4_61 - refundedTax, order.TaxMinor);
        Assert.Equal(55_79 - refunded, order.TotalMinor);
        Assert.Equal(55_79, order.GrossTotalMinor);
        Assert.Equal(0, order.BalanceMinor);
    }
}
