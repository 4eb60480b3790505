using System.Globalization;

namespace Flint.Domain.Subscriptions;

/// <summary>
/// When a failed cycle is charged again: retry <c>k</c> runs <see cref="RetryAfterDays"/>[k] days after the cycle's
/// first failed charge (default 1, 3 and 5 days); when they are used up the subscription is canceled or marked unpaid
/// (<see cref="WhenExhausted"/>; default cancel: a subscription nobody pays for stops rather than piling up unpaid
/// cycles, and a merchant who wants to keep it chooses <c>mark_unpaid</c>).
/// </summary>
public sealed record DunningSchedule(IReadOnlyList<int> RetryAfterDays, RetriesExhaustedAction WhenExhausted)
{
    public const int MaxRetries = 8;
    public const int MaxDays = 60;

    public static readonly DunningSchedule Default = new([1, 3, 5], RetriesExhaustedAction.Cancel);

    /// <summary>Validates a merchant's schedule: 1–8 retries, each 1–60 days after the first failure, strictly
    /// increasing.</summary>
    /// <param name="param">The field the days were sent in, named in errors (<c>param[i]</c> for one day).</param>
    public static DunningSchedule Create(IReadOnlyList<long> retryAfterDays, RetriesExhaustedAction whenExhausted, string param = "retry_after_days")
    {
        ArgumentNullException.ThrowIfNull(retryAfterDays);
        if (retryAfterDays.Count is < 1 or > MaxRetries)
        {
            throw DomainException.Invalid(
                "VALUE_OUT_OF_RANGE",
                string.Create(CultureInfo.InvariantCulture, $"{param} takes 1 to {MaxRetries} retries (got {retryAfterDays.Count})."),
                param);
        }

        for (var i = 0; i < retryAfterDays.Count; i++)
        {
            Validation.RequireRange(retryAfterDays[i], 1, MaxDays, $"{param}[{i}]");
            if (i > 0 && retryAfterDays[i] <= retryAfterDays[i - 1])
            {
                throw DomainException.Invalid(
                    "INVALID_FIELD", $"{param} must be strictly increasing (days after the first failed charge).",
                    $"{param}[{i}]");
            }
        }

        return new DunningSchedule(retryAfterDays.Select(d => (int)d).ToArray(), whenExhausted);
    }

    /// <summary>When to charge again after <paramref name="failedAttempts"/> failed charges of one cycle (the first
    /// included), or null when no retry is left.</summary>
    /// <param name="unit">What a "day" of the schedule is: a day, or a minute for a minute plan
    /// (<see cref="BillingPeriod.RetryUnit"/>).</param>
    public DateTimeOffset? NextRetryAt(DateTimeOffset firstFailedAt, int failedAttempts, TimeSpan? unit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var retry = failedAttempts - 1;
        return retry < RetryAfterDays.Count ? firstFailedAt + RetryAfterDays[retry] * (unit ?? TimeSpan.FromDays(1)) : null;
    }
}
