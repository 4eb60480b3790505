using Flint.Domain.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Flint.Grains.Subscriptions;

/// <summary>What is due and when: the steps in time order, taken one at a time, and the one reminder that wakes the
/// grain for the next.</summary>
public sealed partial class SubscriptionGrain
{
    // ---- what is due, in time order ----

    private enum StepKind
    {
        FinishAttempt,
        TrialNotice,
        EndAtPeriodEnd,
        Retry,
        Cycle,
    }

    private readonly record struct Step(StepKind Kind, DateTimeOffset At, string? InvoiceId = null);

    /// <summary>Steps one call takes at most; the rest are taken by the next wake, registered due at once. (A minute
    /// plan down for a day has ~1,440 cycles to bill: no single call should run that long.)</summary>
    private const int StepsPerCall = 25;

    /// <summary>Until when billing waits after a step failed unexpectedly (in memory: a new activation tries at once).</summary>
    private DateTimeOffset _backOffUntil = DateTimeOffset.MinValue;

    /// <summary>Does everything due by now, one step at a time in time order (each step written before the next is
    /// looked at), then registers the reminder for the next. A step that fails unexpectedly (the storage or another
    /// grain could not answer; a cycle whose order cannot be made) is logged and tried again a minute later: the
    /// caller's own change stands, and billing is the subscription's business, not the caller's error.</summary>
    private async Task Work()
    {
        for (var steps = 0; steps < StepsPerCall; steps++)
        {
            var now = Clock.GetUtcNow();
            if (NextStep(State) is not { } step || step.At > now || now < _backOffUntil) break;
            try
            {
                await Take(step);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Subscription {Subscription}: {Step} failed; billing tries again in a minute.", ObjectId, step.Kind);
                _backOffUntil = now + UnknownOutcomeRetry;
                break;
            }
        }
        await Schedule();
    }

    private Task Take(Step step) => step.Kind switch
    {
        StepKind.FinishAttempt => Attempt(step.InvoiceId!),
        StepKind.TrialNotice => Change(s =>
        {
            s.TrialNoticeSent = true;
            Record(s, "subscription.trial_will_end", View(s));
            return 0;
        }),
        StepKind.EndAtPeriodEnd => Change(s =>
        {
            CancelNow(s);
            return 0;
        }),
        StepKind.Retry => StartAttempt(step.InvoiceId!),
        _ => BillCycle(),
    };

    private static Step? NextStep(SubscriptionState s)
    {
        var steps = Steps(s);
        return steps.Count == 0 ? null : steps.MinBy(x => (x.At, x.Kind));
    }

    /// <summary>Every step waiting, each at its time.</summary>
    private static List<Step> Steps(SubscriptionState s)
    {
        var steps = new List<Step>();
        foreach (var i in s.Invoices)
        {
            // An attempt sent but not answered (a crash, an unknown outcome) is sent again, same key, when its retry
            // time comes.
            if (i.AttemptInFlight is not null) steps.Add(new(StepKind.FinishAttempt, i.NextAttemptAt ?? DateTimeOffset.MinValue, i.InvoiceId));
            else if (i.Status == InvoiceStatus.Open && i.NextAttemptAt is { } retry && Retries(s.Status))
                steps.Add(new(StepKind.Retry, retry, i.InvoiceId));
        }
        if (s.Status == SubscriptionStatus.Trialing && !s.TrialNoticeSent && s.TrialEnd is { } end)
        {
            var notice = end - BillingCalendar.TrialEndNotice;
            steps.Add(new(StepKind.TrialNotice, notice < s.CreatedAt ? s.CreatedAt : notice));
        }
        if (s.CancelAtPeriodEnd && s.Status != SubscriptionStatus.Canceled)
            steps.Add(new(StepKind.EndAtPeriodEnd, s.CurrentPeriodEnd ?? s.TrialEnd ?? s.Anchor));
        else if (SubscriptionStatusMachine.Bills(s.Status))
            steps.Add(new(StepKind.Cycle, NextCycleStart(s)));
        return steps;
    }

    private static bool Retries(SubscriptionStatus status) =>
        status is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Trialing;

    private static DateTimeOffset NextCycleStart(SubscriptionState s) =>
        BillingCalendar.CycleStart(s.Anchor, Period(s), s.CyclesBilled - s.RunStartCycle);

    // ---- the reminder ----

    /// <summary>Registers the reminder for the next step (or removes it when nothing is ever due again). Registered
    /// at most <see cref="ReminderHorizon"/> ahead; its period is a backstop should a wake fail before registering
    /// the next.</summary>
    private async Task Schedule()
    {
        var next = NextStep(State)?.At;
        if (next is null)
        {
            await Unschedule();
            return;
        }
        if (next < _backOffUntil) next = _backOffUntil;
        if (_reminderKnown && _reminderFor == next) return;
        await Register(next.Value);
    }

    private async Task Register(DateTimeOffset next)
    {
        var now = Clock.GetUtcNow();
        var due = next - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > ReminderHorizon) due = ReminderHorizon;
        // Every wake registers the next one, so the period only matters when a wake dies before it could (its silo
        // was killed): then the shortest period Orleans allows brings the grain back soonest.
        await this.RegisterOrUpdateReminder(Reminder, due, reminderOptions.Value.MinimumReminderPeriod);
        _reminderFor = next;
        _reminderKnown = true;
    }

    private async Task Unschedule()
    {
        if (_reminderKnown && _reminderFor is null) return;
        await ForgetReminder(Reminder);
        _reminderFor = null;
        _reminderKnown = true;
    }
}
