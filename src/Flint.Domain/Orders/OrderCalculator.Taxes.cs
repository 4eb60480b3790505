namespace Flint.Domain.Orders;

/// <summary>
/// Rule 4 of <see cref="OrderCalculator"/>: each rate computed once on the after-discount amount of the lines it applies
/// to, rounded half to even and apportioned to those lines; inclusive rates carved out of the price first, additive
/// ones computed on what is net of them.
/// </summary>
public static partial class OrderCalculator
{
    /// <summary>
    /// Computes every rate on the after-discount amounts. Inclusive rates go first because additive ones are computed
    /// on the amount net of inclusive tax (a price of 107 with 7 % VAT inside is a net of 100).
    /// </summary>
    private static List<Allocation> ApplyTaxes(IReadOnlyList<OrderTaxRate> rates, IReadOnlyList<OrderLine> lines, long[] afterDiscounts)
    {
        var lineCount = lines.Count;
        var results = new Allocation[rates.Count];
        var applies = new bool[rates.Count][];
        for (var r = 0; r < rates.Count; r++)
        {
            var rate = rates[r];
            ArgumentNullException.ThrowIfNull(rate);
            ArgumentNullException.ThrowIfNull(rate.TaxCategories);
            if (!Enum.IsDefined(rate.Inclusion))
            {
                throw new ArgumentOutOfRangeException(nameof(rates), rate.Inclusion, "Unknown tax inclusion.");
            }

            RequirePercentage(rate.Percentage, $"tax_rates[{r}].percentage");
            applies[r] = new bool[lineCount];
            for (var i = 0; i < lineCount; i++)
            {
                applies[r][i] = lines[i].Taxable
                    && (rate.TaxCategories.Count == 0 || rate.TaxCategories.Contains(lines[i].TaxCategory, StringComparer.Ordinal));
            }
        }

        // Σ of inclusive percentages contained in each line's price: 100 + load is the price as a percentage of net.
        var inclusiveLoad = new decimal[lineCount];
        for (var r = 0; r < rates.Count; r++)
        {
            if (rates[r].Inclusion == TaxInclusion.Inclusive)
            {
                for (var i = 0; i < lineCount; i++)
                {
                    inclusiveLoad[i] += applies[r][i] ? rates[r].Percentage : 0m;
                }
            }
        }

        var inclusiveTax = new long[lineCount];
        for (var r = 0; r < rates.Count; r++)
        {
            if (rates[r].Inclusion != TaxInclusion.Inclusive)
            {
                continue;
            }

            var targets = Targets(applies[r]);
            var weights = targets.Select(t => afterDiscounts[t]).ToArray();

            // tax = Σ over groups of lines with the same inclusive load L of (Σ amounts) × p / (100 + L). With one
            // inclusive rate (the usual VAT case) that is the single formula base × p / (100 + p); a line also
            // carrying another inclusive rate contains both, so its net is its amount × 100 / (100 + L).
            var exact = 0m;
            foreach (var group in targets.GroupBy(t => inclusiveLoad[t]))
            {
                exact += Sum(group.Select(t => afterDiscounts[t])) * rates[r].Percentage / (100m + group.Key);
            }

            var amount = MoneyRounding.RoundHalfEven(exact);
            results[r] = Allocate(rates[r], amount, targets, weights, applies[r]);
            for (var j = 0; j < targets.Length; j++)
            {
                inclusiveTax[targets[j]] = checked(inclusiveTax[targets[j]] + results[r].Shares[targets[j]]);
            }
        }

        // Floored at 0 only for absurd stacks of inclusive rates, where each rate's rounding up could carve a cent
        // more than a tiny line holds.
        var netOfInclusive = new long[lineCount];
        for (var i = 0; i < lineCount; i++)
        {
            netOfInclusive[i] = Math.Max(0, afterDiscounts[i] - inclusiveTax[i]);
        }

        for (var r = 0; r < rates.Count; r++)
        {
            if (rates[r].Inclusion != TaxInclusion.Additive)
            {
                continue;
            }

            var targets = Targets(applies[r]);
            var weights = targets.Select(t => netOfInclusive[t]).ToArray();
            var amount = MoneyRounding.RoundHalfEven(Sum(weights) * rates[r].Percentage / 100m);
            results[r] = Allocate(rates[r], amount, targets, weights, applies[r]);
        }

        return [.. results];
    }

    private static Allocation Allocate(OrderTaxRate rate, long amount, int[] targets, long[] weights, bool[] applies)
    {
        var shares = new long[applies.Length];
        var parts = Apportion.LargestRemainder(amount, weights);
        for (var j = 0; j < targets.Length; j++)
        {
            shares[targets[j]] = parts[j];
        }

        return new Allocation(rate.TaxRateId, rate.Inclusion, amount, shares, applies);
    }

    private static int[] Targets(bool[] applies) =>
        Enumerable.Range(0, applies.Length).Where(i => applies[i]).ToArray();
}
