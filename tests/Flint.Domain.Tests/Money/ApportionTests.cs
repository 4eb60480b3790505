// Deliberately not ".Money": a namespace of that name would shadow the Money type in every Flint.Domain.Tests.* namespace.
namespace Flint.Domain.Tests;

public sealed class ApportionTests
{
    [Fact]
    public void Percent_split_of_100_cents_over_three_equal_lines_gives_34_33_33() =>
        Assert.Equal([34, 33, 33], Apportion.LargestRemainder(100, [1, 1, 1]));

    [Fact]
    public void A_split_that_divides_evenly_is_exactly_proportional() =>
        Assert.Equal([500, 300, 200], Apportion.LargestRemainder(1000, [50, 30, 20]));

    [Fact]
    public void Leftover_cents_go_to_the_largest_remainders_first()
    {
        // 10 × (1, 2, 4) / 7 = 1.43, 2.86, 5.71 → floors 1, 2, 5 (sum 8); remainders .43, .86, .71 → +1 to index 1 and 2
        Assert.Equal([1, 3, 6], Apportion.LargestRemainder(10, [1, 2, 4]));
    }

    [Fact]
    public void A_discount_of_1000_over_lines_of_3333_3333_3334_gives_333_333_334() =>
        Assert.Equal([333, 333, 334], Apportion.LargestRemainder(1000, [3333, 3333, 3334]));

    [Fact]
    public void A_zero_weight_line_gets_nothing() =>
        Assert.Equal([100, 0], Apportion.LargestRemainder(100, [5, 0]));

    [Fact]
    public void All_zero_weights_split_the_total_evenly_with_the_odd_cent_first() =>
        Assert.Equal([4, 3, 3], Apportion.LargestRemainder(10, [0, 0, 0]));

    [Fact]
    public void A_negative_total_splits_symmetrically() =>
        Assert.Equal([-34, -33, -33], Apportion.LargestRemainder(-100, [1, 1, 1]));

    [Fact]
    public void Zero_over_no_parts_is_no_parts()
    {
        Assert.Empty(Apportion.LargestRemainder(0, []));
        Assert.Throws<ArgumentException>(() => Apportion.LargestRemainder(1, []));
    }

    [Fact]
    public void A_negative_weight_is_a_programming_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Apportion.LargestRemainder(10, [1, -1]));

    [Fact]
    public void Huge_totals_and_weights_stay_exact()
    {
        var parts = Apportion.LargestRemainder(long.MaxValue, [long.MaxValue, long.MaxValue, 1]);

        Assert.Equal(long.MaxValue, parts.Aggregate(Int128.Zero, (sum, p) => sum + p));
    }

    [Fact]
    public void Parts_always_sum_exactly_to_the_total_and_stay_within_one_unit_of_the_exact_share()
    {
        var random = new Random(4217);
        for (var run = 0; run < 2_000; run++)
        {
            var total = random.NextInt64(-10_000_000, 10_000_000);
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.NextInt64(0, 1_000_000)).ToArray();

            var parts = Apportion.LargestRemainder(total, weights);

            Assert.Equal(total, parts.Sum());
            var weightSum = weights.Sum();
            for (var i = 0; i < parts.Length; i++)
            {
                var exact = weightSum == 0 ? (decimal)total / weights.Length : (decimal)total * weights[i] / weightSum;
                Assert.True(Math.Abs(parts[i] - exact) < 1m, $"part {parts[i]} vs exact {exact}");
            }
        }
    }
}
