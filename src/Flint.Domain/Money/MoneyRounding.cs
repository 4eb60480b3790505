namespace Flint.Domain;

/// <summary>
/// The one place where fractional minor units become whole ones. Flint's rounding rules (mirrored in the README):
/// <list type="number">
/// <item>Stored and transmitted amounts are whole minor units (<see cref="Money"/>); fractions exist only inside a
/// calculation, as <see cref="decimal"/> — never <c>double</c>, whose binary fractions turn 0.1 + 0.2 into
/// 0.30000000000000004 and make totals drift.</item>
/// <item>A computed amount (tax on a line, a percentage discount, a converted price) is rounded once, at the end of
/// its calculation, half to even (<see cref="RoundHalfEven"/>): 2.5 → 2, 3.5 → 4, -2.5 → -2. Banker's rounding
/// has no upward bias, so many half-cent lines do not systematically inflate totals.</item>
/// <item>An amount that must never exceed what it is derived from (a prorated credit, an amount capped by what was
/// paid) is rounded toward negative infinity (<see cref="FloorToMinor"/>): 2.9 → 2, -2.1 → -3.</item>
/// <item>A known total split into parts (an order discount over lines, a refund over lines) is never rounded part by
/// part; <see cref="Apportion.LargestRemainder"/> makes the parts sum exactly to the total.</item>
/// </list>
/// Inputs are amounts already expressed in minor units (1234.5 means 1234.5 cents for USD). A result outside the
/// range of <see cref="long"/> is <c>AMOUNT_OVERFLOW</c>.
/// </summary>
public static class MoneyRounding
{
    public static long RoundHalfEven(decimal minorUnits) =>
        ToLong(decimal.Round(minorUnits, 0, MidpointRounding.ToEven));

    public static long FloorToMinor(decimal minorUnits) =>
        ToLong(decimal.Floor(minorUnits));

    private static long ToLong(decimal whole)
    {
        if (whole > long.MaxValue || whole < long.MinValue)
        {
            throw DomainException.Invalid("AMOUNT_OVERFLOW", "The resulting amount is too large to represent.");
        }

        return (long)whole;
    }
}
