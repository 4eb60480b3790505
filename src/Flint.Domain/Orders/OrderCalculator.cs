using System.Globalization;

namespace Flint.Domain.Orders;

/// <summary>
/// The one place an order's amounts are computed (the rules Square documents, so merchants moving from it get the
/// same cents; README "Orders: the math" walks through an example):
/// <list type="number">
/// <item>Line gross = (unit price + modifier adjustments) × quantity. Subtotal = Σ line gross.</item>
/// <item>Discounts come before tax: percentage discounts first, compounding in the order they were added (each on
/// what the previous ones left), then fixed-amount ones in the order they were added.</item>
/// <item>An order-scoped discount is computed once on the aggregate remaining amount of its eligible lines, rounded
/// down (a discount never exceeds its stated rate), a fixed one capped at that base, then apportioned to the lines by
/// their remaining amounts with <see cref="Apportion.LargestRemainder"/>. A line-scoped discount is computed on each
/// listed line on its own. No line goes below zero.</item>
/// <item>Each tax rate is computed once on the aggregate after-discount amount of the taxable lines it applies to,
/// rounded half to even, then apportioned to those lines the same way. Inclusive rates are carved out of the price
/// first; additive rates are then computed on the amount net of inclusive tax and added on top.</item>
/// <item>Tip is neither discounted nor taxed. Gross total = subtotal − discount + additive tax + tip; refunds and the
/// tax they carry are subtracted (<see cref="RefundTaxAllocator"/>); balance = total − paid + refunded.</item>
/// </list>
/// Pure: the result depends only on the input, so removing a discount restores exactly the amounts from before it
/// was added. Arithmetic is checked; an overflow is <c>AMOUNT_OVERFLOW</c>.
/// </summary>
public static class OrderCalculator
{
    public static OrderCalculation Calculate(OrderCalculationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Lines);
        ArgumentNullException.ThrowIfNull(input.Discounts);
        ArgumentNullException.ThrowIfNull(input.TaxRates);

        var currency = Currency.Validate(input.Currency, "currency");
        RequireNonNegative(input.TipMinor, "tip_money.amount");
        RequireNonNegative(input.PaidMinor, "paid_money.amount");
        RequireNonNegative(input.RefundedMinor, "refunded_money.amount");

