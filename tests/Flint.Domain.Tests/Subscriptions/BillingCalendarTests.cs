using CsCheck;
using Flint.Domain.Subscriptions;

namespace Flint.Domain.Tests.Subscriptions;

public sealed class BillingCalendarTests
{
    private static readonly BillingPeriod Monthly = new(BillingInterval.Month, 1);
    private static readonly BillingPeriod Yearly = new(BillingInterval.Year, 1);

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Starts(DateTimeOffset anchor, BillingPeriod period, int count) =>
        Enumerable.Range(0, count).Select(n => BillingCalendar.CycleStart(anchor, period, n)).ToArray();

    [Fact]
    public void Monthly_from_January_31_bills_each_months_last_day_when_it_is_shorter_and_the_31st_when_it_has_one() =>
        Assert.Equal(
            [Utc(2027, 1, 31, 9, 30), Utc(2027, 2, 28, 9, 30), Utc(2027, 3, 31, 9, 30), Utc(2027, 4, 30, 9, 30),
             Utc(2027, 5, 31, 9, 30), Utc(2027, 6, 30, 9, 30), Utc(2027, 7, 31, 9, 30)],
            Starts(Utc(2027, 1, 31, 9, 30), Monthly, 7));

    [Fact]
    public void Monthly_from_January_31_bills_February_29_in_a_leap_year() =>
        Assert.Equal([Utc(2028, 1, 31), Utc(2028, 2, 29), Utc(2028, 3, 31)], Starts(Utc(2028, 1, 31), Monthly, 3));

    [Fact]
    public void Yearly_from_February_29_bills_February_28_in_other_years_and_the_29th_again_in_leap_years() =>
        Assert.Equal(
            [Utc(2028, 2, 29), Utc(2029, 2, 28), Utc(2030, 2, 28), Utc(2031, 2, 28), Utc(2032, 2, 29)],
            Starts(Utc(2028, 2, 29), Yearly, 5));

    [Fact]
    public void Every_three_months_from_November_30_lands_on_February_28_then_May_30() =>
        Assert.Equal(
            [Utc(2026, 11, 30), Utc(2027, 2, 28), Utc(2027, 5, 30), Utc(2027, 8, 30)],
            Starts(Utc(2026, 11, 30), new BillingPeriod(BillingInterval.Month, 3), 4));

    [Theory]
    [InlineData(BillingInterval.Minute, 5, "2026-12-07T10:15:00Z")]
    [InlineData(BillingInterval.Day, 3, "2026-12-13T10:05:00Z")]
    [InlineData(BillingInterval.Week, 2, "2027-01-04T10:05:00Z")]
    public void Fixed_length_periods_add_their_length_per_cycle(BillingInterval interval, int count, string secondCycle) =>
        Assert.Equal(
            DateTimeOffset.Parse(secondCycle, System.Globalization.CultureInfo.InvariantCulture),
            BillingCalendar.CycleStart(Utc(2026, 12, 7, 10, 5), new BillingPeriod(interval, count), 2));

    [Fact]
    public void A_cycle_ends_where_the_next_starts() =>
        Assert.Equal(Utc(2027, 3, 31), BillingCalendar.CycleEnd(Utc(2027, 1, 31), Monthly, 1));

    [Theory]
    [InlineData("2027-01-30T23:59:59Z", -1)]
    [InlineData("2027-01-31T00:00:00Z", 0)]
    [InlineData("2027-02-27T23:59:59Z", 0)]
    [InlineData("2027-02-28T00:00:00Z", 1)]
    [InlineData("2027-03-30T12:00:00Z", 1)]
    [InlineData("2027-03-31T00:00:00Z", 2)]
    [InlineData("2028-02-29T00:00:00Z", 13)]
    public void The_cycle_at_a_moment_is_the_last_one_started_by_then(string at, long cycle) =>
        Assert.Equal(cycle, BillingCalendar.CycleAt(Utc(2027, 1, 31), Monthly,
            DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_late_run_bills_every_missed_cycle_once_in_order()
    {
        // Billed through cycle 1 (Feb 28); the silos were down until Apr 30 at noon: cycles 2 (Mar 31) and 3 (Apr 30).
        Assert.Equal([2L, 3L], BillingCalendar.DueCycles(Utc(2027, 1, 31), Monthly, nextCycle: 2, now: Utc(2027, 4, 30, 12)));
        // Run again with both billed: nothing.
        Assert.Empty(BillingCalendar.DueCycles(Utc(2027, 1, 31), Monthly, nextCycle: 4, now: Utc(2027, 4, 30, 12)));
        // The first cycle is due at the anchor itself.
        Assert.Equal([0L], BillingCalendar.DueCycles(Utc(2027, 1, 31), Monthly, nextCycle: 0, now: Utc(2027, 1, 31)));
    }

    private static readonly Gen<BillingPeriod> PeriodGen =
        from interval in Gen.Enum<BillingInterval>()
        from count in Gen.Int[1, BillingPeriod.MaxCount(interval)]
        select new BillingPeriod(interval, count);

    private static readonly Gen<DateTimeOffset> AnchorGen =
        from days in Gen.Int[0, 365 * 8]
        from ms in Gen.Long[0, TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond - 1]
        select Utc(2024, 1, 1).AddDays(days).AddMilliseconds(ms);

    [Fact]
    public void Cycles_start_in_strictly_increasing_order_and_a_month_end_anchor_keeps_its_day_where_the_month_has_it() =>
        Gen.Select(AnchorGen, PeriodGen, Gen.Int[0, 30]).Sample((anchor, period, n) =>
        {
            var start = BillingCalendar.CycleStart(anchor, period, n);
            var next = BillingCalendar.CycleStart(anchor, period, n + 1);
            Assert.True(next > start);
            if (period.Interval != BillingInterval.Minute) Assert.Equal(anchor.TimeOfDay, start.TimeOfDay);
            if (period.Interval is BillingInterval.Month or BillingInterval.Year)
                Assert.Equal(Math.Min(anchor.Day, DateTime.DaysInMonth(start.Year, start.Month)), start.Day);
        }, iter: 2000);

    [Fact]
    public void The_cycle_at_any_moment_has_started_and_its_next_has_not() =>
        Gen.Select(AnchorGen, PeriodGen, Gen.Long[0, 400L * 24 * 60 * 60 * 1000 * 3]).Sample((anchor, period, offsetMs) =>
        {
            var at = anchor.AddMilliseconds(offsetMs);
            var n = BillingCalendar.CycleAt(anchor, period, at);
            Assert.True(n >= 0);
            Assert.True(BillingCalendar.CycleStart(anchor, period, n) <= at);
            Assert.True(BillingCalendar.CycleStart(anchor, period, n + 1) > at);
        }, iter: 2000);
}
