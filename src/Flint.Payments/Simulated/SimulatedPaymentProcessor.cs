namespace Flint.Payments.Simulated;

/// <summary>
/// The built-in processor for test mode: Stripe's test tokens with Stripe's outcomes, no network. Every
/// charge, refund and saved card is written to the <see cref="ISimulatedProcessorLedger"/> before it is
/// answered, so a retry or a look-up after a restart sees exactly what a real processor would have kept.
/// </summary>
/// <remarks>
/// The ledger only offers "put if absent", so everything here is append-only: an idempotency key's first
/// stored outcome wins, and per-charge refund totals are a chain of numbered slots (see
/// <see cref="Refund"/>) where the first writer of a slot wins and the others re-read and try the next.
/// </remarks>
public sealed class SimulatedPaymentProcessor(ISimulatedProcessorLedger ledger) : IPaymentProcessor
{
    public const string ChargePrefix = "ch_sim_";
    public const string RefundPrefix = "re_sim_";
    public const string PaymentMethodPrefix = "pm_sim_";
    public const string CustomerPrefix = "cus_sim_";

    private const string ProcessingErrorToken = "tok_processingError";
    private const string ProcessingErrorCode = "processing_error";
    private const string ProcessingErrorMessage = "An error occurred while processing your card. Try again in a little bit.";
    private const string InvalidToken = "invalid_token";

    // Stripe's test cards behind each token (the declining ones use Stripe's numbers for that decline), so
    // brand and last4 look like what the merchant would see in Stripe's test dashboard.
    private static readonly Dictionary<string, TestCard> Cards = new(StringComparer.Ordinal)
    {
        ["tok_visa"] = new("visa", "4242", null, null),
        ["tok_mastercard"] = new("mastercard", "4444", null, null),
        ["tok_amex"] = new("amex", "8431", null, null),
        ["tok_chargeDeclined"] = new("visa", "0002", "card_declined", "Your card was declined."),
        ["tok_chargeDeclinedInsufficientFunds"] = new("visa", "9995", "insufficient_funds", "Your card has insufficient funds."),
        ["tok_chargeDeclinedExpiredCard"] = new("visa", "0069", "expired_card", "Your card has expired."),
        // Attaches to a customer, then declines every charge (Stripe's 4000 0000 0000 0341): dunning, tried by hand.
        ["tok_chargeCustomerFail"] = new("visa", "0341", "card_declined", "Your card was declined."),
        // A card presented to a paired device's reader (Flint.Domain.Devices.CardPresent): approved, and declined.
        ["tok_cp_visa"] = new("visa", "0119", null, null),
        ["tok_cp_declined"] = new("visa", "0002", "card_declined", "Your card was declined."),
    };

    // A fixed expiry keeps saved cards deterministic; far enough out that no test card expires.
    private const int TestCardExpMonth = 12;
    private const int TestCardExpYear = 2039;

    private sealed record TestCard(string Brand, string Last4, string? DeclineCode, string? DeclineMessage);

