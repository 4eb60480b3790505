namespace Flint.Domain;

/// <summary>
/// The one place where fractional minor units become whole ones. Flint's rounding rules (mirrored in the README):
/// <list type="number">
/// <item>Stored and transmitted amounts are whole minor units (<see cref="Money"/>); fractions exist only inside a
/// calculation, as <see cref="decimal"/> — never <c>double</c>, whose binary fractions turn 0.1 + 0.2 into
/// 0.30000000000000004 and make totals drift.</item>
/// <item>A computed amount (tax on a line, a converted price) is rounded once, at the end of its calculation, half
/// to even (<see cref="RoundHalfEven"/>): 2.5 → 2, 3.5 → 4, -2.5 → -2. Banker's rounding has no upward bias, so
/// many half-cent lines do not systematically inflate totals.</item>
/// <item>A percentage discount is rounded once, to the nearest minor unit, an exact half toward the smaller
/// discount (<see cref="RoundHalfDown"/>): 20 % of 6398 = 1279.6 → 1280; 10 % of JPY 915 = 91.5 → 91;
/// 30.495 → 30; 303.45 → 303. This is what Square's Orders API answers, so a merchant moving from it gets the
/// same cents, and a discount is never more than half a unit from its exact figure.</item>
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

    /// <summary>Nearest whole minor unit; an exact half goes to the smaller value (2.5 → 2, 2.6 → 3, -2.5 → -3).</summary>
    public static long RoundHalfDown(decimal minorUnits) =>
        ToLong(decimal.Ceiling(minorUnits - 0.5m));

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
