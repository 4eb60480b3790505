namespace Flint.Domain.Orders;

/// <summary>
/// How much of the tax charged a refund gives back. The figure is computed <b>cumulatively</b> — the tax refunded
/// after refunds totalling R is round_half_even(tax × R / gross total) — and each refund carries the difference from
/// the previous cumulative figure. Rounding each refund on its own would drift by up to half a minor unit per refund;
/// the cumulative form cannot drift, and refunding the whole total returns exactly the tax charged.
/// </summary>
public static class RefundTaxAllocator
{
    /// <summary>
    /// Tax refunded once refunds reach <paramref name="refundedMinor"/> in total. Zero when nothing was charged;
    /// refunds beyond the gross total (an overpayment given back) return no more than all the tax.
    /// </summary>
    public static long CumulativeRefundedTax(long totalTaxMinor, long grossTotalMinor, long refundedMinor)
    {
        if (grossTotalMinor <= 0 || refundedMinor <= 0 || totalTaxMinor == 0)
        {
            return 0;
        }

        var refunded = Math.Min(refundedMinor, grossTotalMinor);
        try
        {
            // Multiplying before dividing keeps the product exact (decimal holds 28 digits), so one rounding happens.
            return MoneyRounding.RoundHalfEven((decimal)totalTaxMinor * refunded / grossTotalMinor);
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid("AMOUNT_OVERFLOW", "The resulting amount is too large to represent.");
        }
    }

    /// <summary>
    /// Tax carried by a refund of <paramref name="refundAmountMinor"/> after earlier refunds of
    /// <paramref name="refundedBeforeMinor"/>: cumulative(after) − cumulative(before). Summed over refunds reaching the
    /// gross total, this is exactly the tax charged.
    /// </summary>
    public static long TaxForNextRefund(long totalTaxMinor, long grossTotalMinor, long refundedBeforeMinor, long refundAmountMinor)
    {
        long refundedAfter;
        try
        {
            refundedAfter = checked(refundedBeforeMinor + refundAmountMinor);
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid("AMOUNT_OVERFLOW", "The resulting amount is too large to represent.");
        }

        return CumulativeRefundedTax(totalTaxMinor, grossTotalMinor, refundedAfter)
            - CumulativeRefundedTax(totalTaxMinor, grossTotalMinor, refundedBeforeMinor);
    }
}
