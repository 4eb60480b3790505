namespace Flint.Domain;

/// <summary>Splits a whole amount into parts that always add back up to it exactly.</summary>
public static class Apportion
{
    /// <summary>
    /// Largest-remainder (Hamilton) method: each part gets floor(total × weight / Σweights), then the minor units
    /// left over go one each to the parts with the largest fractional remainders, the lower index winning a tie
    /// (so the first line absorbs the odd cent: 100 over three equal lines is 34, 33, 33).
    /// </summary>
    /// <remarks>
    /// Weights must be non-negative. When every weight is zero (e.g. a discount spread over free lines) the total is
    /// split evenly instead, so it never silently vanishes. A negative total is split as its absolute value and
    /// negated, so rounding is symmetric for credits and debits. Intermediate products use 128-bit integers, so any
    /// long total and weights are exact. No weights is only valid for a zero total.
    /// </remarks>
    public static long[] LargestRemainder(long total, IReadOnlyList<long> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var count = weights.Count;
        if (count == 0)
        {
            return total == 0
                ? []
                : throw new ArgumentException("Cannot apportion a non-zero total over no parts.", nameof(weights));
        }

        Int128 weightSum = 0;
        for (var i = 0; i < count; i++)
        {
            if (weights[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), weights[i], $"Weight at index {i} is negative.");
            }

            weightSum += weights[i];
        }

        var evenSplit = weightSum == 0;
        if (evenSplit)
        {
            weightSum = count;
        }

        var negative = total < 0;
        Int128 magnitude = negative ? -(Int128)total : total;

        var parts = new long[count];
        var remainders = new Int128[count];
        Int128 allocated = 0;
        for (var i = 0; i < count; i++)
        {
            Int128 weight = evenSplit ? 1 : weights[i];
            var product = magnitude * weight;
            var share = product / weightSum;
            remainders[i] = product % weightSum;
            parts[i] = (long)share;
            allocated += share;
        }

        var leftover = (int)(magnitude - allocated); // < count, since each floor loses less than one unit
        if (leftover > 0)
        {
            var order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) =>
            {
                var byRemainder = remainders[b].CompareTo(remainders[a]);
                return byRemainder != 0 ? byRemainder : a.CompareTo(b);
            });
            for (var k = 0; k < leftover; k++)
            {
                parts[order[k]]++;
            }
        }

        if (negative)
        {
            for (var i = 0; i < count; i++)
            {
                parts[i] = -parts[i];
            }
        }

        return parts;
    }
}
