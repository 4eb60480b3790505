using System.Globalization;

namespace Flint.Domain.Subscriptions;

/// <summary>The unit of a plan's billing period; wire form snake_case (<c>day</c>, <c>month</c>, …).</summary>
public enum BillingInterval
{
    /// <summary>Test mode only: lets billing be watched live.</summary>
    Minute,
    Day,
    Week,
    Month,
    Year,
}

/// <summary>
/// How long one billing cycle lasts: <see cref="Count"/> × <see cref="Interval"/>, at most one year (525,600
/// minutes, 365 days, 52 weeks, 12 months or 1 year).
/// </summary>
public readonly record struct BillingPeriod(BillingInterval Interval, int Count)
{
    /// <summary>Validates a plan's <c>interval</c> and <c>interval_count</c>: <c>minute</c> only with a test key
    /// (<c>INTERVAL_NOT_ALLOWED</c>), a count from 1 to the one-year limit of its interval
    /// (<c>VALUE_OUT_OF_RANGE</c>).</summary>
    public static BillingPeriod Create(BillingInterval interval, long count, bool testMode)
    {
        if (interval == BillingInterval.Minute && !testMode)
        {
            throw DomainException.Invalid(
                "INTERVAL_NOT_ALLOWED", "interval 'minute' is accepted only with test keys, so billing can be watched live.", "interval");
        }

        var max = MaxCount(interval);
        if (count < 1 || count > max)
        {
            throw DomainException.Invalid(
                "VALUE_OUT_OF_RANGE",
                string.Create(CultureInfo.InvariantCulture,
                    $"interval_count must be between 1 and {max} for interval '{SnakeCase.ToSnake(interval)}' (a billing period is at most one year; got {count})."),
                "interval_count");
        }

        return new BillingPeriod(interval, (int)count);
    }

    /// <summary>
    /// What a dunning schedule's "days" mean for this period: a day — except for a plan billed by the minute (test
    /// mode only, to watch billing live), whose retries come after as many <b>minutes</b> (default 1, 3 and 5), so
    /// past_due, the retries and the end of them can be watched too.
    /// </summary>
    public TimeSpan RetryUnit => Interval == BillingInterval.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromDays(1);

    /// <summary>The most of <paramref name="interval"/> one period may span: one year.</summary>
    public static int MaxCount(BillingInterval interval) => interval switch
    {
        BillingInterval.Minute => 525_600,
        BillingInterval.Day => 365,
        BillingInterval.Week => 52,
        BillingInterval.Month => 12,
        BillingInterval.Year => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };
}
