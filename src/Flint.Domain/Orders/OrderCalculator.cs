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
/// to the nearest unit with an exact half down (<see cref="MoneyRounding.RoundHalfDown"/>), a fixed one capped at that
/// base, then apportioned to the lines by their remaining amounts with <see cref="Apportion.LargestRemainder"/>. A
/// line-scoped discount is computed on each listed line on its own. No line goes below zero.</item>
/// <item>Each tax rate is computed once on the aggregate after-discount amount of the taxable lines it applies to,
/// rounded half to even, then apportioned to those lines the same way. Inclusive rates are carved out of the price
/// first; additive rates are then computed on the amount net of inclusive tax and added on top.</item>
/// <item>Tip is neither discounted nor taxed. Gross total = subtotal − discount + additive tax + tip; refunds and the
/// tax they carry are subtracted (<see cref="RefundTaxAllocator"/>); balance = total − paid + refunded.</item>
/// </list>
/// Pure: the result depends only on the input, so removing a discount restores exactly the amounts from before it
/// was added. Arithmetic is checked; an overflow is <c>AMOUNT_OVERFLOW</c>.
/// <para>One type in three files, along the order the math runs in: this one takes the lines in and adds the
/// results up; OrderCalculator.Discounts.cs takes the discounts off (rules 2–3), OrderCalculator.Taxes.cs computes
/// the taxes on what is left (rule 4).</para>
/// </summary>
public static partial class OrderCalculator
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

    private static void RequirePercentage(decimal? percentage, string param)
    {
        if (percentage is not { } p)
        {
            throw DomainException.Missing(param);
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
