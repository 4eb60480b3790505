using Flint.Domain.Subscriptions;

namespace Flint.Domain.Tests.Subscriptions;

public sealed class BillingPeriodTests
{
    [Theory]
    [InlineData(BillingInterval.Minute, 525_600)]
    [InlineData(BillingInterval.Day, 365)]
    [InlineData(BillingInterval.Week, 52)]
    [InlineData(BillingInterval.Month, 12)]
    [InlineData(BillingInterval.Year, 1)]
    public void A_period_is_one_to_one_years_worth_of_its_interval(BillingInterval interval, long max)
    {
        Assert.Equal(new BillingPeriod(interval, 1), BillingPeriod.Create(interval, 1, testMode: true));
        Assert.Equal(new BillingPeriod(interval, (int)max), BillingPeriod.Create(interval, max, testMode: true));
        Assert.Equal("interval_count", Expect.Error("VALUE_OUT_OF_RANGE", () => BillingPeriod.Create(interval, max + 1, testMode: true)).Param);
        Expect.Error("VALUE_OUT_OF_RANGE", () => BillingPeriod.Create(interval, 0, testMode: true));
    }

    [Fact]
    public void Minute_periods_are_for_test_keys_only()
    {
        var error = Expect.Error("INTERVAL_NOT_ALLOWED", () => BillingPeriod.Create(BillingInterval.Minute, 1, testMode: false));
        Assert.Equal("interval", error.Param);
        Assert.Equal(new BillingPeriod(BillingInterval.Month, 1), BillingPeriod.Create(BillingInterval.Month, 1, testMode: false));
    }
}
