using Flint.Domain.Subscriptions;

namespace Flint.Domain.Tests.Subscriptions;

public sealed class SubscriptionStatusMachineTests
{
    [Theory]
    [InlineData(SubscriptionStatus.Trialing)]
    [InlineData(SubscriptionStatus.Active)]
    [InlineData(SubscriptionStatus.PastDue)]
    [InlineData(SubscriptionStatus.Unpaid)]
    public void A_paid_cycle_makes_a_billing_or_unpaid_subscription_active(SubscriptionStatus from) =>
        Assert.Equal(SubscriptionStatus.Active, SubscriptionStatusMachine.AfterCyclePaid(from));

    [Theory]
    [InlineData(SubscriptionStatus.Trialing, SubscriptionStatus.PastDue)]
    [InlineData(SubscriptionStatus.Active, SubscriptionStatus.PastDue)]
    [InlineData(SubscriptionStatus.PastDue, SubscriptionStatus.PastDue)]
    [InlineData(SubscriptionStatus.Unpaid, SubscriptionStatus.Unpaid)]
    public void A_failed_charge_makes_it_past_due_and_an_unpaid_one_stays_unpaid(SubscriptionStatus from, SubscriptionStatus to) =>
        Assert.Equal(to, SubscriptionStatusMachine.AfterCycleFailed(from));

    [Fact]
    public void Used_up_retries_cancel_or_mark_unpaid_as_the_merchant_chose()
    {
        Assert.Equal(SubscriptionStatus.Canceled,
            SubscriptionStatusMachine.AfterRetriesExhausted(SubscriptionStatus.PastDue, RetriesExhaustedAction.Cancel));
        Assert.Equal(SubscriptionStatus.Unpaid,
            SubscriptionStatusMachine.AfterRetriesExhausted(SubscriptionStatus.PastDue, RetriesExhaustedAction.MarkUnpaid));
        Expect.Error("INVALID_STATE_TRANSITION",
            () => SubscriptionStatusMachine.AfterRetriesExhausted(SubscriptionStatus.Active, RetriesExhaustedAction.Cancel));
    }

    [Fact]
    public void Only_an_active_subscription_pauses_and_only_a_paused_one_resumes()
    {
        Assert.Equal(SubscriptionStatus.Paused, SubscriptionStatusMachine.Pause(SubscriptionStatus.Active));
        Assert.Equal(SubscriptionStatus.Active, SubscriptionStatusMachine.Resume(SubscriptionStatus.Paused));
        foreach (var s in Enum.GetValues<SubscriptionStatus>().Where(s => s != SubscriptionStatus.Active))
        {
            var error = Expect.Error("INVALID_STATE_TRANSITION", () => SubscriptionStatusMachine.Pause(s));
            Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        }
        foreach (var s in Enum.GetValues<SubscriptionStatus>().Where(s => s != SubscriptionStatus.Paused))
            Expect.Error("INVALID_STATE_TRANSITION", () => SubscriptionStatusMachine.Resume(s));
    }

    [Fact]
    public void Anything_but_a_canceled_subscription_can_be_canceled()
    {
        foreach (var s in Enum.GetValues<SubscriptionStatus>().Where(s => s != SubscriptionStatus.Canceled))
            Assert.Equal(SubscriptionStatus.Canceled, SubscriptionStatusMachine.Cancel(s));
        var error = Expect.Error("INVALID_STATE_TRANSITION", () => SubscriptionStatusMachine.Cancel(SubscriptionStatus.Canceled));
        Assert.Equal("Cannot cancel: the subscription is canceled, and it is canceled already.", error.Message);
    }

    [Theory]
    [InlineData(SubscriptionStatus.Paused)]
    [InlineData(SubscriptionStatus.Canceled)]
    public void A_paused_or_canceled_subscription_bills_nothing(SubscriptionStatus s)
    {
        Assert.False(SubscriptionStatusMachine.Bills(s));
        Expect.Error("INVALID_STATE_TRANSITION", () => SubscriptionStatusMachine.AfterCyclePaid(s));
        Expect.Error("INVALID_STATE_TRANSITION", () => SubscriptionStatusMachine.AfterCycleFailed(s));
    }

    [Fact]
    public void Trialing_active_and_past_due_subscriptions_bill_their_cycles() =>
        Assert.Equal(
            [SubscriptionStatus.Trialing, SubscriptionStatus.Active, SubscriptionStatus.PastDue],
            Enum.GetValues<SubscriptionStatus>().Where(SubscriptionStatusMachine.Bills).ToArray());

    [Theory]
    [InlineData(SubscriptionStatus.Paused, SubscriptionStatus.Active, "subscription.resumed")]
    [InlineData(SubscriptionStatus.Trialing, SubscriptionStatus.Active, "subscription.activated")]
    [InlineData(SubscriptionStatus.PastDue, SubscriptionStatus.Active, "subscription.activated")]
    [InlineData(SubscriptionStatus.Unpaid, SubscriptionStatus.Active, "subscription.activated")]
    [InlineData(SubscriptionStatus.Active, SubscriptionStatus.PastDue, "subscription.past_due")]
    [InlineData(SubscriptionStatus.Trialing, SubscriptionStatus.PastDue, "subscription.past_due")]
    [InlineData(SubscriptionStatus.PastDue, SubscriptionStatus.Unpaid, "subscription.unpaid")]
    [InlineData(SubscriptionStatus.Active, SubscriptionStatus.Paused, "subscription.paused")]
    [InlineData(SubscriptionStatus.Paused, SubscriptionStatus.Canceled, "subscription.canceled")]
    public void Each_transition_records_its_event(SubscriptionStatus from, SubscriptionStatus to, string type) =>
        Assert.Equal(type, SubscriptionStatusMachine.EventFor(from, to));

    [Fact]
    public void Every_status_the_machine_answers_has_an_event_and_nothing_else_does()
    {
        var all = Enum.GetValues<SubscriptionStatus>();
        var produced = new HashSet<(SubscriptionStatus, SubscriptionStatus)>();
        foreach (var from in all)
        {
            Try(from, () => SubscriptionStatusMachine.AfterCyclePaid(from));
            Try(from, () => SubscriptionStatusMachine.AfterCycleFailed(from));
            Try(from, () => SubscriptionStatusMachine.AfterRetriesExhausted(from, RetriesExhaustedAction.Cancel));
            Try(from, () => SubscriptionStatusMachine.AfterRetriesExhausted(from, RetriesExhaustedAction.MarkUnpaid));
            Try(from, () => SubscriptionStatusMachine.Pause(from));
            Try(from, () => SubscriptionStatusMachine.Resume(from));
            Try(from, () => SubscriptionStatusMachine.Cancel(from));
        }

        foreach (var (from, to) in produced)
            Assert.StartsWith("subscription.", SubscriptionStatusMachine.EventFor(from, to));
        Assert.Throws<ArgumentException>(() => SubscriptionStatusMachine.EventFor(SubscriptionStatus.Canceled, SubscriptionStatus.Active));
        Assert.Throws<ArgumentException>(() => SubscriptionStatusMachine.EventFor(SubscriptionStatus.Unpaid, SubscriptionStatus.Paused));

        void Try(SubscriptionStatus from, Func<SubscriptionStatus> move)
        {
            try
            {
                var to = move();
                if (to != from) produced.Add((from, to));
            }
            catch (DomainException)
            {
            }
        }
    }
}
