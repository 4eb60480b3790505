using Flint.Domain.Orders;
using static Flint.Domain.Tests.Orders.Cart;

namespace Flint.Domain.Tests.Orders;

public sealed class OrderCalculatorTests
{
    [Fact]
    public void Line_gross_is_unit_price_plus_modifier_adjustments_times_quantity()
    {
        // (5.00 + 1.50 extra shot) × 3 = 19.50; a −1.00 "small" modifier makes (5.00 − 1.00) × 2 = 8.00.
        var order = Calculate("USD", [Line("li_1", 3, 5_00, modifiers: 1_50), Line("li_2", 2, 5_00, modifiers: -1_00)]);

        Assert.Equal(19_50, order.LineOf("li_1").GrossSalesMinor);
        Assert.Equal(8_00, order.LineOf("li_2").GrossSalesMinor);
        Assert.Equal(27_50, order.SubtotalMinor);
        Assert.Equal(27_50, order.TotalMinor);
    }

    [Fact]
    public void An_empty_order_is_all_zeros()
    {
        var order = Calculate("USD", []);

        Assert.Equal(0, order.SubtotalMinor);
        Assert.Equal(0, order.TotalMinor);
        Assert.Equal(0, order.BalanceMinor);
        Assert.Empty(order.Lines);
    }

    [Fact]
    public void Percentage_discounts_compound_in_the_order_they_were_added()
    {
        // 10 % of 100.00 = 10.00, then 10 % of the remaining 90.00 = 9.00: 19.00 in all, not 20.00.
        var order = Calculate("USD", [Line("li_1", 1, 100_00)], [PercentOff("d_first", 10m), PercentOff("d_second", 10m)]);

        Assert.Equal(10_00, order.Applied("d_first"));
        Assert.Equal(9_00, order.Applied("d_second"));
        Assert.Equal(19_00, order.DiscountMinor);
        Assert.Equal(81_00, order.TotalMinor);
    }

    [Fact]
    public void Each_compounded_percentage_rounds_down_on_what_the_previous_left()
    {
        // 20 % of 9.99 = 199.8 → 2.00, leaving 7.99; 10 % of 7.99 = 79.9 → 0.80 (10 % of 9.99 would be 1.00).
        var order = Calculate("USD", [Line("li_1", 1, 9_99)], [PercentOff("d_20", 20m), PercentOff("d_10", 10m)]);

        Assert.Equal(2_00, order.Applied("d_20"));
        Assert.Equal(80, order.Applied("d_10"));
        Assert.Equal(7_19, order.TotalMinor);
    }

    [Fact]
    public void Percentage_discounts_apply_before_fixed_ones_whatever_order_they_were_added_in()
    {
        // Added fixed first, but 10 % is still taken from the full 100.00 (10.00), then 5.00 off: 15.00.
        // Fixed first would have given 5.00 + 9.50 = 14.50.
        var order = Calculate("USD", [Line("li_1", 1, 100_00)], [AmountOff("d_fixed", 5_00), PercentOff("d_pct", 10m)]);

        Assert.Equal(10_00, order.Applied("d_pct"));
        Assert.Equal(5_00, order.Applied("d_fixed"));
        Assert.Equal(15_00, order.DiscountMinor);
        Assert.Equal(["d_fixed", "d_pct"], order.Discounts.Select(d => d.DiscountId));
        Assert.Equal(["d_fixed", "d_pct"], order.LineOf("li_1").DiscountShares.Select(s => s.Id));
    }

    [Fact]
    public void A_fixed_discount_larger_than_the_order_is_capped_and_no_line_goes_below_zero()
    {
        var order = Calculate(
            "USD",
            [Line("li_1", 1, 10_00), Line("li_2", 1, 5_00)],
            [AmountOff("d_fixed", 20_00)],
            [Additive("tax", 10m)]);

        Assert.Equal(15_00, order.Applied("d_fixed"));
        Assert.Equal(10_00, order.LineOf("li_1").TotalDiscountMinor);
        Assert.Equal(5_00, order.LineOf("li_2").TotalDiscountMinor);
        Assert.All(order.Lines, l => Assert.Equal(0, l.TotalMinor));
        Assert.Equal(0, order.TaxMinor);
        Assert.Equal(0, order.TotalMinor);
    }

