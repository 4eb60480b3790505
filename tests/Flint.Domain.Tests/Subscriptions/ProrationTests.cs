using CsCheck;
using Flint.Domain.Subscriptions;

namespace Flint.Domain.Tests.Subscriptions;

public sealed class ProrationTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Worked_example_switching_from_30_to_50_dollars_with_21_of_31_days_left_adds_1355_to_the_next_invoice()
    {
        var result = Proration.ForChange(3000, 5000, Utc(2027, 1, 1), Utc(2027, 2, 1), Utc(2027, 1, 11));

        Assert.Equal(2032, result.CreditMinor); // ⌊3000 × 21/31⌋ = ⌊2032.26⌋
        Assert.Equal(3387, result.ChargeMinor); // 5000 × 21/31 = 3387.10
        Assert.Equal(1355, result.NetMinor);
    }

    [Fact]
    public void A_downgrade_half_way_through_credits_more_than_it_charges() =>
        Assert.Equal(
            new ProrationResult(1500, 500),
            Proration.ForChange(3000, 1000, Utc(2027, 4, 1), Utc(2027, 5, 1), Utc(2027, 4, 16)));

    [Fact]
    public void A_half_unit_charge_rounds_to_even_and_a_credit_is_floored()
    {
        // Half of a 48-hour period left, so odd amounts have exact shares of x.5.
        var result = Proration.ForChange(25, 25, Utc(2027, 1, 1), Utc(2027, 1, 3), Utc(2027, 1, 2));
        Assert.Equal(12, result.CreditMinor); // 12.5 floored
        Assert.Equal(12, result.ChargeMinor); // 12.5 half to even
        var odd = Proration.ForChange(35, 35, Utc(2027, 1, 1), Utc(2027, 1, 3), Utc(2027, 1, 2));
        Assert.Equal(17, odd.CreditMinor);
        Assert.Equal(18, odd.ChargeMinor); // 17.5 half to even
    }

    [Fact]
    public void A_change_at_the_periods_first_moment_credits_everything_billed() =>
        Assert.Equal(
            new ProrationResult(3000, 5000),
            Proration.ForChange(3000, 5000, Utc(2027, 1, 1), Utc(2027, 2, 1), Utc(2027, 1, 1)));

    [Fact]
    public void A_change_outside_its_period_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Proration.ForChange(3000, 5000, Utc(2027, 1, 1), Utc(2027, 2, 1), Utc(2027, 2, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Proration.ForChange(3000, 5000, Utc(2027, 1, 1), Utc(2027, 2, 1), Utc(2026, 12, 31)));
        Assert.Throws<ArgumentException>(() => Proration.ForChange(3000, 5000, Utc(2027, 1, 1), Utc(2027, 1, 1), Utc(2027, 1, 1)));
    }

    [Fact]
    public void A_credit_never_exceeds_what_was_billed_and_stays_within_one_unit_of_its_exact_share() =>
        Gen.Select(Gen.Long[0, Money.MaxAmount], Gen.Long[0, Money.MaxAmount], Gen.Long[1, 366L * 24 * 3600 * 1000], Gen.Double[0, 1])
            .Sample((billed, price, lengthMs, where) =>
            {
                var start = Utc(2027, 1, 1);
                var end = start.AddMilliseconds(lengthMs);
                var at = start.AddMilliseconds(Math.Min(lengthMs - 1, (long)(where * lengthMs)));
                var r = Proration.ForChange(billed, price, start, end, at);
                var left = (long)(end - at).TotalMilliseconds;
                Assert.InRange(r.CreditMinor, 0, billed);
                Assert.InRange(r.ChargeMinor, 0, price);
                // Exact in integers: credit × length ≤ billed × left < (credit + 1) × length.
                Assert.True((Int128)r.CreditMinor * lengthMs <= (Int128)billed * left);
                Assert.True((Int128)(r.CreditMinor + 1) * lengthMs > (Int128)billed * left);
                // The charge is within half a unit: |charge × length − price × left| ≤ length / 2.
                var diff = (Int128)r.ChargeMinor * lengthMs - (Int128)price * left;
                Assert.True(2 * Int128.Abs(diff) <= lengthMs);
            }, iter: 3000);
}
