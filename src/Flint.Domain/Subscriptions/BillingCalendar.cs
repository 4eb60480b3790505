namespace Flint.Domain.Subscriptions;

/// <summary>
/// The one place billing dates are computed, in UTC. Cycles are numbered from the billing anchor: cycle <c>n</c>
/// covers <c>[CycleStart(n), CycleStart(n + 1))</c> and is billed at its start (in advance, as Stripe and Square do).
/// Every cycle start is counted from the anchor, never from the previous cycle, so a month-end anchor keeps its day
/// wherever the month has it: monthly from Jan 31 bills Feb 28 (Feb 29 in leap years), Mar 31, Apr 30, May 31 …;
/// yearly from Feb 29 bills Feb 28 in other years and Feb 29 again in the next leap year. Periods of a day or longer
/// keep the anchor's time of day.
/// </summary>
public static class BillingCalendar
{
    /// <summary>How long before a trial ends <c>subscription.trial_will_end</c> is announced.</summary>
    public static readonly TimeSpan TrialEndNotice = TimeSpan.FromDays(3);

    /// <summary>Start of cycle <paramref name="cycle"/> (0 = the anchor itself).</summary>
    public static DateTimeOffset CycleStart(DateTimeOffset anchor, BillingPeriod period, long cycle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        var a = anchor.ToUniversalTime();
        var units = checked(cycle * period.Count);
        return period.Interval switch
        {
            BillingInterval.Minute => a.AddTicks(checked(units * TimeSpan.TicksPerMinute)),
            BillingInterval.Day => a.AddTicks(checked(units * TimeSpan.TicksPerDay)),
            BillingInterval.Week => a.AddTicks(checked(units * 7 * TimeSpan.TicksPerDay)),
            // AddMonths/AddYears end on the month's last day when the anchor's day is not in it.
            BillingInterval.Month => a.AddMonths(checked((int)units)),
            BillingInterval.Year => a.AddYears(checked((int)units)),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period.Interval, null),
        };
    }

    /// <summary>End of cycle <paramref name="cycle"/>: the start of the next.</summary>
    public static DateTimeOffset CycleEnd(DateTimeOffset anchor, BillingPeriod period, long cycle) =>
        CycleStart(anchor, period, checked(cycle + 1));

    /// <summary>The cycle whose period holds <paramref name="at"/>: the last one that has started by then. Before the
    /// anchor there is none (-1).</summary>
    public static long CycleAt(DateTimeOffset anchor, BillingPeriod period, DateTimeOffset at)
    {
        if (at < anchor) return -1;
        var a = anchor.ToUniversalTime();
        var t = at.ToUniversalTime();
        // An estimate from the calendar, then corrected by the real starts (month lengths, clamped days).
        long estimate = period.Interval switch
        {
            BillingInterval.Month => ((t.Year - a.Year) * 12L + t.Month - a.Month) / period.Count,
            BillingInterval.Year => (long)(t.Year - a.Year) / period.Count,
            _ => (t - a).Ticks / FixedLength(period).Ticks,
        };
        var n = Math.Max(0, estimate);
        while (n > 0 && CycleStart(a, period, n) > t) n--;
        while (CycleStart(a, period, n + 1) <= t) n++;
        return n;
    }

    /// <summary>
    /// The cycles to bill at <paramref name="now"/>, in order: every cycle from <paramref name="nextCycle"/> (the first
    /// not yet billed) through the one running now. Empty when the next cycle has not started. A billing run that was
    /// late (silos down for hours) gets every cycle it missed, each once.
    /// </summary>
    public static IReadOnlyList<long> DueCycles(DateTimeOffset anchor, BillingPeriod period, long nextCycle, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nextCycle);
        var current = CycleAt(anchor, period, now);
        if (current < nextCycle) return [];
        var due = new List<long>();
        for (var n = nextCycle; n <= current; n++) due.Add(n);
        return due;
    }

    private static TimeSpan FixedLength(BillingPeriod period) => period.Interval switch
    {
        BillingInterval.Minute => TimeSpan.FromMinutes(period.Count),
        BillingInterval.Day => TimeSpan.FromDays(period.Count),
        BillingInterval.Week => TimeSpan.FromDays(7L * period.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period.Interval, "months and years have no fixed length"),
    };
}
