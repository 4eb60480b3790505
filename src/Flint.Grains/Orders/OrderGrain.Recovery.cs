using Flint.Abstractions;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>
/// Recovery: a payment or refund left in flight by a crash is finished (the charge happened) or undone (it did not) —
/// never left half-done. It runs on activation, shortly after an unexpected failure mid-saga, and when the
/// PendingPaymentSweeper (in the host) calls <see cref="ResumePending"/>: what wakes an order nobody calls is the
/// plan's own trace, its payments listed as pending in the projection, so no reminder is written and deleted per
/// payment.
/// </summary>
public sealed partial class OrderGrain : IRemindable
{
    /// <summary>The reminder orders paid before the PendingPaymentSweeper existed registered per payment.</summary>
    private const string SagaReminder = "payment-saga";

    private IGrainTimer? _recoveryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.PendingPay is not null || State.PendingRefund is not null) ScheduleRecovery(TimeSpan.Zero);
    }

    public Task ResumePending() => Recover();

    /// <summary>Only orders paid before the PendingPaymentSweeper existed still have this reminder: finish their saga
    /// and drop it.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SagaReminder) return;
        await Recover();
        if (State.PendingPay is not null || State.PendingRefund is not null) return;
        await ForgetReminder(SagaReminder);
    }

    /// <summary>An unexpected failure mid-saga leaves it pending; recovery runs shortly after (and on the next
    /// activation, and from the PendingPaymentSweeper) instead of waiting for someone to call again.</summary>
    private async Task<T> WithRecoveryOnCrash<T>(Func<Task<T>> saga)
    {
        try
        {
            return await saga();
        }
        catch (Exception e) when (e is not DomainException and not FlintException)
        {
            ScheduleRecovery(TimeSpan.FromSeconds(1));
            throw;
        }
    }

    private void ScheduleRecovery(TimeSpan due)
    {
        _recoveryTimer?.Dispose();
        _recoveryTimer = this.RegisterGrainTimer(_ => Recover(), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>
    /// A saga still pending when a call starts is not running: calls to an order never interleave, so its process died
    /// (or it failed and waits for its recovery timer). Settled first, so that the call — typically the buyer's retry of
    /// that very payment, after its silo was killed — answers with the outcome rather than "in progress, retry"; the
    /// activation's own recovery would do the same a moment later. If the processor cannot say yet, it stays pending.
    /// </summary>
    private async Task SettleLeftoverSaga()
    {
        if (State.PendingPay is null && State.PendingRefund is null) return;
        try
        {
            await Recover();
        }
        catch (Exception)
        {
            ScheduleRecovery(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Finishes or undoes whatever a crashed process left in flight.</summary>
    private async Task Recover()
    {
        var paying = State.PendingPay is not null;
        try
        {
            if (paying) await RunPay(recovering: true);
            if (State.PendingRefund is not null) await RunRefund();
            if (paying) PayMetrics.Recovery("completed");
        }
        catch (AwaitingRetryException e)
        {
            // Nothing charged yet, and its buyer may still retry (which carries it forward): undone only after the grace.
            var wait = e.Until - Now;
            ScheduleRecovery(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            PayMetrics.Recovery("pending");
        }
        catch (DomainException)
        {
            // The saga reached its end (declined, refused); its outcome is recorded in the state.
            if (paying) PayMetrics.Recovery(State.PendingPay is null ? "undone" : "pending");
        }
        catch (FlintException)
        {
            if (paying) PayMetrics.Recovery(State.PendingPay is null ? "undone" : "pending");
        }
        catch
        {
            if (paying) PayMetrics.Recovery("pending");
            throw;
        }
    }
}
