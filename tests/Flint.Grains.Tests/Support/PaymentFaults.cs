using Flint.Payments;

namespace Flint.Grains.Tests.Support;

/// <summary>
/// A processor wrapper that lets a test make the next call fail at a chosen point, to stand for a process dying
/// between two saga steps: the grain sees an exception (as if its process died mid-call) and is then deactivated
/// by the test, so its next activation must recover from durable state alone.
/// </summary>
public sealed class PaymentFaults : IPaymentProcessor
{
    private static PaymentFaults? _current;
    private readonly IPaymentProcessor _inner;

    private PaymentFaults(IPaymentProcessor inner) => _inner = inner;

    public static IPaymentProcessor Wrap(IPaymentProcessor inner) => _current = new PaymentFaults(inner);

    public static PaymentFaults Current => _current ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>Fail the next charge before it reaches the processor.</summary>
    public volatile bool FailBeforeCharge;

    /// <summary>Let the next charge through, then fail as if the answer were lost.</summary>
    public volatile bool FailAfterCharge;

    public int Charges;

    public async Task<ChargeResult> Charge(ProcessorContext context, ChargeRequest request, CancellationToken ct)
    {
        if (FailBeforeCharge)
        {
            FailBeforeCharge = false;
            throw new SimulatedCrashException("crash before the charge");
        }
        var result = await _inner.Charge(context, request, ct);
        Interlocked.Increment(ref Charges);
        if (FailAfterCharge)
        {
            FailAfterCharge = false;
            throw new SimulatedCrashException("crash after the charge");
        }
        return result;
    }

    public Task<ChargeResult?> FindCharge(ProcessorContext context, string idempotencyKey, CancellationToken ct) => _inner.FindCharge(context, idempotencyKey, ct);
    public Task<RefundResult> Refund(ProcessorContext context, RefundRequest request, CancellationToken ct) => _inner.Refund(context, request, ct);
    public Task<SavedPaymentMethod> AttachPaymentMethod(ProcessorContext context, string flintCustomerId, string? processorCustomerId, string token, CancellationToken ct) =>
        _inner.AttachPaymentMethod(context, flintCustomerId, processorCustomerId, token, ct);
}

public sealed class SimulatedCrashException(string message) : Exception(message);