    [Fact]
    public void A_discount_after_a_100_percent_discount_comes_to_zero()
    {
        var order = Calculate("USD", [Line("li_1", 1, 10_00)], [PercentOff("d_all", 100m), PercentOff("d_more", 10m), AmountOff("d_fixed", 1_00)]);

        Assert.Equal(10_00, order.Applied("d_all"));
        Assert.Equal(0, order.Applied("d_more"));
        Assert.Equal(0, order.Applied("d_fixed"));
        Assert.Equal(0, order.TotalMinor);
    }

    [Fact]
    public void An_order_discount_is_computed_once_on_the_aggregate_and_split_by_largest_remainder()
    {
        // 10 % of 3 × 3.33 + 0.01 = 10.00 → 1.00; per-line rounding would have lost a cent (0.33 × 3).
        var order = Calculate(
            "USD",
            [Line("li_1", 1, 3_33), Line("li_2", 1, 3_33), Line("li_3", 1, 3_34)],
            [PercentOff("d_10", 10m)]);

        Assert.Equal(1_00, order.Applied("d_10"));
        Assert.Equal([33, 33, 34], order.Lines.Select(l => l.TotalDiscountMinor));
    }

    [Fact]
    public void A_discount_restricted_to_eligible_lines_is_computed_once_on_their_aggregate()
    {
        // Coupon on two 9.95 lines only: 10 % of 19.90 = 1.99 exactly (per line it would be 99.5 → 0.99 twice = 1.98);
        // split 99.5 : 99.5, the odd cent to the first of the tied lines.
        var coupon = new OrderDiscount("d_cpn", "MUGS10", DiscountType.Percentage, 10m, null, null, ["li_a", "li_b"]);
        var order = Calculate("USD", [Line("li_a", 1, 9_95), Line("li_b", 1, 9_95), Line("li_c", 1, 50_00)], [coupon]);

        Assert.Equal(1_99, order.Applied("d_cpn"));
        Assert.Equal(1_00, order.LineOf("li_a").DiscountShare("d_cpn"));
        Assert.Equal(99, order.LineOf("li_b").DiscountShare("d_cpn"));
        Assert.Empty(order.LineOf("li_c").DiscountShares);
        Assert.Equal(50_00, order.LineOf("li_c").TotalMinor);
    }

    [Fact]
    public void A_line_scoped_percentage_is_computed_and_rounded_on_each_listed_line()
    {
        // 15 % of 9.99 = 149.85 → 1.50 on each of the two listed lines; the third line is untouched.
        var order = Calculate(
            "USD",
            [Line("li_a", 1, 9_99), Line("li_b", 1, 9_99), Line("li_c", 1, 20_00)],
            [PercentOffLines("d_line", 15m, "li_a", "li_b")]);

        Assert.Equal(1_50, order.LineOf("li_a").DiscountShare("d_line"));
        Assert.Equal(1_50, order.LineOf("li_b").DiscountShare("d_line"));
        Assert.Equal(3_00, order.Applied("d_line"));
        Assert.Empty(order.LineOf("li_c").DiscountShares);
    }

    [Fact]
    public void A_line_scoped_fixed_amount_comes_off_each_listed_line_capped_at_that_line()
    {
        var order = Calculate(
            "USD",
            [Line("li_a", 1, 5_00), Line("li_b", 1, 30_00)],
            [AmountOffLines("d_line", 7_00, "li_a", "li_b")]);

        Assert.Equal(5_00, order.LineOf("li_a").DiscountShare("d_line"));
        Assert.Equal(7_00, order.LineOf("li_b").DiscountShare("d_line"));
        Assert.Equal(12_00, order.Applied("d_line"));
        Assert.Equal(0, order.LineOf("li_a").TotalMinor);
    }

    [Fact]
    public void Unknown_line_ids_in_a_discount_are_ignored()
    {
        var order = Calculate("USD", [Line("li_a", 1, 10_00)], [PercentOffLines("d_line", 50m, "li_gone", "li_a")]);

        Assert.Equal(5_00, order.Applied("d_line"));
    }

