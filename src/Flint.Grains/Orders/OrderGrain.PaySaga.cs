using System.Diagnostics;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Domain.Orders;
using Flint.Payments;

namespace Flint.Grains.Orders;

/// <summary>
/// The pay saga. The amount always comes from the order. Stock is held first, then the plan (pending payments, stock,
/// coupons) is written, then coupons are redeemed, each source charged and the stock committed, and the outcome is
/// written in one order write — or everything is undone. Each step is idempotent, keyed by the order id (stock
/// reservations, coupon redemptions) and the payment id (the processor charge), so <see cref="RunPay"/> can run again
/// from the written plan after a crash (OrderGrain.Recovery.cs) and repeat nothing. What the client sent is turned
/// into payments by <see cref="PaymentPlanner"/>.
/// </summary>
public sealed partial class OrderGrain
{
    public async Task<PayOrderResult> Pay(PayOrderRequest request, PayAttempt attempt)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await PayOnce(request, attempt);
            PayMetrics.Request(started, null);
            return result;
        }
        catch (Exception e)
        {
            PayMetrics.Request(started, e);
            throw;
        }
    }

    private async Task<PayOrderResult> PayOnce(PayOrderRequest request, PayAttempt attempt)
    {
        EnsureExists();
        // The buyer's retry of the very payment a dead process left in flight (same Idempotency-Key): carried forward,
        // charging now if the charge never happened, instead of undone — a retry asks for the request to be done once,
        // and the processor's idempotency key (the payment id) makes a charge that did happen answer again, not twice.
        if (IsLeftoverOf(attempt)) return await WithRecoveryOnCrash(() => RunPay(recovering: true, chargeIfMissing: true));
        await SettleLeftoverSaga();
        if (attempt.IdempotencyKey is { } key && State.Payments.Where(p => p.IdempotencyKey == key).ToList() is { Count: > 0 } earlier)
            return EarlierOutcome(earlier);
        CheckVersion(request.Version);
        EnsureNoMoneyInFlight();
        var status = Status;
        if (status is OrderStatus.Paid or OrderStatus.PartiallyRefunded or OrderStatus.Refunded)
            throw DomainException.Conflict("ORDER_ALREADY_PAID", "This order is paid.");
        if (!OrderStatusMachine.AcceptsPayments(status))
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", $"A {SnakeCase.ToSnake(status)} order cannot be paid.");
        if (State.Lines.Count == 0) throw DomainException.Conflict("ORDER_EMPTY", "The order has no line items.");

        var tip = 0L;
        if (request.TipMoney is not null)
        {
            var t = request.TipMoney.InOrderCurrency("tip_money", State.Currency);
            tip = t.Amount;
        }
        if (request.BuyerEmail is not null) Validation.RequireLength(request.BuyerEmail, "buyer_email", 3, 254);
        var source = request.Source is null ? null : SnakeCase.ToSnake(Validation.ParseSnakeEnum<OrderSource>(request.Source, "source"));
        // A paired device's payments are the register's (pos) unless the caller says otherwise.
        source ??= Actors.Device is not null ? "pos" : null;

        var calc = OrderPricing.Calculate(State);
        var due = checked(calc.BalanceMinor + tip);
        if (due <= 0) throw DomainException.Conflict("ORDER_ALREADY_PAID", "Nothing is left to pay on this order.");
        if (due > Money.MaxAmount)
            throw DomainException.Invalid("AMOUNT_TOO_LARGE", $"A payment is at most {Money.MaxAmount} minor units; this order (with tip) asks for {due}.", request.TipMoney is null ? null : "tip_money");
        var payments = await new PaymentPlanner(GrainFactory, Tenant).Plan(request, State, due, tip, Now);
        foreach (var p in payments)
        {
            p.IdempotencyKey = attempt.IdempotencyKey;
            p.Source = source ?? "api";
        }

        // Coupons and stock are taken by the first payment that succeeds; later partial payments only charge.
        var ownHold = $"{ObjectId}:{payments[0].PaymentId}";
        var saga = new PaySaga
        {
            PaymentIds = payments.Select(p => p.PaymentId).ToList(),
            Reservations = State.StockCommitted ? [] : StockNeeded(State),
            CouponIds = State.StockCommitted ? [] : State.Discounts.Where(d => d.CouponId is not null).Select(d => d.CouponId!).Distinct().ToList(),
            TipMinor = tip,
            Source = source,
            StartedAt = Now,
            ReservationId = attempt.IdempotencyKey is { } k ? KeyedHoldId(ObjectId, k) : ownHold,
        };
        // Stock first, before anything is written here: a refusal (sold out) then costs this order no write at all,
        // which is what most buyers of a flash sale get. A hold taken by an attempt whose process dies before the plan
        // below is written is known to nobody: a keyed attempt's hold is named by its key, so the buyer's retry takes
        // the same hold again instead of a second one; an unkeyed one's simply expires (ReservationHold).
        var step = Stopwatch.GetTimestamp();
        try
        {
            await ReserveStock(saga);
        }
        catch (DomainException e) when (e.Code == "RESERVATION_FINISHED" && attempt.IdempotencyKey is not null)
        {
            // The hold an earlier try of this key took is gone (released when its plan could not be written, or
            // expired): this try holds under a name of its own.
            saga.ReservationId = ownHold;
            await ReserveStock(saga);
        }
        PayMetrics.Step(PayMetrics.HoldStock, step);
        // The plan is durable before the first step that cannot be taken back by expiry (coupon, charge); a pending
        // payment row in the projection is how the PendingPaymentSweeper finds this order if its process dies.
        step = Stopwatch.GetTimestamp();
        try
        {
            await Change(s =>
            {
                s.PendingPay = saga;
                s.Payments.AddRange(payments);
                SetPaymentProjections(s, payments.Select(p => p.PaymentId));
                return 0;
            }, bumpVersion: false);
        }
        catch
        {
            await ReleaseStock(saga);
            throw;
        }
        PayMetrics.Step(PayMetrics.WritePlan, step);
        return await WithRecoveryOnCrash(() => RunPay(recovering: false));
    }

    private bool IsLeftoverOf(PayAttempt attempt) =>
        State.PendingPay is { } saga && attempt.IdempotencyKey is { } key
        && State.Payments.Any(p => p.IdempotencyKey == key && saga.PaymentIds.Contains(p.PaymentId));

    /// <summary>What a pay request already did, answered again to its retry (same Idempotency-Key).</summary>
    private PayOrderResult EarlierOutcome(List<PaymentState> payments)
    {
        if (payments.Any(p => p.Status == PaymentStatus.Pending))
            throw DomainException.Conflict("PAYMENT_IN_PROGRESS", "This payment is still being processed; retry shortly.");
        if (payments.FirstOrDefault(p => p.Status == PaymentStatus.Failed) is { } failed)
            throw DomainException.Declined(failed.DeclineCode ?? "card_declined", $"The payment was declined ({failed.DeclineCode}).");
        return new PayOrderResult(OrderPricing.View(State, ObjectId), payments.Select(p => PaymentViews.Of(State, ObjectId, p)).ToList());
    }

    /// <summary>Reserve stock and coupons, charge, then commit everything in one order write — or undo.</summary>
    /// <param name="recovering">The saga was left by a process that died: what it did is learned from the processor.</param>
    /// <param name="chargeIfMissing">With <paramref name="recovering"/>: a charge the processor never saw is made now
    /// (the buyer is retrying) rather than taken as interrupted and undone (nobody is waiting).</param>
    private async Task<PayOrderResult> RunPay(bool recovering, bool chargeIfMissing = false)
    {
        var saga = State.PendingPay ?? throw new InvalidOperationException("no payment in flight");
        var orderId = ObjectId;

        var step = Stopwatch.GetTimestamp();
        // Redeeming is idempotent by order: a saga carried forward takes again what its dead process may have taken.
        if ((!recovering || chargeIfMissing) && saga.CouponIds.Count > 0)
        {
            try
            {
                foreach (var couponId in saga.CouponIds)
                    await Coupon(couponId).Redeem(orderId, State.CustomerId);
                PayMetrics.Step(PayMetrics.RedeemCoupons, step);
            }
            catch (FlintException e)
            {
                await Undo(saga, failedCode: null, reason: e.Code.ToLowerInvariant());
                throw ExplainRefusal(e, null);
            }
        }

        step = Stopwatch.GetTimestamp();
        var outcomes = new Dictionary<string, ChargeResult>();
        foreach (var paymentId in saga.PaymentIds)
        {
            var p = State.Payments.First(x => x.PaymentId == paymentId);
            if (p.SourceType == "cash")
            {
                outcomes[paymentId] = new ChargeResult(ChargeOutcome.Succeeded, null, null, null, null, null);
                continue;
            }
            var (processor, context) = await Processor();
            if (recovering)
            {
                var found = await processor.FindCharge(context, paymentId, CancellationToken.None);
                // Failed = the processor could not say: the charge may exist, so nothing may be undone yet; the saga
                // stays pending and recovery asks again.
                if (found is { Outcome: ChargeOutcome.Failed })
                    throw new ProcessorUnavailableException($"Could not learn the outcome of payment {paymentId}; will retry.");
                if (found is null && !chargeIfMissing && p.IdempotencyKey is not null && saga.StartedAt + RetryGrace > Now)
                    throw new AwaitingRetryException(saga.StartedAt + RetryGrace);
                outcomes[paymentId] = found
                    ?? (chargeIfMissing ? await Charge(processor, context, p)
                        : new ChargeResult(ChargeOutcome.Failed, null, "interrupted", "The payment was interrupted before the card was charged.", null, null));
            }
            else
            {
                outcomes[paymentId] = await Charge(processor, context, p);
            }
            if (outcomes[paymentId].Outcome != ChargeOutcome.Succeeded) break;
        }
        PayMetrics.Step(recovering ? PayMetrics.FindCharge : PayMetrics.Charge, step);

        var failed = saga.PaymentIds.Select(id => (id, r: outcomes.GetValueOrDefault(id))).FirstOrDefault(x => x.r is null || x.r.Outcome != ChargeOutcome.Succeeded);
        if (failed.id is not null)
        {
            // All or nothing: a split tender whose later card declines gives the earlier cards their money back.
            await VoidCharges(outcomes, "split tender declined");
            var declineCode = failed.r?.DeclineCode ?? (failed.r?.Outcome == ChargeOutcome.Failed ? "processing_error" : "card_declined");
            await Undo(saga, failed.id, declineCode, outcomes);
            throw DomainException.Declined(declineCode, failed.r?.Message ?? $"The payment was declined ({declineCode}).");
        }

        // The charge happened: the sale must now complete. Reservations are committed (idempotent); one that
        // expired meanwhile is taken again, and only if the stock is truly gone is the money given back.
        step = Stopwatch.GetTimestamp();
        try
        {
            foreach (var r in saga.Reservations)
                await CommitReservation(r, saga.ReservationId, orderId);
            PayMetrics.Step(PayMetrics.CommitStock, step);
        }
        catch (FlintException e) when (e.Code == "INSUFFICIENT_INVENTORY")
        {
            await VoidCharges(outcomes, "stock gone");
            await Undo(saga, saga.PaymentIds[0], "insufficient_inventory", outcomes);
            throw DomainException.Conflict("INSUFFICIENT_INVENTORY", "The stock ran out while the payment was being completed; the charge was refunded.");
        }

        step = Stopwatch.GetTimestamp();
        var paid = await Change(s =>
        {
            var from = s.Status;
            long applied = 0;
            foreach (var id in saga.PaymentIds)
            {
                var p = s.Payments.First(x => x.PaymentId == id);
                var r = outcomes[id];
                Settle(p, PaymentStatus.Succeeded, r);
                p.ProcessorReference = r.ProcessorReference;
                applied = checked(applied + p.AmountMinor);
            }
            s.TipMinor = checked(s.TipMinor + saga.TipMinor);
            s.PaidMinor = checked(s.PaidMinor + applied);
            s.StockCommitted = true;
            s.PendingPay = null;
            if (saga.Source is not null && s.Source == "api") s.Source = saga.Source;
            s.UpdatedAt = Now;
            s.Status = OrderStatusMachine.AfterPayment(from, OrderPricing.Calculate(s).GrossTotalMinor, s.PaidMinor);
            var paymentViews = saga.PaymentIds.Select(id => PaymentViews.Of(s, ObjectId, s.Payments.First(x => x.PaymentId == id))).ToList();
            foreach (var pv in paymentViews) Record(s, "payment.succeeded", pv);
            var view = RecordOrderMove(s, from);
            SetPaymentProjections(s, saga.PaymentIds);
            return new PayOrderResult(view, paymentViews);
        });
        PayMetrics.Step(PayMetrics.FinalWrite, step);
        return paid;
    }

    /// <summary>Gives every card charged in this attempt its money back (idempotent: key = payment id + "_void").</summary>
    private async Task VoidCharges(IReadOnlyDictionary<string, ChargeResult> outcomes, string reason)
    {
        foreach (var (id, r) in outcomes.Where(o => o.Value.Outcome == ChargeOutcome.Succeeded && o.Value.ProcessorReference is not null))
        {
            var p = State.Payments.First(x => x.PaymentId == id);
            var (processor, context) = await Processor();
            await processor.Refund(context, new Flint.Payments.RefundRequest(id + "_void", r.ProcessorReference!, p.AmountMinor, State.Currency, reason), CancellationToken.None);
        }
    }

    /// <summary>The processor could not tell what became of a charge: nothing may be undone, recovery asks again.</summary>
    private sealed class ProcessorUnavailableException(string message) : Exception(message);

    /// <summary>
    /// How long recovery leaves a keyed attempt that never reached the processor for its buyer's retry to carry forward
    /// before undoing it. A buyer cut off by a dying process retries within seconds (the bench's clients at once, on the
    /// next silo); meanwhile the order answers other payments <c>409 PAYMENT_IN_PROGRESS</c> and its stock stays held.
    /// </summary>
    private static readonly TimeSpan RetryGrace = TimeSpan.FromSeconds(30);

    /// <summary>Recovery found a keyed attempt uncharged within <see cref="RetryGrace"/>: it looks again at
    /// <paramref name="Until"/>.</summary>
    private sealed class AwaitingRetryException(DateTimeOffset until) : Exception("Waiting for the buyer's retry.")
    {
        public DateTimeOffset Until { get; } = until;
    }

    /// <summary>Processors report their own failures as results; an exception means the outcome is unknown, so it
    /// propagates and leaves the saga pending for recovery (which asks the processor what happened).</summary>
    private Task<ChargeResult> Charge(IPaymentProcessor processor, ProcessorContext context, PaymentState p)
    {
        var request = new ChargeRequest(p.PaymentId, p.AmountMinor, State.Currency, p.Token, p.ProcessorCustomerId, p.ProcessorPaymentMethodId,
            $"Order {ObjectId}", new Dictionary<string, string> { ["flint_order_id"] = ObjectId, ["flint_payment_id"] = p.PaymentId });
        return WithProcessorRetries(() => processor.Charge(context, request, CancellationToken.None), r => r.Outcome == ChargeOutcome.Failed);
    }

    /// <summary>Gives back what the saga took and records the failed attempt, in one order write.</summary>
    private async Task Undo(PaySaga saga, string? failedCode, string reason, IReadOnlyDictionary<string, ChargeResult>? outcomes = null)
    {
        var step = Stopwatch.GetTimestamp();
        await ReleaseStock(saga);
        foreach (var couponId in saga.CouponIds)
        {
            try { await Coupon(couponId).Release(ObjectId); }
            catch (FlintException) { }
        }
        await Change(s =>
        {
            foreach (var id in saga.PaymentIds)
            {
                var p = s.Payments.First(x => x.PaymentId == id);
                var r = outcomes?.GetValueOrDefault(id);
                Settle(p, PaymentStatus.Failed, r);
                p.DeclineCode = id == failedCode ? reason : r?.Outcome == ChargeOutcome.Succeeded ? "voided" : reason;
                Record(s, "payment.failed", PaymentViews.Of(s, ObjectId, p));
            }
            s.PendingPay = null;
            SetPaymentProjections(s, saga.PaymentIds);
            return 0;
        }, bumpVersion: false);
        PayMetrics.Step(PayMetrics.Undo, step);
    }

    /// <summary>The end of a payment either way: the card token is no longer kept, and the card's brand and last
    /// digits the processor reported fill in what the source did not say.</summary>
    private void Settle(PaymentState p, PaymentStatus status, ChargeResult? charge)
    {
        p.Status = status;
        p.Token = null;
        p.Brand ??= charge?.Brand;
        p.Last4 ??= charge?.Last4;
        p.UpdatedAt = Now;
    }

    private ICouponGrain Coupon(string couponId) => GrainFactory.GetGrain<ICouponGrain>(Tenant.GrainKey(couponId));
}
