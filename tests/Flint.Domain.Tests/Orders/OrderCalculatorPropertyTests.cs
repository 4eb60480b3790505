using CsCheck;
using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Orders;

/// <summary>
/// Invariants of the order math over random orders: 1–8 lines (some free, some non-taxable, modifiers up and down),
/// 0–3 discounts of both kinds and all three scopes, 0–3 rates of both inclusions limited to random categories, and a
/// tip. A failure prints the shrunk input and its seed; pass the seed to Sample to replay it.
/// </summary>
public sealed class OrderCalculatorPropertyTests
{
    private const int Iterations = 400;

    private static readonly string[] Categories = ["general", "food", "clothing"];

    /// <summary>Mostly the rates merchants use, sometimes any 4-decimal value in (0, 100].</summary>
    private static readonly Gen<decimal> PercentageGen = Gen.Frequency<decimal>(
        (3, Gen.OneOf(5m, 8.875m, 10m, 12.5m, 15m, 20m, 25m, 50m, 100m)),
        (2, Gen.Int[1, 1_000_000].Select(n => n / 10_000m)));

    private static readonly Gen<decimal> TaxPercentageGen = Gen.Frequency<decimal>(
        (4, Gen.OneOf(2.25m, 6.25m, 7m, 8.875m, 9m, 19m, 20m)),
        (1, Gen.Int[1, 1_000_000].Select(n => n / 10_000m)));

    private static readonly Gen<OrderLine> LineGen =
        from quantity in Gen.Long[1, 5]
        from unit in Gen.Frequency<long>((1, Gen.Const(0L)), (8, Gen.Long[1, 50_000]))
        from modifiers in Gen.Frequency<long>((2, Gen.Const(0L)), (1, Gen.Long[-unit, 2_000]))
        from category in Gen.OneOf(Categories)
        from taxable in Gen.Frequency<bool>((4, true), (1, false))
        select new OrderLine(string.Empty, quantity, unit, modifiers, category, taxable);

    private static readonly Gen<OrderTaxRate> RateGen =
        from percentage in TaxPercentageGen
        from inclusive in Gen.Bool
        from categoryMask in Gen.Int[0, (1 << Categories.Length) - 1]
        select new OrderTaxRate(
            string.Empty,
            "rate",
            percentage,
            inclusive ? TaxInclusion.Inclusive : TaxInclusion.Additive,
            Subset(Categories, categoryMask));

    private static readonly Gen<OrderCalculationInput> OrderGen =
        from lines in LineGen.Array[1, 8]
        from discounts in DiscountGen(lines.Length).Array[0, 3]
        from rates in RateGen.Array[0, 3]
        from tip in Gen.Frequency<long>((1, Gen.Const(0L)), (1, Gen.Long[1, 5_000]))
        select new OrderCalculationInput(
            "USD",
            lines.Select((l, i) => l with { LineItemId = LineId(i) }).ToArray(),
            discounts.Select((d, k) => d with { DiscountId = $"disc_{k}" }).ToArray(),
            rates.Select((r, k) => r with { TaxRateId = $"tax_{k}" }).ToArray(),
            tip,
            0,
            0);