    [Fact]
    public void Inclusive_tax_is_carved_out_of_the_price_and_does_not_change_the_total()
    {
        // 10.00 with 20 % VAT inside: 1000 × 20 / 120 = 166.67 → 1.67 of tax, the customer still pays 10.00.
        var order = Calculate("EUR", [Line("li_1", 1, 10_00)], rates: [Inclusive("vat", 20m)]);

        Assert.Equal(1_67, order.Applied("vat"));
        Assert.Equal(1_67, order.InclusiveTaxMinor);
        Assert.Equal(0, order.AdditiveTaxMinor);
        Assert.Equal(1_67, order.TaxMinor);
        Assert.Equal(1_67, order.LineOf("li_1").TotalTaxMinor);
        Assert.Equal(10_00, order.LineOf("li_1").TotalMinor);
        Assert.Equal(10_00, order.TotalMinor);
    }

    [Fact]
    public void Inclusive_tax_is_carved_out_of_the_discounted_amount()
    {
        // 120.00 − 25 % = 90.00; 90.00 × 20 / 120 = 15.00 of VAT inside it.
        var order = Calculate("EUR", [Line("li_1", 1, 120_00)], [PercentOff("d", 25m)], [Inclusive("vat", 20m)]);

        Assert.Equal(15_00, order.TaxMinor);
        Assert.Equal(90_00, order.TotalMinor);
    }

    [Fact]
    public void Two_inclusive_rates_on_one_line_share_the_carve_out()
    {
        // 12.50 containing 20 % + 5 %: net = 1250 × 100 / 125 = 10.00, so 2.00 and 0.50 of tax.
        var order = Calculate("EUR", [Line("li_1", 1, 12_50)], rates: [Inclusive("vat", 20m), Inclusive("levy", 5m)]);

        Assert.Equal(2_00, order.Applied("vat"));
        Assert.Equal(50, order.Applied("levy"));
        Assert.Equal(12_50, order.TotalMinor);
    }

    [Fact]
    public void An_additive_rate_is_computed_on_the_amount_net_of_inclusive_tax()
    {
        // 107.00 contains 7 % inclusive (7.00), leaving 100.00 net; 5 % additive on that is 5.00; total 112.00.
        var order = Calculate(
            "USD",
            [Line("li_1", 1, 107_00)],
            rates: [Additive("surcharge", 5m), Inclusive("vat", 7m)]);

        Assert.Equal(7_00, order.Applied("vat"));
        Assert.Equal(5_00, order.Applied("surcharge"));
        Assert.Equal(12_00, order.TaxMinor);
        Assert.Equal(112_00, order.TotalMinor);
        Assert.Equal(["surcharge", "vat"], order.Taxes.Select(t => t.TaxRateId));
    }

    [Fact]
    public void State_and_city_rates_stack_on_a_line_each_rounded_once()
    {
        // 19.99 × 6.25 % = 124.9375 → 1.25; × 2.25 % = 44.9775 → 0.45; total 19.99 + 1.70 = 21.69.
        var order = Calculate(
            "USD",
            [Line("li_1", 1, 19_99)],
            rates: [Additive("tax_state", 6.25m), Additive("tax_city", 2.25m)]);

        Assert.Equal(1_25, order.Applied("tax_state"));
        Assert.Equal(45, order.Applied("tax_city"));
        Assert.Equal(1_70, order.TaxMinor);
        Assert.Equal(2, order.LineOf("li_1").TaxShares.Count);
        Assert.Equal(21_69, order.TotalMinor);
    }

    [Fact]
    public void Each_rate_is_computed_on_the_aggregate_base_not_line_by_line()
    {
        // Three lines of 0.05 at 10 %: 0.5 cent each would round to 0 three times; on the aggregate 0.15 it is
        // 1.5 → 2 cents, split by largest remainder 1 / 1 / 0.
        var order = Calculate("USD", [Line("li_1", 1, 5), Line("li_2", 1, 5), Line("li_3", 1, 5)], rates: [Additive("tax", 10m)]);

        Assert.Equal(2, order.TaxMinor);
        Assert.Equal([1, 1, 0], order.Lines.Select(l => l.TotalTaxMinor));
    }