    public async Task<ChargeResult> Charge(ProcessorContext context, ChargeRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.IdempotencyKey);
        return await Once(context, ChargeKey(request.IdempotencyKey), () => DecideCharge(context, request)) is { } outcome
            ? ToChargeResult(outcome)
            : new ChargeResult(ChargeOutcome.Failed, null, ProcessingErrorCode, ProcessingErrorMessage, null, null);
    }

    /// <summary>A new charge's outcome, or null for the first attempt with <c>tok_processingError</c>, which fails
    /// without charging (and without an outcome, so the retry charges).</summary>
    private async Task<SimulatedRecord?> DecideCharge(ProcessorContext context, ChargeRequest request)
    {
        var reference = ChargePrefix + request.IdempotencyKey;
        var currency = request.Currency.ToLowerInvariant();
        if (request.AmountMinor <= 0)
        {
            return Declined(reference, request, currency, "invalid_amount", "The amount must be positive.", null, null);
        }
        var (token, refusal) = await ResolveToken(context, request);
        if (refusal is not null)
        {
            return Declined(reference, request, currency, refusal.Value.Code, refusal.Value.Message, null, null);
        }
        if (token == ProcessingErrorToken)
        {
            // The first attempt for a key fails without charging, the next one goes through: this is what
            // makes the pay saga's retry path run in every environment. The attempt is stored under its own
            // key, with a unique marker, so exactly one caller sees the failure even if two race.
            var marker = $"attempt_{Guid.NewGuid():N}";
            var attempt = await ledger.PutIfAbsent(context, AttemptKey(request.IdempotencyKey), new SimulatedRecord(
                "charge_attempt", marker, nameof(ChargeOutcome.Failed), request.AmountMinor, currency,
                ProcessingErrorCode, ProcessingErrorMessage, null, null, null));
            return attempt.Reference == marker ? null : Succeeded(reference, request, currency, Cards["tok_visa"]);
        }
        if (token is not null && Cards.TryGetValue(token, out var card))
        {
            return card.DeclineCode is null
                ? Succeeded(reference, request, currency, card)
                : Declined(reference, request, currency, card.DeclineCode, card.DeclineMessage, card.Brand, card.Last4);
        }
        return Declined(reference, request, currency, InvalidToken, $"No such token: '{token}'.", null, null);
    }

    public async Task<ChargeResult?> FindCharge(ProcessorContext context, string idempotencyKey, CancellationToken ct) =>
        await ledger.Get(context, ChargeKey(idempotencyKey)) is { } record ? ToChargeResult(record) : null;

    /// <summary>
    /// Refunds part or all of a charge, at most its amount in total. The running total lives in slots
    /// <c>refund-slot/{charge}/0, 1, …</c>, each holding the total after one refund and that refund's
    /// reference: a refund claims the first free slot, and if another refund claimed it first it re-reads
    /// and tries the next, so racing refunds can never together exceed the charge.
    /// </summary>
    public async Task<RefundResult> Refund(ProcessorContext context, RefundRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.IdempotencyKey);
        // Every refund has an outcome (a refused one is stored too), so there is always one to answer with.
        return ToRefundResult((await Once(context, RefundKey(request.IdempotencyKey), () => DecideRefund(context, request, ct)))!);
    }

    private async Task<SimulatedRecord?> DecideRefund(ProcessorContext context, RefundRequest request, CancellationToken ct)
    {
        var reference = RefundPrefix + request.IdempotencyKey;
        var currency = request.Currency.ToLowerInvariant();
        var charge = request.ChargeReference.StartsWith(ChargePrefix, StringComparison.Ordinal)
            ? await ledger.Get(context, ChargeKey(request.ChargeReference[ChargePrefix.Length..]))
            : null;
        if (charge is null || charge.Outcome != nameof(ChargeOutcome.Succeeded))
        {
            return RefundDeclined(reference, request, currency, "charge_not_found", $"No such charge: '{request.ChargeReference}'.");
        }
        if (!string.Equals(charge.Currency, currency, StringComparison.Ordinal))
        {
            return RefundDeclined(reference, request, currency, "currency_mismatch", $"The charge is in {charge.Currency}, not {currency}.");
        }
        if (request.AmountMinor <= 0)
        {
            return RefundDeclined(reference, request, currency, "invalid_amount", "The amount must be positive.");
        }
        return await ClaimRefundSlot(context, request, charge, reference, currency, ct);
    }

    /// <summary>
    /// An operation done once per idempotency key: the outcome stored first under <paramref name="key"/> answers every
    /// call with that key, a retry or a concurrent one (the ledger's put-if-absent decides which came first).
    /// <paramref name="decide"/> runs only while nothing is stored; when it has no outcome (null), nothing is stored.
    /// </summary>
    private async Task<SimulatedRecord?> Once(ProcessorContext context, string key, Func<Task<SimulatedRecord?>> decide) =>
        await ledger.Get(context, key)
        ?? (await decide() is { } outcome ? await ledger.PutIfAbsent(context, key, outcome) : null);

    private async Task<SimulatedRecord> ClaimRefundSlot(
        ProcessorContext context, RefundRequest request, SimulatedRecord charge, string reference, string currency, CancellationToken ct)
    {
        long refunded = 0;
        for (var slot = 0; ; slot++)
        {
            ct.ThrowIfCancellationRequested();
            var slotKey = RefundSlotKey(charge.Reference, slot);
            var taken = await ledger.Get(context, slotKey);
            if (taken is null)
            {
                if (refunded + request.AmountMinor > charge.AmountMinor)
                {
                    return RefundDeclined(reference, request, currency, "amount_too_large",
                        $"Refund of {request.AmountMinor} exceeds the {charge.AmountMinor - refunded} still refundable on {charge.Reference}.");
                }

                var mine = new SimulatedRecord("refund_slot", reference, nameof(RefundOutcome.Succeeded),
                    refunded + request.AmountMinor, currency, null, null, null, null, charge.Reference);
                taken = await ledger.PutIfAbsent(context, slotKey, mine);
            }

            // Our slot (now, or from an attempt that died before storing the refund record): the money is
            // already counted, so the refund stands.
            if (taken.Reference == reference)
            {
                return new SimulatedRecord("refund", reference, nameof(RefundOutcome.Succeeded), request.AmountMinor, currency,
                    null, request.Reason, null, null, charge.Reference);
            }

            refunded = taken.AmountMinor;
        }
    }

    public async Task<SavedPaymentMethod> AttachPaymentMethod(
        ProcessorContext context, string flintCustomerId, string? processorCustomerId, string token, CancellationToken ct)
    {
        // Only cards can be saved; the declining ones too, because Stripe's declining test cards attach fine
        // and decline when charged, and a saved card here must behave the same.
        if (!Cards.TryGetValue(token, out var card))
        {
            throw new PaymentMethodNotSavedException(InvalidToken, $"No such token: '{token}'.", transient: false);
        }

        // One processor-side customer per Flint customer, named after it, so attaching twice without the
        // first answer's customer id still lands on the same customer.
        var customerId = processorCustomerId ?? CustomerPrefix + flintCustomerId;
        var methodId = PaymentMethodPrefix + Guid.NewGuid().ToString("N");
        // Message carries the token the saved method stands for, ChargeReference its owner: the ledger's
        // record has no dedicated fields for them.
        await ledger.PutIfAbsent(context, PaymentMethodKey(methodId), new SimulatedRecord(
            "payment_method", methodId, "saved", 0, "", null, token, card.Brand, card.Last4, customerId));
        return new SavedPaymentMethod(methodId, customerId, card.Brand, card.Last4, TestCardExpMonth, TestCardExpYear);
    }

    /// <summary>The token a charge behaves like: its own, or the one its saved method was made from.</summary>
    private async Task<(string? Token, (string Code, string Message)? Refusal)> ResolveToken(ProcessorContext context, ChargeRequest request)
    {
        if (request.Token is not null) return (request.Token, null);
        if (request.ProcessorPaymentMethodId is not { } methodId) return (null, (InvalidToken, "No card token or saved payment method given."));

        var method = await ledger.Get(context, PaymentMethodKey(methodId));
        if (method is null || method.Message is null)
        {
            return (null, ("invalid_payment_method", $"No such payment method: '{methodId}'."));
        }
        if (request.ProcessorCustomerId is not null && request.ProcessorCustomerId != method.ChargeReference)
        {
            return (null, ("invalid_payment_method", $"The payment method '{methodId}' does not belong to '{request.ProcessorCustomerId}'."));
        }
        return (method.Message, null);
    }

    private static SimulatedRecord Succeeded(string reference, ChargeRequest request, string currency, TestCard card) =>
        new("charge", reference, nameof(ChargeOutcome.Succeeded), request.AmountMinor, currency, null, null, card.Brand, card.Last4, null);

    private static SimulatedRecord Declined(string reference, ChargeRequest request, string currency, string code, string? message, string? brand, string? last4) =>
        new("charge", reference, nameof(ChargeOutcome.Declined), request.AmountMinor, currency, code, message, brand, last4, null);

    private static SimulatedRecord RefundDeclined(string reference, RefundRequest request, string currency, string code, string message) =>
        new("refund", reference, nameof(RefundOutcome.Declined), request.AmountMinor, currency, code, message, null, null, request.ChargeReference);

    private static ChargeResult ToChargeResult(SimulatedRecord record) => new(
        Enum.Parse<ChargeOutcome>(record.Outcome), record.Reference, record.DeclineCode, record.Message, record.Brand, record.Last4);

    // A refused refund made no refund object, so it has no reference to report (as with Stripe's 400s).
    private static RefundResult ToRefundResult(SimulatedRecord record) =>
        record.Outcome == nameof(RefundOutcome.Succeeded)
            ? new(RefundOutcome.Succeeded, record.Reference, null)
            : new(Enum.Parse<RefundOutcome>(record.Outcome), null, $"{record.DeclineCode}: {record.Message}");

    private static string ChargeKey(string idempotencyKey) => "charge/" + idempotencyKey;
    private static string AttemptKey(string idempotencyKey) => "charge-attempt/" + idempotencyKey;
    private static string RefundKey(string idempotencyKey) => "refund/" + idempotencyKey;
    private static string RefundSlotKey(string chargeReference, int slot) => $"refund-slot/{chargeReference}/{slot}";
    private static string PaymentMethodKey(string methodId) => "payment-method/" + methodId;
}
