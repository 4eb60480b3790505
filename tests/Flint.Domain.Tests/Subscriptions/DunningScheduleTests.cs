using Flint.Domain.Subscriptions;

namespace Flint.Domain.Tests.Subscriptions;

public sealed class DunningScheduleTests
{
    private static readonly DateTimeOffset FirstFailure = new(2027, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_default_retries_1_3_and_5_days_after_the_first_failure_then_cancels()
    {
        var s = DunningSchedule.Default;
        Assert.Equal(FirstFailure.AddDays(1), s.NextRetryAt(FirstFailure, 1));
        Assert.Equal(FirstFailure.AddDays(3), s.NextRetryAt(FirstFailure, 2));
        Assert.Equal(FirstFailure.AddDays(5), s.NextRetryAt(FirstFailure, 3));
        Assert.Null(s.NextRetryAt(FirstFailure, 4));
        Assert.Equal(RetriesExhaustedAction.Cancel, s.WhenExhausted);
    }

    [Fact]
    public void A_merchants_schedule_is_taken_as_given()
    {
        var s = DunningSchedule.Create([2, 7], RetriesExhaustedAction.MarkUnpaid);
        Assert.Equal(FirstFailure.AddDays(7), s.NextRetryAt(FirstFailure, 2));
        Assert.Null(s.NextRetryAt(FirstFailure, 3));
    }

    [Fact]
    public void A_minute_plans_retries_count_minutes_so_dunning_can_be_watched_live()
    {
        var minute = BillingPeriod.Create(BillingInterval.Minute, 1, testMode: true);
        var monthly = BillingPeriod.Create(BillingInterval.Month, 1, testMode: false);
        var s = DunningSchedule.Default;

        Assert.Equal(FirstFailure.AddMinutes(3), s.NextRetryAt(FirstFailure, 2, minute.RetryUnit));
        Assert.Equal(FirstFailure.AddDays(3), s.NextRetryAt(FirstFailure, 2, monthly.RetryUnit));
        Assert.Null(s.NextRetryAt(FirstFailure, 4, minute.RetryUnit));
    }

    [Fact]
    public void A_schedule_is_refused_when_empty_too_long_out_of_range_or_not_increasing()
    {
        Assert.Equal("retry_after_days", Expect.Error("VALUE_OUT_OF_RANGE", () => DunningSchedule.Create([], RetriesExhaustedAction.Cancel)).Param);
        Expect.Error("VALUE_OUT_OF_RANGE", () => DunningSchedule.Create([1, 2, 3, 4, 5, 6, 7, 8, 9], RetriesExhaustedAction.Cancel));
        Assert.Equal("retry_after_days[1]", Expect.Error("VALUE_OUT_OF_RANGE", () => DunningSchedule.Create([1, 61], RetriesExhaustedAction.Cancel)).Param);
        Expect.Error("VALUE_OUT_OF_RANGE", () => DunningSchedule.Create([0], RetriesExhaustedAction.Cancel));
        Assert.Equal("retry_after_days[2]", Expect.Error("INVALID_FIELD", () => DunningSchedule.Create([1, 3, 3], RetriesExhaustedAction.Cancel)).Param);
    }
}