    [Fact]
    public void A_non_taxable_line_gets_no_tax()
    {
        var order = Calculate(
            "USD",
            [Line("li_goods", 1, 10_00), Line("li_gift_card", 1, 25_00, taxable: false)],
            rates: [Additive("tax", 10m)]);

        Assert.Equal(1_00, order.TaxMinor);
        Assert.Equal(1_00, order.LineOf("li_goods").TotalTaxMinor);
        Assert.Empty(order.LineOf("li_gift_card").TaxShares);
        Assert.Equal(25_00, order.LineOf("li_gift_card").TotalMinor);
    }

    [Fact]
    public void A_rate_limited_to_categories_taxes_only_lines_of_those_categories()
    {
        var order = Calculate(
            "USD",
            [Line("li_bread", 1, 4_00, "food"), Line("li_shirt", 1, 20_00, "clothing")],
            rates: [Additive("tax_food", 2m, "food"), Additive("tax_all", 5m)]);

        Assert.Equal(8, order.Applied("tax_food"));
        Assert.Equal(1_20, order.Applied("tax_all"));
        Assert.Equal(["tax_food", "tax_all"], order.LineOf("li_bread").TaxShares.Select(s => s.Id));
        Assert.Equal(["tax_all"], order.LineOf("li_shirt").TaxShares.Select(s => s.Id));
    }

    [Fact]
    public void Tip_is_neither_discounted_nor_taxed()
    {
        // 20.00 − 50 % = 10.00; 10 % tax = 1.00; tip 3.00 added untouched: 14.00.
        var order = Calculate("USD", [Line("li_1", 1, 20_00)], [PercentOff("d", 50m)], [Additive("tax", 10m)], tip: 3_00);

        Assert.Equal(10_00, order.DiscountMinor);
        Assert.Equal(1_00, order.TaxMinor);
        Assert.Equal(3_00, order.TipMinor);
        Assert.Equal(14_00, order.TotalMinor);
        Assert.Equal(11_00, order.Lines.Sum(l => l.TotalMinor));
    }

    [Theory]
    [InlineData(25, 2)] // 2.5 → 2
    [InlineData(35, 4)] // 3.5 → 4
    [InlineData(15, 2)] // 1.5 → 2
    [InlineData(125, 12)] // 12.5 → 12
    [InlineData(26, 3)] // 2.6 → 3, not a tie
    public void Tax_ties_round_half_to_even(long baseAmount, long expectedTax)
    {
        var order = Calculate("USD", [Line("li_1", 1, baseAmount)], rates: [Additive("tax", 10m)]);

        Assert.Equal(expectedTax, order.TaxMinor);
    }

    [Theory]
    [InlineData("USD", 99L, "15", 15L)]     // 14.85 cents, past the half → 0.15
    [InlineData("USD", 96L, "15", 14L)]     // 14.4 cents, below the half → 0.14
    [InlineData("JPY", 915L, "10", 91L)]    // ¥91.5, an exact half → ¥91 (what Square answers)
    [InlineData("USD", 6_099L, "0.5", 30L)] // 30.495 cents → 0.30
    [InlineData("USD", 3_034_50L, "0.1", 303L)] // 303.45 cents → 3.03
    [InlineData("USD", 6_398L, "20", 1_280L)]   // 1279.6 cents → 12.80 (the product page's order)
    public void A_percentage_discount_rounds_to_the_nearest_unit_and_an_exact_half_down(string currency, long price, string percent, long expected)
    {
        var order = Calculate(currency, [Line("li_1", 1, price)], [PercentOff("d", decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture))]);