        try
        {
            return CalculateChecked(input, currency);
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid("AMOUNT_OVERFLOW", "The order's amounts are too large to represent.");
        }
    }

    private static OrderCalculation CalculateChecked(OrderCalculationInput input, string currency)
    {
        var lines = input.Lines;
        var lineIndex = IndexLines(lines);
        var gross = new long[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            gross[i] = LineGross(lines[i], i);
        }

        var remaining = (long[])gross.Clone();
        var discounts = ApplyDiscounts(input.Discounts, lineIndex, remaining);
        var taxes = ApplyTaxes(input.TaxRates, lines, remaining);

        var lineResults = new LineCalculation[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var discountShares = new List<LineShare>();
            for (var k = 0; k < discounts.Count; k++)
            {
                if (discounts[k].Applies[i])
                {
                    discountShares.Add(new LineShare(discounts[k].Id, discounts[k].Shares[i]));
                }
            }

            var taxShares = new List<LineShare>();
            long additive = 0;
            long lineTax = 0;
            foreach (var tax in taxes)
            {
                if (tax.Applies[i])
                {
                    taxShares.Add(new LineShare(tax.Id, tax.Shares[i]));
                    lineTax = checked(lineTax + tax.Shares[i]);
                    if (tax.Inclusion == TaxInclusion.Additive)
                    {
                        additive = checked(additive + tax.Shares[i]);
                    }
                }
            }

            lineResults[i] = new LineCalculation(
                lines[i].LineItemId,
                gross[i],
                gross[i] - remaining[i],
                lineTax,
                checked(remaining[i] + additive),
                discountShares,
                taxShares);
        }

        var subtotal = Sum(gross);
        var discountTotal = Sum(discounts.Select(d => d.Amount));
        var additiveTax = Sum(taxes.Where(t => t.Inclusion == TaxInclusion.Additive).Select(t => t.Amount));
        var inclusiveTax = Sum(taxes.Where(t => t.Inclusion == TaxInclusion.Inclusive).Select(t => t.Amount));
        var taxCharged = checked(additiveTax + inclusiveTax);
        var grossTotal = checked(subtotal - discountTotal + additiveTax + input.TipMinor);
        var refundedTax = RefundTaxAllocator.CumulativeRefundedTax(taxCharged, grossTotal, input.RefundedMinor);
        var total = checked(grossTotal - input.RefundedMinor);

        return new OrderCalculation(
            currency,
            subtotal,
            discountTotal,
            taxCharged - refundedTax,
            additiveTax,
            inclusiveTax,
            input.TipMinor,
            total,
            grossTotal,
            input.PaidMinor,
            input.RefundedMinor,
            refundedTax,
            checked(total - input.PaidMinor + input.RefundedMinor),
            lineResults,
            discounts.Select(d => new AppliedDiscount(d.Id, d.Amount)).ToArray(),
            taxes.Select(t => new AppliedTax(t.Id, t.Amount)).ToArray());
    }

    private static Dictionary<string, int> IndexLines(IReadOnlyList<OrderLine> lines)
    {
        var index = new Dictionary<string, int>(lines.Count, StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i] ?? throw new ArgumentException($"Line {i} is null.", nameof(lines));
            if (!index.TryAdd(line.LineItemId, i))
            {
                // Line ids are minted by the order grain, so a duplicate is a bug, not a client mistake.
                throw new ArgumentException($"Line item id \"{line.LineItemId}\" appears twice.", nameof(lines));
            }
        }

        return index;
    }

    private static long LineGross(OrderLine line, int i)
    {
        if (line.Quantity < 1)
        {
            throw DomainException.Invalid(
                "VALUE_OUT_OF_RANGE",
                string.Create(CultureInfo.InvariantCulture, $"The quantity of line {line.LineItemId} must be a whole number of at least 1 (got {line.Quantity})."),
                $"line_items[{i}].quantity");
        }

        var perUnit = checked(line.UnitPriceMinor + line.ModifierAdjustmentPerUnitMinor);
        if (line.UnitPriceMinor < 0 || perUnit < 0)
        {
            // A negative price would let a line subtract from the others; reductions are discounts' job.
            throw DomainException.Invalid(
                "INVALID_AMOUNT",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The unit price plus modifier adjustments of line {line.LineItemId} must not be negative (got {line.UnitPriceMinor} + {line.ModifierAdjustmentPerUnitMinor})."),
                $"line_items[{i}].unit_price_money.amount");
        }

        return checked(perUnit * line.Quantity);
    }

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

    private static void RequirePercentage(decimal? percentage, string param)
    {
        if (percentage is not { } p)
        {
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{param} is required.", param);
        }

        if (p <= 0m || p > 100m)
        {
            throw DomainException.Invalid(
                "INVALID_PERCENTAGE",
                $"{param} must be greater than 0 and at most 100 (got {Percentage.Format(p)}).",
                param);
        }
    }

    private static void RequireNonNegative(long amount, string param)
    {
        if (amount < 0)
        {
            throw DomainException.Invalid(
                "INVALID_AMOUNT",
                string.Create(CultureInfo.InvariantCulture, $"{param} must not be negative (got {amount})."),
                param);
        }
    }

    private static long Sum(IEnumerable<long> values)
    {
        long sum = 0;
        foreach (var value in values)
        {
            sum = checked(sum + value);
        }

        return sum;
    }

    /// <summary>What one discount or rate came to, and its share of each line (index = line position). Inclusion is null
    /// for a discount.</summary>
    private sealed record Allocation(string Id, TaxInclusion? Inclusion, long Amount, long[] Shares, bool[] Applies);
}
