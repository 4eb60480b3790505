namespace Flint.Payments;

/// <summary>Which merchant a processor call is for, and its Stripe secret key when it configured one.</summary>
public sealed record ProcessorContext(string MerchantId, string Environment, string? StripeSecretKey)
{
    /// <summary>Never prints the key (records print every member by default, and contexts end up in logs).</summary>
    public override string ToString() => $"ProcessorContext {{ MerchantId = {MerchantId}, Environment = {Environment}, Stripe = {(StripeSecretKey is null ? "no" : "configured")} }}";
}

/// <param name="IdempotencyKey">Flint's payment id: the processor never charges twice for one key.</param>
/// <param name="Token">A card token (tok_visa, …) for a one-off charge; or null with a saved method.</param>
public sealed record ChargeRequest(
    string IdempotencyKey,
    long AmountMinor,
    string Currency,
    string? Token,
    string? ProcessorCustomerId,
    string? ProcessorPaymentMethodId,
    string Description,
    IReadOnlyDictionary<string, string> Metadata);

public enum ChargeOutcome
{
    Succeeded,
    /// <summary>The card was refused (final): see DeclineCode.</summary>
    Declined,
    /// <summary>Nothing is known to have happened (network, processor error): retry with the same key.</summary>
    Failed,
}

public sealed record ChargeResult(
    ChargeOutcome Outcome,
    string? ProcessorReference,
    string? DeclineCode,
    string? Message,
    string? Brand,
    string? Last4);

/// <param name="IdempotencyKey">Flint's refund id.</param>
public sealed record RefundRequest(string IdempotencyKey, string ChargeReference, long AmountMinor, string Currency, string? Reason);

public enum RefundOutcome
{
    Succeeded,
    /// <summary>Refused for good (e.g. the charge cannot be refunded).</summary>
    Declined,
    /// <summary>Nothing is known to have happened: retry with the same key.</summary>
    Failed,
}

public sealed record RefundResult(RefundOutcome Outcome, string? ProcessorReference, string? Message);

public sealed record SavedPaymentMethod(
    string ProcessorPaymentMethodId,
    string ProcessorCustomerId,
    string Brand,
    string Last4,
    int ExpMonth,
    int ExpYear);

/// <summary>
/// The port between Flint and a card processor. Every call that moves money carries an idempotency key
/// (Flint's payment or refund id), so a retry after a crash can never charge or refund twice, and
/// <see cref="FindCharge"/> answers "did that charge happen?" after a restart.
/// </summary>
public interface IPaymentProcessor
{
    Task<ChargeResult> Charge(ProcessorContext context, ChargeRequest request, CancellationToken ct);

    /// <summary>The outcome of an earlier charge with this idempotency key, or null if none was made.</summary>
    Task<ChargeResult?> FindCharge(ProcessorContext context, string idempotencyKey, CancellationToken ct);

    Task<RefundResult> Refund(ProcessorContext context, RefundRequest request, CancellationToken ct);

    /// <summary>Saves a card token as a reusable method of the processor-side customer (created when
    /// <paramref name="processorCustomerId"/> is null).</summary>
    Task<SavedPaymentMethod> AttachPaymentMethod(ProcessorContext context, string flintCustomerId, string? processorCustomerId, string token, CancellationToken ct);
}

/// <summary>Where the simulated processor keeps its charges and refunds, so a look-up after a restart finds
/// them. Implemented over durable grain state by the host.</summary>
public interface ISimulatedProcessorLedger
{
    /// <summary>Stores the record under the key unless one is there already; returns the stored one.</summary>
    Task<SimulatedRecord> PutIfAbsent(ProcessorContext context, string key, SimulatedRecord record);
    Task<SimulatedRecord?> Get(ProcessorContext context, string key);
}

/// <summary>One charge, refund or saved card of the simulated processor.</summary>
public sealed record SimulatedRecord(
    string Kind,
    string Reference,
    string Outcome,
    long AmountMinor,
    string Currency,
    string? DeclineCode,
    string? Message,
    string? Brand,
    string? Last4,
    string? ChargeReference);
