namespace Flint.Domain.Subscriptions;

/// <summary><c>proration_behavior</c> of a plan or quantity change: <c>create_prorations</c> (the default, as
/// Stripe's) settles the change on the next invoice (<see cref="Proration.ForChange"/>); <c>none</c> only switches, and
/// the next cycle bills the new plan and quantity.</summary>
public enum ProrationBehavior
{
    CreateProrations,
    None,
}

/// <summary>What a mid-period change of plan or quantity costs, settled on the next invoice.</summary>
/// <param name="CreditMinor">The unused part of what the current period was billed, given back.</param>
/// <param name="ChargeMinor">The new price's part for the rest of the period.</param>
public readonly record struct ProrationResult(long CreditMinor, long ChargeMinor)
{
    /// <summary>Added to the next invoice (negative: the next invoice is that much smaller).</summary>
    public long NetMinor => checked(ChargeMinor - CreditMinor);
}

/// <summary>
/// Proration (<c>proration_behavior: create_prorations</c>), the one place it is computed. A change at
/// <c>at</c> inside a period <c>[start, end)</c> leaves the fraction <c>(end − at) / (end − start)</c> of it, measured in
/// milliseconds (Flint's timestamps are whole milliseconds):
/// <list type="bullet">
/// <item>the credit is that fraction of what the current period was billed, <b>floored</b> (a credit never exceeds
/// what was paid: <see cref="MoneyRounding.FloorToMinor"/>);</item>
/// <item>the charge is that fraction of the new period price, rounded <b>half to even</b> like every computed
/// amount (<see cref="MoneyRounding.RoundHalfEven"/>).</item>
/// </list>
/// Worked example: a $30.00 monthly plan billed for Jan 1 – Feb 1 (31 days), switched to a $50.00 plan on Jan 11 at
/// 00:00 (21 days left): credit ⌊3000 × 21/31⌋ = ⌊2032.26⌋ = 2032, charge 5000 × 21/31 = 3387.10 → 3387, so the
/// next invoice carries +1355 besides the new plan's next full period.
/// </summary>
public static class Proration
{
    /// <param name="billedMinor">What the current period was billed (plan price × quantity, before discounts).</param>
    /// <param name="newPriceMinor">A full period at the new plan and quantity.</param>
    public static ProrationResult ForChange(
        long billedMinor, long newPriceMinor, DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(billedMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(newPriceMinor);
        var length = Milliseconds(periodEnd - periodStart);
        if (length <= 0) throw new ArgumentException("The period must end after it starts.", nameof(periodEnd));
        if (at < periodStart || at >= periodEnd)
            throw new ArgumentOutOfRangeException(nameof(at), at, "A change is prorated only inside the period it falls in.");
        var left = Milliseconds(periodEnd - at);
        // Exact in decimal: an amount (≤ 10^13) × milliseconds (≤ 3.2 × 10^10) has at most 24 digits, and the
        // quotient's error is far below what could move it across a whole or half unit.
        return new ProrationResult(
            MoneyRounding.FloorToMinor((decimal)billedMinor * left / length),
            MoneyRounding.RoundHalfEven((decimal)newPriceMinor * left / length));
    }

    private static long Milliseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMillisecond;
}