        Assert.Equal(expected, order.DiscountMinor);
    }

    [Fact]
    public void Balance_is_what_is_left_to_pay_after_partial_payments()
    {
        var order = Calculate("USD", [Line("li_1", 1, 55_80)], paid: 30_00);

        Assert.Equal(25_80, order.BalanceMinor);
        Assert.Equal(new Money(30_00, "USD"), order.Paid);
    }

    [Fact]
    public void A_full_refund_returns_all_the_tax_and_leaves_nothing_net()
    {
        var order = Calculate("USD", [Line("li_1", 1, 10_00)], rates: [Additive("tax", 8.875m)], paid: 10_89, refunded: 10_89);

        Assert.Equal(89, order.RefundedTaxMinor);
        Assert.Equal(0, order.TaxMinor);
        Assert.Equal(0, order.TotalMinor);
        Assert.Equal(0, order.BalanceMinor);
        Assert.Equal(89, order.LineOf("li_1").TotalTaxMinor); // line figures describe the sale, not the refunds
    }

    [Fact]
    public void A_negative_unit_price_is_invalid() =>
        Expect.Error("INVALID_AMOUNT", () => Calculate("USD", [Line("li_1", 1, -1)]));

    [Fact]
    public void A_modifier_that_takes_the_unit_price_below_zero_is_invalid()
    {
        var error = Expect.Error("INVALID_AMOUNT", () => Calculate("USD", [Line("li_1", 1, 5_00, modifiers: -6_00)]));

        Assert.Equal("line_items[0].unit_price_money.amount", error.Param);
    }

    [Fact]
    public void A_quantity_below_one_is_out_of_range() =>
        Expect.Error("VALUE_OUT_OF_RANGE", () => Calculate("USD", [Line("li_1", 0, 5_00)]));

    [Fact]
    public void A_line_too_large_for_a_long_is_an_overflow() =>
        Expect.Error("AMOUNT_OVERFLOW", () => Calculate("USD", [Line("li_1", 3, long.MaxValue / 2)]));

    [Fact]
    public void A_subtotal_too_large_for_a_long_is_an_overflow() =>
        Expect.Error("AMOUNT_OVERFLOW", () => Calculate("USD", [Line("li_1", 1, long.MaxValue), Line("li_2", 1, 1)]));

    [Fact]
    public void An_unknown_currency_is_invalid() =>
        Expect.Error("INVALID_CURRENCY", () => Calculate("usd", [Line("li_1", 1, 1_00)]));

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("100.01")]
    public void A_discount_percentage_outside_0_to_100_is_invalid(string percentage) =>
        Expect.Error(
            "INVALID_PERCENTAGE",
            () => Calculate("USD", [Line("li_1", 1, 1_00)], [PercentOff("d", decimal.Parse(percentage, System.Globalization.CultureInfo.InvariantCulture))]));

    [Fact]
    public void A_tax_rate_above_100_percent_is_invalid() =>
        Expect.Error("INVALID_PERCENTAGE", () => Calculate("USD", [Line("li_1", 1, 1_00)], rates: [Additive("tax", 101m)]));

    [Fact]
    public void A_negative_fixed_discount_is_invalid() =>
        Expect.Error("INVALID_AMOUNT", () => Calculate("USD", [Line("li_1", 1, 1_00)], [AmountOff("d", -1)]));

    [Fact]
    public void A_negative_tip_is_invalid() =>
        Expect.Error("INVALID_AMOUNT", () => Calculate("USD", [Line("li_1", 1, 1_00)], tip: -1));

    [Fact]
    public void Duplicate_line_ids_are_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => Calculate("USD", [Line("li_1", 1, 1_00), Line("li_1", 1, 2_00)]));

    [Fact]
    public void Removing_a_discount_restores_the_amounts_from_before_it_was_added()
    {
        var lines = new[] { Line("li_coffee", 2, 19_99), Line("li_mug", 1, 24_00) };
        OrderTaxRate[] rates = [Additive("tax", 9m)];
        var before = Calculate("USD", lines, [PercentOff("d_a", 5m)], rates);
        var with = Calculate("USD", lines, [PercentOff("d_a", 5m), AmountOff("d_b", 3_33)], rates);
        var after = Calculate("USD", lines, [PercentOff("d_a", 5m)], rates);

        Assert.NotEqual(before.TotalMinor, with.TotalMinor);
        Assert.Equal(before.Fingerprint(), after.Fingerprint());
    }
}
