using Flint.Payments;

namespace Flint.Grains.Tests.Support;

/// <summary>
/// A processor wrapper that lets a test make the next call fail at a chosen point, to stand for a process dying
/// between two saga steps: the grain sees an exception (as if its process died mid-call) and is then deactivated
/// by the test, so its next activation must recover from durable state alone.
/// </summary>
public sealed class PaymentFaults : IPaymentProcessor
{
    private IPaymentProcessor? _inner;

    private PaymentFaults() { }

    /// <summary>Wraps the silo's processor (the silo resolves it lazily, on the first payment); the wrapper is the one
    /// <see cref="Current"/>, so a test can arm faults before the silo ever asked for a processor.</summary>
    public static IPaymentProcessor Wrap(IPaymentProcessor inner)
    {
        Current._inner = inner;
        return Current;
    }

    public static PaymentFaults Current { get; } = new();

    private IPaymentProcessor Inner => _inner ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>Fail the next charge before it reaches the processor.</summary>
    public volatile bool FailBeforeCharge;

    /// <summary>Let the next charge through, then fail as if the answer were lost.</summary>
    public volatile bool FailAfterCharge;

    public int Charges;

    /// <summary>When set, the charge faults hit only this order's charges (other grains' work — a subscription's own
    /// reminder firing meanwhile — goes through untouched).</summary>
    public volatile string? OnlyOrder;

    /// <summary>The order of every charge that reached the processor, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ChargedOrders { get; } = new();

    /// <summary>Fail the next refund before it reaches the processor.</summary>
    public volatile bool FailBeforeRefund;

    /// <summary>Let the next refund through, then fail as if the answer were lost.</summary>
    public volatile bool FailAfterRefund;

    /// <summary>While set, every charge look-up fails (the processor is unreachable): a recovery cannot learn the
    /// outcome and must leave the saga pending.</summary>
    public volatile bool FailFindCharge;

    /// <summary>When set to n &gt; 0, the n-th refund call since <see cref="Reset"/> is refused by the processor (as a
    /// real one may refuse, e.g. for a disputed charge) without reaching it.</summary>
    public volatile int DeclineRefundCall;

    private int _refundCalls;

    /// <summary>Refund calls that reached the processor (a repeat with the same key counts again).</summary>
    public int Refunds;

    /// <summary>The idempotency keys (Flint payment ids) of every charge attempted, in order, failed ones included.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ChargeKeys { get; } = new();

    /// <summary>The idempotency keys (Flint refund ids) of every refund attempted, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> RefundKeys { get; } = new();

    /// <summary>No faults armed, counters at zero. Grain tests run one at a time (one collection), so a test that
    /// counts calls resets first.</summary>
    public void Reset()
    {
        FailBeforeCharge = false;
        FailAfterCharge = false;
        FailBeforeRefund = false;
        FailAfterRefund = false;
        FailFindCharge = false;
        OnlyOrder = null;
        ChargedOrders.Clear();
        DeclineRefundCall = 0;
        Interlocked.Exchange(ref _refundCalls, 0);
        Interlocked.Exchange(ref Charges, 0);
        Interlocked.Exchange(ref Refunds, 0);
        ChargeKeys.Clear();
        RefundKeys.Clear();
    }

    public async Task<ChargeResult> Charge(ProcessorContext context, ChargeRequest request, CancellationToken ct)
    {
        ChargeKeys.Enqueue(request.IdempotencyKey);
        var order = request.Metadata.GetValueOrDefault("flint_order_id") ?? "";
        var targeted = OnlyOrder is not { } only || only == order;
        if (FailBeforeCharge && targeted)
        {
            FailBeforeCharge = false;
            throw new SimulatedCrashException("crash before the charge");
        }
        var result = await Inner.Charge(context, request, ct);
        Interlocked.Increment(ref Charges);
        ChargedOrders.Enqueue(order);
        if (FailAfterCharge && targeted)
        {
            FailAfterCharge = false;
            throw new SimulatedCrashException("crash after the charge");
        }
        return result;
    }

    public Task<ChargeResult?> FindCharge(ProcessorContext context, string idempotencyKey, CancellationToken ct) =>
        FailFindCharge ? throw new SimulatedCrashException("processor unreachable") : Inner.FindCharge(context, idempotencyKey, ct);
    public async Task<RefundResult> Refund(ProcessorContext context, RefundRequest request, CancellationToken ct)
    {
        RefundKeys.Enqueue(request.IdempotencyKey);
        if (Interlocked.Increment(ref _refundCalls) == DeclineRefundCall)
            return new RefundResult(RefundOutcome.Declined, null, "charge_disputed: The charge is disputed and cannot be refunded.");
        if (FailBeforeRefund)
        {
            FailBeforeRefund = false;
            throw new SimulatedCrashException("crash before the refund");
        }
        var result = await Inner.Refund(context, request, ct);
        Interlocked.Increment(ref Refunds);
        if (FailAfterRefund)
        {
            FailAfterRefund = false;
            throw new SimulatedCrashException("crash after the refund");
        }
        return result;
    }
    public Task<SavedPaymentMethod> AttachPaymentMethod(ProcessorContext context, string flintCustomerId, string? processorCustomerId, string token, CancellationToken ct) =>
        Inner.AttachPaymentMethod(context, flintCustomerId, processorCustomerId, token, ct);
}

public sealed class SimulatedCrashException(string message) : Exception(message);