    [Fact]
    public void No_amount_is_ever_negative() =>
        OrderGen.Sample(
            input =>
            {
                var c = OrderCalculator.Calculate(input);

                long[] orderFigures =
                [
                    c.SubtotalMinor, c.DiscountMinor, c.TaxMinor, c.AdditiveTaxMinor, c.InclusiveTaxMinor, c.TipMinor,
                    c.TotalMinor, c.GrossTotalMinor, c.BalanceMinor, c.RefundedTaxMinor,
                ];
                Assert.All(orderFigures, amount => Assert.True(amount >= 0));
                Assert.All(c.Discounts, d => Assert.True(d.AmountMinor >= 0));
                Assert.All(c.Taxes, t => Assert.True(t.AmountMinor >= 0));
                foreach (var line in c.Lines)
                {
                    Assert.True(line.GrossSalesMinor >= 0);
                    Assert.True(line.TotalDiscountMinor >= 0);
                    Assert.True(line.GrossSalesMinor - line.TotalDiscountMinor >= 0, "a line went below zero");
                    Assert.True(line.TotalTaxMinor >= 0);
                    Assert.True(line.TotalMinor >= 0);
                    Assert.All(line.DiscountShares.Concat(line.TaxShares), s => Assert.True(s.AmountMinor >= 0));
                }
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void Line_shares_add_up_exactly_to_each_discount_each_tax_and_the_order_figures() =>
        OrderGen.Sample(
            input =>
            {
                var c = OrderCalculator.Calculate(input);

                foreach (var discount in c.Discounts)
                {
                    Assert.Equal(discount.AmountMinor, c.Lines.SelectMany(l => l.DiscountShares).Where(s => s.Id == discount.DiscountId).Sum(s => s.AmountMinor));
                }

                foreach (var tax in c.Taxes)
                {
                    Assert.Equal(tax.AmountMinor, c.Lines.SelectMany(l => l.TaxShares).Where(s => s.Id == tax.TaxRateId).Sum(s => s.AmountMinor));
                }

                Assert.Equal(c.SubtotalMinor, c.Lines.Sum(l => l.GrossSalesMinor));
                Assert.Equal(c.DiscountMinor, c.Discounts.Sum(d => d.AmountMinor));
                Assert.Equal(c.DiscountMinor, c.Lines.Sum(l => l.TotalDiscountMinor));
                Assert.Equal(c.AdditiveTaxMinor + c.InclusiveTaxMinor, c.Taxes.Sum(t => t.AmountMinor));
                Assert.Equal(c.TaxMinor, c.Lines.Sum(l => l.TotalTaxMinor));
                Assert.Equal(c.TotalMinor - c.TipMinor, c.Lines.Sum(l => l.TotalMinor));
                Assert.Equal(c.SubtotalMinor - c.DiscountMinor + c.AdditiveTaxMinor + c.TipMinor, c.TotalMinor);

                var additiveIds = input.TaxRates.Where(r => r.Inclusion == TaxInclusion.Additive).Select(r => r.TaxRateId).ToHashSet();
                foreach (var line in c.Lines)
                {
                    Assert.Equal(line.TotalDiscountMinor, line.DiscountShares.Sum(s => s.AmountMinor));
                    Assert.Equal(line.TotalTaxMinor, line.TaxShares.Sum(s => s.AmountMinor));
                    Assert.Equal(
                        line.GrossSalesMinor - line.TotalDiscountMinor + line.TaxShares.Where(s => additiveIds.Contains(s.Id)).Sum(s => s.AmountMinor),
                        line.TotalMinor);
                }
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void No_discount_exceeds_its_stated_rate_by_more_than_its_rounding_or_its_stated_amount() =>
        OrderGen.Sample(
            input =>
            {
                var c = OrderCalculator.Calculate(input);

                for (var k = 0; k < input.Discounts.Count; k++)
                {
                    var discount = input.Discounts[k];
                    var applied = c.Discounts[k].AmountMinor;
                    if (discount.Type == DiscountType.Percentage)
                    {
                        // Never more than p % of the gross of the lines it touched, plus half a unit for each rounding:
                        // one for an order-scoped discount, one per line for a line-scoped one.
                        var touched = c.Lines.Where(l => l.DiscountShares.Any(s => s.Id == discount.DiscountId)).ToArray();
                        var roundings = discount.LineItemIds is null ? 1 : touched.Length;
                        Assert.True(applied <= (touched.Sum(l => l.GrossSalesMinor) * discount.Percentage!.Value / 100m) + (0.5m * roundings));
                    }
                    else if (discount.LineItemIds is null)
                    {
                        Assert.True(applied <= discount.AmountMinor!.Value);
                    }
                }
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void A_percentage_discount_is_never_more_than_half_a_unit_from_the_exact_one_and_a_half_goes_down() =>
        (from lines in LineGen.Array[1, 8]
         from percentage in PercentageGen
         from lineScoped in Gen.Bool
         select (lines.Select((l, i) => l with { LineItemId = LineId(i) }).ToArray(), percentage, lineScoped))
        .Sample(
            (lines, percentage, lineScoped) =>
            {
                var discount = new OrderDiscount(
                    "disc_pct", "discount", DiscountType.Percentage, percentage, null, lineScoped ? lines.Select(l => l.LineItemId).ToArray() : null, null);
                var c = OrderCalculator.Calculate(new OrderCalculationInput("USD", lines, [discount], [], 0, 0, 0));

                // Rounded where it is computed: once on the subtotal, or on each line of a line-scoped discount.
                var rounded = lineScoped
                    ? c.Lines.Select(l => (Exact: l.GrossSalesMinor * percentage / 100m, Amount: l.DiscountShare("disc_pct"))).ToArray()
                    : [(Exact: c.SubtotalMinor * percentage / 100m, Amount: c.Discounts[0].AmountMinor)];
                foreach (var (exact, amount) in rounded)
                {
                    // amount ∈ [exact − ½, exact + ½): within half a unit, and an exact half is the smaller of the two.
                    Assert.True(amount >= exact - 0.5m && amount < exact + 0.5m, $"{amount} for exact {exact}");
                }
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void Applying_then_removing_a_discount_restores_the_previous_amounts_exactly() =>
        (from input in OrderGen
         from extra in DiscountGen(8)
         from position in Gen.Int[0, 3]
         select (input, extra with { DiscountId = "disc_extra" }, position))
        .Sample(
            (input, extra, position) =>
            {
                var before = OrderCalculator.Calculate(input).Fingerprint();

                var withExtra = input.Discounts.ToList();
                withExtra.Insert(Math.Min(position, withExtra.Count), extra);
                var applied = OrderCalculator.Calculate(input with { Discounts = withExtra });
                Assert.Equal(applied.SubtotalMinor - applied.DiscountMinor + applied.AdditiveTaxMinor + applied.TipMinor, applied.TotalMinor);

                var removed = withExtra.Where(d => d.DiscountId != "disc_extra").ToList();
                var after = OrderCalculator.Calculate(input with { Discounts = removed }).Fingerprint();

                Assert.Equal(before, after);
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void Partial_refunds_that_reach_the_total_return_exactly_the_tax_charged() =>
        (from input in OrderGen
         from weights in Gen.Long[1, 1_000].Array[1, 6]
         select (input, weights))
        .Sample(
            (input, weights) =>
            {
                var sale = OrderCalculator.Calculate(input);
                var taxCharged = sale.AdditiveTaxMinor + sale.InclusiveTaxMinor;
                var refunds = Apportion.LargestRemainder(sale.GrossTotalMinor, weights).Where(r => r > 0).ToArray();

                long refunded = 0;
                long taxReturned = 0;
                long previousCumulative = 0;
                foreach (var refund in refunds)
                {
                    var step = RefundTaxAllocator.TaxForNextRefund(taxCharged, sale.GrossTotalMinor, refunded, refund);
                    refunded += refund;
                    taxReturned += step;
                    var cumulative = RefundTaxAllocator.CumulativeRefundedTax(taxCharged, sale.GrossTotalMinor, refunded);

                    Assert.True(step >= 0);
                    Assert.True(cumulative >= previousCumulative, "the cumulative refunded tax went down");
                    Assert.Equal(cumulative, taxReturned);

                    var net = OrderCalculator.Calculate(input with { PaidMinor = sale.GrossTotalMinor, RefundedMinor = refunded });
                    Assert.Equal(taxCharged - cumulative, net.TaxMinor);
                    Assert.Equal(sale.GrossTotalMinor - refunded, net.TotalMinor);
                    Assert.Equal(0, net.BalanceMinor);
                    previousCumulative = cumulative;
                }

                Assert.Equal(sale.GrossTotalMinor, refunded);
                Assert.Equal(taxCharged, taxReturned);
            },
            iter: Iterations,
            threads: 1);

    [Fact]
    public void Any_refund_sequence_over_any_tax_and_total_returns_exactly_the_tax() =>
        (from grossTotal in Gen.Long[1, Money.MaxAmount]
         from taxPermille in Gen.Int[0, 500]
         from cuts in Gen.Long[0, Money.MaxAmount].Array[0, 10]
         select (grossTotal, taxPermille, cuts))
        .Sample(
            (grossTotal, taxPermille, cuts) =>
            {
                var tax = grossTotal * taxPermille / 1000;
                var points = cuts.Select(c => c % (grossTotal + 1)).Append(grossTotal).Order().ToArray();

                long refunded = 0;
                long returned = 0;
                foreach (var point in points)
                {
                    var step = RefundTaxAllocator.TaxForNextRefund(tax, grossTotal, refunded, point - refunded);
                    Assert.True(step >= 0);
                    returned += step;
                    refunded = point;
                }

                Assert.Equal(tax, returned);
            },
            iter: Iterations,
            threads: 1);

    private static Gen<OrderDiscount> DiscountGen(int lineCount) =>
        from fixedAmount in Gen.Bool
        from percentage in PercentageGen
        from amount in Gen.Frequency<long>((3, Gen.Long[0, 20_000]), (1, Gen.Long[20_000, 1_000_000]))
        from scope in Gen.Int[0, 2]
        from lineMask in Gen.Int[0, (1 << lineCount) - 1]
        from unknownLine in Gen.Bool
        let lines = Subset(Enumerable.Range(0, lineCount).Select(LineId).ToArray(), lineMask)
            .Concat(unknownLine ? ["li_not_on_order"] : Array.Empty<string>())
            .ToArray()
        select new OrderDiscount(
            string.Empty,
            "discount",
            fixedAmount ? DiscountType.FixedAmount : DiscountType.Percentage,
            fixedAmount ? null : percentage,
            fixedAmount ? amount : null,
            scope == 1 ? lines : null,
            scope == 2 ? lines : null);

    private static string LineId(int index) => $"li_{index}";

    private static string[] Subset(string[] values, int mask) =>
        values.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
}
