using System.Globalization;

namespace Flint.Domain.Subscriptions;

/// <summary>Where a subscription is in its life; wire form snake_case (<c>trialing</c>, <c>past_due</c>, …).</summary>
public enum SubscriptionStatus
{
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Canceled,
    Paused,
}

/// <summary>What a subscription becomes when its dunning retries are used up (a merchant setting).</summary>
public enum RetriesExhaustedAction
{
    Cancel,
    MarkUnpaid,
}

/// <summary>
/// The one place the subscription status machine lives; grains ask it for the next status. Refusals are
/// <c>409 INVALID_STATE_TRANSITION</c>: the request is well-formed, only the subscription's state forbids it.
/// <code>
/// trialing → active → past_due → unpaid | canceled      (a cycle paid · a charge failed · retries used up)
/// trialing → past_due                                  (the first charge after the trial failed)
/// past_due | unpaid → active                           (a retry, or a charge with a new payment method, succeeded)
/// active ⇄ paused                                      (pause · resume)
/// any but canceled → canceled                          (cancel now, or at the period's end)
/// </code>
/// Stripe also lets a paused or unpaid subscription be canceled, and so does Flint.
/// </summary>
public static class SubscriptionStatusMachine
{
    /// <summary>Whether cycles are billed (and due dates kept): not while paused, unpaid or canceled.</summary>
    public static bool Bills(SubscriptionStatus status) =>
        status is SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue;

    public static SubscriptionStatus AfterCyclePaid(SubscriptionStatus current) => current switch
    {
        SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid
            => SubscriptionStatus.Active,
        _ => throw Refused(current, "take a cycle's payment", "a paused or canceled subscription bills nothing"),
    };

    /// <summary>A cycle's charge failed: the subscription is past due (an unpaid one stays unpaid).</summary>
    public static SubscriptionStatus AfterCycleFailed(SubscriptionStatus current) => current switch
    {
        SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue => SubscriptionStatus.PastDue,
        SubscriptionStatus.Unpaid => SubscriptionStatus.Unpaid,
        _ => throw Refused(current, "record a failed charge", "a paused or canceled subscription bills nothing"),
    };

    public static SubscriptionStatus AfterRetriesExhausted(SubscriptionStatus current, RetriesExhaustedAction action)
    {
        if (current != SubscriptionStatus.PastDue)
            throw Refused(current, "end its retries", "only a past-due subscription is retried");
        return action == RetriesExhaustedAction.Cancel ? SubscriptionStatus.Canceled : SubscriptionStatus.Unpaid;
    }

    public static SubscriptionStatus Pause(SubscriptionStatus current) => current == SubscriptionStatus.Active
        ? SubscriptionStatus.Paused
        : throw Refused(current, "pause", "only an active subscription can be paused");

    public static SubscriptionStatus Resume(SubscriptionStatus current) => current == SubscriptionStatus.Paused
        ? SubscriptionStatus.Active
        : throw Refused(current, "resume", "only a paused subscription can be resumed");

    public static SubscriptionStatus Cancel(SubscriptionStatus current) => current != SubscriptionStatus.Canceled
        ? SubscriptionStatus.Canceled
        : throw Refused(current, "cancel", "it is canceled already");

    /// <summary>
    /// The event a status change records: <c>subscription.resumed</c> (paused → active), <c>subscription.activated</c>
    /// (trialing, past_due or unpaid → active), otherwise <c>subscription.{new status}</c> (<c>past_due</c>,
    /// <c>unpaid</c>, <c>paused</c>, <c>canceled</c>). A cycle's own outcome (<c>subscription.renewed</c>,
    /// <c>subscription.payment_failed</c>) is recorded besides, whether or not the status moved.
    /// </summary>
    public static string EventFor(SubscriptionStatus from, SubscriptionStatus to)
    {
        var allowed = (from, to) switch
        {
            (SubscriptionStatus.Trialing or SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid, SubscriptionStatus.Active) => true,
            (SubscriptionStatus.Trialing or SubscriptionStatus.Active, SubscriptionStatus.PastDue) => true,
            (SubscriptionStatus.PastDue, SubscriptionStatus.Unpaid) => true,
            (SubscriptionStatus.Active, SubscriptionStatus.Paused) => true,
            (SubscriptionStatus.Paused, SubscriptionStatus.Active) => true,
            (not SubscriptionStatus.Canceled, SubscriptionStatus.Canceled) => true,
            _ => false,
        };
        if (!allowed)
        {
            // Only the machine's own results reach here, so anything else is a programming error, not a client one.
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{from} → {to} is not a transition of the subscription status machine."),
                nameof(to));
        }

        return (from, to) switch
        {
            (SubscriptionStatus.Paused, SubscriptionStatus.Active) => "subscription.resumed",
            (_, SubscriptionStatus.Active) => "subscription.activated",
            _ => "subscription." + SnakeCase.ToSnake(to),
        };
    }

    private static DomainException Refused(SubscriptionStatus current, string action, string rule) =>
        DomainException.Conflict(
            "INVALID_STATE_TRANSITION",
            $"Cannot {action}: the subscription is {SnakeCase.ToSnake(current)}, and {rule}.");
}
