namespace Flint.Domain.Orders;

/// <summary>
/// Rules 2–3 of <see cref="OrderCalculator"/>: discounts come off before tax — percentages first, compounding in the order
/// they were added, then fixed amounts; an order-scoped one computed once on its eligible lines and apportioned to them,
/// a line-scoped one computed on each listed line.
/// </summary>
public static partial class OrderCalculator
{
    /// <summary>Applies every discount to <paramref name="remaining"/> (reduced in place); results in input order.</summary>
    private static List<Allocation> ApplyDiscounts(
        IReadOnlyList<OrderDiscount> discounts, Dictionary<string, int> lineIndex, long[] remaining)
    {
        var lineCount = remaining.Length;
        var results = new Allocation[discounts.Count];
        for (var k = 0; k < discounts.Count; k++)
        {
            ValidateDiscount(discounts[k], k);
        }

        // Percentages before fixed amounts, each group in the order added: a fixed amount taken first would make the
        // percentage worth less, and Square applies them this way.
        var applicationOrder = Enumerable.Range(0, discounts.Count)
            .Where(k => discounts[k].Type == DiscountType.Percentage)
            .Concat(Enumerable.Range(0, discounts.Count).Where(k => discounts[k].Type == DiscountType.FixedAmount));

        foreach (var k in applicationOrder)
        {
            var discount = discounts[k];
            var targets = DiscountTargets(discount, lineIndex, lineCount);
            var shares = new long[lineCount];
            var applies = new bool[lineCount];
            if (discount.LineItemIds is not null)
            {
                foreach (var t in targets)
                {
                    shares[t] = DiscountOn(discount, remaining[t]);
                }
            }
            else
            {
                var weights = targets.Select(t => remaining[t]).ToArray();
                var amount = DiscountOn(discount, Sum(weights));
                var parts = Apportion.LargestRemainder(amount, weights);
                for (var j = 0; j < targets.Length; j++)
                {
                    shares[targets[j]] = parts[j];
                }
            }

            foreach (var t in targets)
            {
                applies[t] = true;
                remaining[t] -= shares[t];
            }

            results[k] = new Allocation(discount.DiscountId, Inclusion: null, Sum(shares), shares, applies);
        }

        return [.. results];
    }

    /// <summary>
    /// The discount on an amount: a percentage rounded to the nearest unit, an exact half down (rule 3 of
    /// <see cref="MoneyRounding"/>), a fixed amount capped at the amount. Both stay within [0, amount] (a percentage
    /// is at most 100), which is what keeps every line non-negative.
    /// </summary>
    private static long DiscountOn(OrderDiscount discount, long amount)
    {
        if (amount <= 0)
        {
            return 0;
        }

        return discount.Type == DiscountType.Percentage
            ? MoneyRounding.RoundHalfDown(amount * discount.Percentage!.Value / 100m)
            : Math.Min(discount.AmountMinor!.Value, amount);
    }

    /// <summary>Line indexes a discount touches, in line order; ids of lines not on the order are ignored.</summary>
    private static int[] DiscountTargets(OrderDiscount discount, Dictionary<string, int> lineIndex, int lineCount)
    {
        var listed = discount.LineItemIds ?? discount.EligibleLineItemIds;
        if (listed is null)
        {
            return Enumerable.Range(0, lineCount).ToArray();
        }

        var targets = new SortedSet<int>(listed.Where(lineIndex.ContainsKey).Select(id => lineIndex[id]));
        if (discount.LineItemIds is not null && discount.EligibleLineItemIds is not null)
        {
            // A line-scoped coupon still only reaches lines its applies_to allows.
            targets.IntersectWith(discount.EligibleLineItemIds.Where(lineIndex.ContainsKey).Select(id => lineIndex[id]));
        }

        return [.. targets];
    }

    private static void ValidateDiscount(OrderDiscount discount, int k)
    {
        ArgumentNullException.ThrowIfNull(discount);
        if (!Enum.IsDefined(discount.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount.Type, "Unknown discount type.");
        }

        if (discount.Type == DiscountType.Percentage)
        {
            RequirePercentage(discount.Percentage, $"discounts[{k}].percentage");
        }
        else if (discount.AmountMinor is not { } amount)
        {
            throw DomainException.Invalid(
                "MISSING_REQUIRED_FIELD", "A fixed-amount discount needs an amount.", $"discounts[{k}].amount_money");
        }
        else
        {
            RequireNonNegative(amount, $"discounts[{k}].amount_money.amount");
        }
    }
}
