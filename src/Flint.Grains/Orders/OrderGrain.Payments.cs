using System.Globalization;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Domain.Orders;
using Flint.Grains.Payments;
using Flint.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Flint.Grains.Orders;

/// <summary>
/// Paying and refunding. The amount always comes from the order. A payment is a saga of idempotent steps keyed by
/// the order id (stock reservations, coupon redemptions) and the payment id (the processor charge): its plan is
/// written before the first step that expiry cannot undo, and on activation an unfinished plan is finished (the
/// charge happened) or undone (it did not) — never left half-done. What wakes the grain after a crash is the
/// plan's own trace: its payments are listed as pending in the projection, and the PendingPaymentSweeper (in the
/// host) calls <see cref="ResumePending"/> on orders whose payment stays pending too long — no reminder is
/// written and deleted per payment.
/// </summary>
public sealed partial class OrderGrain : IRemindable
{
    private const string SagaReminder = "payment-saga";
    private const int MaxSources = 10;
    private const int ChargeAttempts = 3;
    private static readonly TimeSpan ReservationHold = TimeSpan.FromMinutes(15);

    private PaymentProcessorRouter Processors => ServiceProvider.GetRequiredService<PaymentProcessorRouter>();

    public async Task<PayOrderResult> Pay(PayOrderRequest request)
    {
        EnsureExists();
        if (request.IdempotencyKey is { } key && State.Payments.Where(p => p.IdempotencyKey == key).ToList() is { Count: > 0 } earlier)
            return EarlierOutcome(earlier);
        CheckVersion(request.Version);
        EnsureNoMoneyInFlight();
        var status = Status;
        if (status == OrderStatus.Paid || status is OrderStatus.PartiallyRefunded or OrderStatus.Refunded)
            throw DomainException.Conflict("ORDER_ALREADY_PAID", "This order is paid.");
        if (status is not (OrderStatus.Open or OrderStatus.PartiallyPaid))
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", $"A {State.Status} order cannot be paid.");
        if (State.Lines.Count == 0) throw DomainException.Conflict("ORDER_EMPTY", "The order has no line items.");

        var tip = 0L;
        if (request.TipMoney is not null)
        {
            var t = request.TipMoney.ToMoney("tip_money");
            if (t.Currency != State.Currency) throw DomainException.Invalid("CURRENCY_MISMATCH", $"The order is in {State.Currency}.", "tip_money.currency");
            tip = t.Amount;
        }
        if (request.BuyerEmail is not null) Validation.RequireLength(request.BuyerEmail, "buyer_email", 3, 254);
        var source = request.Source is null ? null : SnakeCase.ToSnake(Validation.ParseSnakeEnum<OrderSource>(request.Source, "source"));

        var calc = OrderPricing.Calculate(State);
        var due = checked(calc.BalanceMinor + tip);
        if (due <= 0) throw DomainException.Conflict("ORDER_ALREADY_PAID", "Nothing is left to pay on this order.");
        if (due > Money.MaxAmount)
            throw DomainException.Invalid("AMOUNT_TOO_LARGE", $"A payment is at most {Money.MaxAmount} minor units; this order (with tip) asks for {due}.", request.TipMoney is null ? null : "tip_money");
        var payments = await PlanPayments(request, due, tip);
        foreach (var p in payments) p.IdempotencyKey = request.IdempotencyKey;

        // Coupons and stock are taken by the first payment that succeeds; later partial payments only charge.
        var saga = new PaySaga
        {
            PaymentIds = payments.Select(p => p.PaymentId).ToList(),
            Reservations = State.StockCommitted ? [] : StockNeeded(State),
            CouponIds = State.StockCommitted ? [] : State.Discounts.Where(d => d.CouponId is not null).Select(d => d.CouponId!).Distinct().ToList(),
            TipMinor = tip,
            Source = source,
            StartedAt = Now,
            ReservationId = $"{ObjectId}:{payments[0].PaymentId}",
        };
        // Stock first, before anything is written here: a refusal (sold out) then costs this order no write at all,
        // which is what most buyers of a flash sale get. A reservation held by an attempt whose process dies before
        // the plan below is written simply expires (ReservationHold).
        await ReserveStock(saga);
        // The plan is durable before the first step that cannot be taken back by expiry (coupon, charge); a pending
        // payment row in the projection is how the PendingPaymentSweeper finds this order if its process dies.
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
        return await WithRecoveryOnCrash(() => RunPay(recovering: false));
    }

    private async Task ReserveStock(PaySaga saga)
    {
        string? shortVariant = null;
        try
        {
            foreach (var r in saga.Reservations)
            {
                shortVariant = r.VariantId;
                await Inventory(r.VariantId).Reserve(saga.ReservationId, r.Quantity, Clock.GetUtcNow() + ReservationHold);
            }
        }
        catch (FlintException e)
        {
            await ReleaseStock(saga);
            throw ExplainRefusal(e, shortVariant);
        }
    }

    private async Task ReleaseStock(PaySaga saga)
    {
        foreach (var r in saga.Reservations)
        {
            try { await Inventory(r.VariantId).Release(saga.ReservationId); }
            catch (FlintException) { }
        }
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

    private IGrainTimer? _recoveryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.PendingPay is not null || State.PendingRefund is not null) ScheduleRecovery(TimeSpan.Zero);
    }

    /// <summary>Reserve stock and coupons, charge, then commit everything in one order write — or undo.</summary>
    private async Task<PayOrderResult> RunPay(bool recovering)
    {
        var saga = State.PendingPay ?? throw new InvalidOperationException("no payment in flight");
        var orderId = ObjectId;

        if (!recovering)
        {
            try
            {
                foreach (var couponId in saga.CouponIds)
                    await Coupon(couponId).Redeem(orderId, State.CustomerId);
            }
            catch (FlintException e)
            {
                await Undo(saga, failedCode: null, reason: e.Code.ToLowerInvariant());
                throw ExplainRefusal(e, null);
            }
        }

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
                // stays pending and the reminder asks again.
                if (found is { Outcome: ChargeOutcome.Failed })
                    throw new ProcessorUnavailableException($"Could not learn the outcome of payment {paymentId}; will retry.");
                outcomes[paymentId] = found ?? new ChargeResult(ChargeOutcome.Failed, null, "interrupted", "The payment was interrupted before the card was charged.", null, null);
            }
            else
            {
                outcomes[paymentId] = await ChargeWithRetry(processor, context, p);
            }
            if (outcomes[paymentId].Outcome != ChargeOutcome.Succeeded) break;
        }

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
        try
        {
            foreach (var r in saga.Reservations)
                await CommitReservation(r, saga.ReservationId, orderId);
        }
        catch (FlintException e) when (e.Code == "INSUFFICIENT_INVENTORY")
        {
            await VoidCharges(outcomes, "stock gone");
            await Undo(saga, saga.PaymentIds[0], "insufficient_inventory", outcomes);
            throw DomainException.Conflict("INSUFFICIENT_INVENTORY", "The stock ran out while the payment was being completed; the charge was refunded.");
        }

        var result = await Change(s =>
        {
            var from = Validation.ParseSnakeEnum<OrderStatus>(s.Status, "status");
            long applied = 0;
            foreach (var id in saga.PaymentIds)
            {
                var p = s.Payments.First(x => x.PaymentId == id);
                var r = outcomes[id];
                p.Status = "succeeded";
                p.ProcessorReference = r.ProcessorReference;
                p.Brand ??= r.Brand;
                p.Last4 ??= r.Last4;
                p.Token = null;
                p.UpdatedAt = Now;
                applied = checked(applied + p.AmountMinor);
            }
            s.TipMinor = checked(s.TipMinor + saga.TipMinor);
            s.PaidMinor = checked(s.PaidMinor + applied);
            s.StockCommitted = true;
            s.PendingPay = null;
            if (saga.Source is not null && s.Source == "api") s.Source = saga.Source;
            s.UpdatedAt = Now;
            var calc = OrderPricing.Calculate(s);
            var to = OrderStatusMachine.AfterPayment(from, calc.GrossTotalMinor, s.PaidMinor);
            s.Status = SnakeCase.ToSnake(to);
            var view = OrderPricing.View(s, ObjectId);
            var paymentViews = saga.PaymentIds.Select(id => PaymentViewOf(s, s.Payments.First(x => x.PaymentId == id))).ToList();
            foreach (var pv in paymentViews) Record(s, "payment.succeeded", pv);
            Record(s, from == to ? "order.updated" : OrderStatusMachine.EventFor(from, to), view);
            SetPaymentProjections(s, saga.PaymentIds);
            return new PayOrderResult(view, paymentViews);
        });
        return result;
    }

    /// <summary>What a pay request already did, answered again to its retry (same Idempotency-Key).</summary>
    private PayOrderResult EarlierOutcome(List<PaymentState> payments)
    {
        if (payments.Any(p => p.Status == "pending"))
            throw DomainException.Conflict("PAYMENT_IN_PROGRESS", "This payment is still being processed; retry shortly.");
        if (payments.FirstOrDefault(p => p.Status == "failed") is { } failed)
            throw DomainException.Declined(failed.DeclineCode ?? "card_declined", $"The payment was declined ({failed.DeclineCode}).");
        return new PayOrderResult(OrderPricing.View(State, ObjectId), payments.Select(p => PaymentViewOf(State, p)).ToList());
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

    private sealed class ProcessorUnavailableException(string message) : Exception(message);

    private async Task<ChargeResult> ChargeWithRetry(IPaymentProcessor processor, ProcessorContext context, PaymentState p)
    {
        var request = new ChargeRequest(p.PaymentId, p.AmountMinor, State.Currency, p.Token, p.ProcessorCustomerId, p.ProcessorPaymentMethodId,
            $"Order {ObjectId}", new Dictionary<string, string> { ["flint_order_id"] = ObjectId, ["flint_payment_id"] = p.PaymentId });
        ChargeResult result = new(ChargeOutcome.Failed, null, "processing_error", "The processor did not answer.", null, null);
        // Processors report their own failures as results; an exception means the outcome is unknown, so it
        // propagates and leaves the saga pending for recovery (which asks the processor what happened).
        for (var attempt = 1; attempt <= ChargeAttempts; attempt++)
        {
            result = await processor.Charge(context, request, CancellationToken.None);
            if (result.Outcome != ChargeOutcome.Failed) return result;
            // Same idempotency key: a retry can never become a second charge.
            await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt));
        }
        return result;
    }

    private async Task CommitReservation(LineComponentState r, string reservationId, string orderId)
    {
        try
        {
            await Inventory(r.VariantId).Commit(reservationId, "order_fulfillment", orderId);
        }
        catch (FlintException e) when (e.Code is "RESERVATION_NOT_FOUND" or "RESERVATION_FINISHED")
        {
            // Expired (or never made, if the process died before reserving): take the stock now if it is there.
            // A retake committed by an earlier recovery counts; Commit is idempotent.
            var retake = reservationId + ":retake";
            try
            {
                await Inventory(r.VariantId).Commit(retake, "order_fulfillment", orderId);
            }
            catch (FlintException again) when (again.Code is "RESERVATION_NOT_FOUND")
            {
                await Inventory(r.VariantId).Reserve(retake, r.Quantity, Clock.GetUtcNow() + ReservationHold);
                await Inventory(r.VariantId).Commit(retake, "order_fulfillment", orderId);
            }
        }
    }

    /// <summary>Gives back what the saga took and records the failed attempt, in one order write.</summary>
    private async Task Undo(PaySaga saga, string? failedCode, string reason, IReadOnlyDictionary<string, ChargeResult>? outcomes = null)
    {
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
                p.Status = "failed";
                p.Token = null;
                p.UpdatedAt = Now;
                var r = outcomes?.GetValueOrDefault(id);
                p.Brand ??= r?.Brand;
                p.Last4 ??= r?.Last4;
                p.DeclineCode = id == failedCode ? reason : r?.Outcome == ChargeOutcome.Succeeded ? "voided" : reason;
                Record(s, "payment.failed", PaymentViewOf(s, p));
            }
            s.PendingPay = null;
            SetPaymentProjections(s, saga.PaymentIds);
            return 0;
        }, bumpVersion: false);
    }

    /// <summary>A stock refusal names the (first) line that is short, so a client can fix that line.</summary>
    private Exception ExplainRefusal(FlintException e, string? shortVariantId)
    {
        if (shortVariantId is null || e.Code is not ("INSUFFICIENT_INVENTORY" or "ITEM_NOT_SELLABLE"))
            return DomainException.Conflict(e.Code, e.Message, e.Param);
        var index = State.Lines.FindIndex(l => l.Components.Any(c => c.VariantId == shortVariantId));
        var line = index >= 0 ? State.Lines[index] : null;
        var what = line is null ? "a line" : $"line {line.LineItemId} ({line.Name})";
        return DomainException.Conflict(e.Code,
            e.Code == "INSUFFICIENT_INVENTORY" ? $"Not enough stock for {what}: {e.Message}" : $"{what} is not for sale: {e.Message}",
            index >= 0 ? $"line_items[{index}]" : "line_items");
    }

    private async Task<List<PaymentState>> PlanPayments(PayOrderRequest request, long due, long tip)
    {
        var inputs = new List<(PaymentSourceInput Source, string Param)>();
        if (request.PaymentSourceTokens is not null && request.PaymentSources is not null)
            throw DomainException.Invalid("INVALID_FIELD", "Send payment_source_tokens or payment_sources, not both.", "payment_sources");
        if (request.PaymentSourceTokens is not null)
        {
            if (request.PaymentSourceTokens.Count != 1)
                throw DomainException.Invalid("INVALID_FIELD", "payment_source_tokens takes one token (use payment_sources to split).", "payment_source_tokens");
            inputs.Add((new PaymentSourceInput { Token = request.PaymentSourceTokens[0] }, "payment_source_tokens[0]"));
        }
        else if (request.PaymentSources is { Count: > 0 })
        {
            if (request.PaymentSources.Count > MaxSources)
                throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxSources} payment sources.", "payment_sources");
            inputs.AddRange(request.PaymentSources.Select((s, i) => (s ?? throw DomainException.Invalid("INVALID_FIELD", "A payment source cannot be null.", $"payment_sources[{i}]"), $"payment_sources[{i}]")));
        }
        else
        {
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Send payment_source_tokens or payment_sources.", "payment_sources");
        }
        if (inputs.Count(i => i.Source.AmountMoney is null) > 1)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "With several sources, at most one may leave amount_money out (it pays the rest).", "payment_sources");

        var remaining = due;
        var now = Now;
        var planned = new List<PaymentState>();
        // Sources with an amount first; the one without pays what is left.
        foreach (var (source, param) in inputs.OrderBy(i => i.Source.AmountMoney is null ? 1 : 0))
        {
            var type = source.Type is null ? "card" : source.Type switch
            {
                "card" or "cash" => source.Type,
                _ => throw DomainException.Invalid("INVALID_ENUM_VALUE", "type must be card or cash.", $"{param}.type"),
            };
            var p = new PaymentState { PaymentId = FlintId.New(IdPrefix.Payment), SourceType = type, BuyerEmail = request.BuyerEmail, CreatedAt = now, UpdatedAt = now };
            long? amount = null;
            if (source.AmountMoney is not null)
            {
                var m = source.AmountMoney.ToMoney($"{param}.amount_money");
                if (m.Currency != State.Currency)
                    throw DomainException.Invalid("CURRENCY_MISMATCH", $"The order is in {State.Currency}.", $"{param}.amount_money.currency");
                if (m.Amount <= 0) throw DomainException.Invalid("INVALID_AMOUNT", "A payment is at least 1 minor unit.", $"{param}.amount_money.amount");
                amount = m.Amount;
            }
            if (type == "cash")
            {
                if (source.Token is not null || source.CustomerPaymentMethodId is not null)
                    throw DomainException.Invalid("INVALID_FIELD", "A cash source takes only amount_money (the amount tendered).", param);
                var tendered = amount ?? remaining;
                if (remaining <= 0) throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", "The other sources already pay the balance.", $"{param}.amount_money");
                p.TenderedMinor = tendered;
                p.AmountMinor = Math.Min(tendered, remaining);
                p.ChangeBackMinor = tendered - p.AmountMinor;
            }
            else
            {
                if ((source.Token is null) == (source.CustomerPaymentMethodId is null))
                    throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", "A card source has exactly one of token or customer_payment_method_id.", param);
                if (source.Token is not null)
                {
                    Validation.RequireLength(source.Token, $"{param}.token", 1, 255);
                    p.Token = source.Token;
                }
                else
                {
                    if (State.CustomerId is null)
                        throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", "A saved payment method needs the order to have a customer.", $"{param}.customer_payment_method_id");
                    CustomerPaymentMethodView method;
                    try
                    {
                        method = await GrainFactory.GetGrain<ICustomerGrain>(Tenant.GrainKey(State.CustomerId)).GetPaymentMethod(source.CustomerPaymentMethodId!);
                    }
                    catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
                    {
                        // A body field naming something that is not there is a 400 on that field, not a 404 on the order.
                        throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", $"'{source.CustomerPaymentMethodId}' is not a saved card of this order's customer.", $"{param}.customer_payment_method_id");
                    }
                    p.CustomerPaymentMethodId = method.CustomerPaymentMethodId;
                    p.ProcessorPaymentMethodId = method.ProcessorPaymentMethodId;
                    p.ProcessorCustomerId = method.ProcessorCustomerId;
                    p.Brand = method.Brand;
                    p.Last4 = method.Last4;
                }
                var value = amount ?? remaining;
                if (value > remaining)
                    throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", $"Only {remaining} minor units are left to pay.", $"{param}.amount_money");
                if (value <= 0) throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", "The other sources already pay the balance.", param);
                p.AmountMinor = value;
            }
            remaining -= p.AmountMinor;
            planned.Add(p);
        }
        // The tip rides on the first source (it is part of what that source pays).
        planned[0].TipMinor = Math.Min(tip, planned[0].AmountMinor);
        return planned;
    }

    private static List<LineComponentState> StockNeeded(OrderState s) => s.Lines
        .SelectMany(l => l.Components.Select(c => (c.VariantId, Quantity: checked(c.Quantity * l.Quantity))))
        .GroupBy(x => x.VariantId)
        .Select(g => new LineComponentState { VariantId = g.Key, Quantity = g.Sum(x => x.Quantity) })
        .OrderBy(x => x.VariantId, StringComparer.Ordinal)
        .ToList();

    public async Task<RefundOrderResult> Refund(CreateRefundRequest request)
    {
        EnsureExists();
        CheckVersion(request.Version);
        EnsureNoMoneyInFlight();
        var status = Status;
        if (status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", $"Only a paid order can be refunded (this one is {State.Status}).");
        if (request.AmountMoney is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "amount_money is required.", "amount_money");
        var money = request.AmountMoney.ToMoney("amount_money");
        if (money.Currency != State.Currency) throw DomainException.Invalid("CURRENCY_MISMATCH", $"The order is in {State.Currency}.", "amount_money.currency");
        if (money.Amount <= 0) throw DomainException.Invalid("INVALID_AMOUNT", "A refund is at least 1 minor unit.", "amount_money.amount");
        if (request.Reason is not null) Validation.RequireLength(request.Reason, "reason", 0, 500);

        var refundable = State.Payments.Where(p => p.Status is "succeeded" or "partially_refunded")
            .Where(p => request.PaymentId is null || p.PaymentId == request.PaymentId)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.PaymentId, StringComparer.Ordinal).ToList();
        if (request.PaymentId is not null && refundable.Count == 0)
        {
            if (State.Payments.All(p => p.PaymentId != request.PaymentId))
                throw DomainException.Invalid("INVALID_PAYMENT", $"'{request.PaymentId}' is not a payment of this order.", "payment_id");
        }
        var available = refundable.Sum(p => p.AmountMinor - p.RefundedMinor);
        if (money.Amount > available)
            throw DomainException.Invalid("REFUND_EXCEEDS_REFUNDABLE", $"At most {available} minor units can still be refunded.", "amount_money.amount");

        var refundId = FlintId.New(IdPrefix.Refund);
        var allocations = new List<RefundAllocationState>();
        var left = money.Amount;
        foreach (var p in refundable)
        {
            if (left == 0) break;
            var part = Math.Min(left, p.AmountMinor - p.RefundedMinor);
            if (part <= 0) continue;
            allocations.Add(new RefundAllocationState { PaymentId = p.PaymentId, AmountMinor = part });
            left -= part;
        }
        for (var i = 0; i < allocations.Count; i++)
            allocations[i].ProcessorKey = allocations.Count == 1 ? refundId : $"{refundId}_{i + 1}";

        var restock = new List<LineComponentState>();
        var restockByLine = new Dictionary<string, long>();
        var inputs = request.RestockLineItems ?? [];
        for (var i = 0; i < inputs.Count; i++)
        {
            var r = inputs[i] ?? throw DomainException.Invalid("INVALID_FIELD", "A restock entry cannot be null.", $"restock_line_items[{i}]");
            var line = State.Lines.FirstOrDefault(l => l.LineItemId == r.LineItemId)
                ?? throw DomainException.Invalid("INVALID_LINE_ITEM", $"'{r.LineItemId}' is not a line of this order.", $"restock_line_items[{i}].line_item_id");
            if (r.Quantity is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "quantity is required.", $"restock_line_items[{i}].quantity");
            Validation.RequireRange(r.Quantity.Value, 1, OrderLineResolver.MaxQuantity, $"restock_line_items[{i}].quantity");
            if (line.Components.Count == 0)
                throw DomainException.Invalid("NOT_RESTOCKABLE", "An ad hoc line has no stock to return.", $"restock_line_items[{i}].line_item_id");
            var already = State.Restocked.GetValueOrDefault(line.LineItemId) + restockByLine.GetValueOrDefault(line.LineItemId);
            if (already + r.Quantity.Value > line.Quantity)
                throw DomainException.Invalid("RESTOCK_EXCEEDS_SOLD", $"Only {line.Quantity - already} of this line can still be restocked.", $"restock_line_items[{i}].quantity");
            restockByLine[line.LineItemId] = restockByLine.GetValueOrDefault(line.LineItemId) + r.Quantity.Value;
        }
        foreach (var (lineId, quantity) in restockByLine)
            restock.Add(new LineComponentState { VariantId = lineId, Quantity = quantity });

        var calc = OrderPricing.Calculate(State);
        var tax = RefundTaxAllocator.TaxForNextRefund(calc.TaxChargedMinor, calc.GrossTotalMinor, State.RefundedMinor, money.Amount);
        var now = Now;
        var refund = new RefundState
        {
            RefundId = refundId,
            AmountMinor = money.Amount,
            TaxMinor = tax,
            Reason = request.Reason is "" ? null : request.Reason,
            Allocations = allocations,
            Restock = restock,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await Change(s =>
        {
            s.Refunds.Add(refund);
            s.PendingRefund = new RefundSaga { RefundId = refundId };
            SetRefundProjection(s, refundId);
            return 0;
        }, bumpVersion: false);
        return await WithRecoveryOnCrash(RunRefund);
    }

    /// <summary>Processor refunds (idempotent by their keys), then restocks (idempotent by refund and line), then
    /// one order write. Re-running it after a crash repeats nothing.</summary>
    private async Task<RefundOrderResult> RunRefund()
    {
        var refundId = State.PendingRefund!.RefundId;
        var refund = State.Refunds.First(r => r.RefundId == refundId);
        var references = new Dictionary<string, string?>();
        foreach (var a in refund.Allocations)
        {
            var p = State.Payments.First(x => x.PaymentId == a.PaymentId);
            if (p.SourceType == "cash" || p.ProcessorReference is null)
            {
                references[a.PaymentId] = null;
                continue;
            }
            var (processor, context) = await Processor();
            RefundResult result = new(RefundOutcome.Failed, null, "The processor did not answer.");
            for (var attempt = 1; attempt <= ChargeAttempts && result.Outcome == RefundOutcome.Failed; attempt++)
            {
                result = await processor.Refund(context, new Flint.Payments.RefundRequest(a.ProcessorKey, p.ProcessorReference, a.AmountMinor, State.Currency, refund.Reason), CancellationToken.None);
                if (result.Outcome == RefundOutcome.Failed) await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt));
            }
            if (result.Outcome != RefundOutcome.Succeeded)
            {
                if (references.Count > 0)
                {
                    // Some money already went back: the books must show it (it can never be refunded twice), so the
                    // refund is kept for what succeeded, without restocking, and the caller hears what failed.
                    var partial = await FinishRefund(refundId, references, restock: false);
                    throw DomainException.PaymentFailed("REFUND_FAILED",
                        $"Only {partial.Refund.AmountMoney.Amount} of {refund.AmountMinor} minor units were refunded: {result.Message ?? "the processor refused the rest"}.");
                }
                await Change(s =>
                {
                    var r = s.Refunds.First(x => x.RefundId == refundId);
                    r.Status = "failed";
                    r.FailureMessage = result.Message;
                    r.UpdatedAt = Now;
                    s.PendingRefund = null;
                    Record(s, "refund.failed", RefundViewOf(s, r));
                    SetRefundProjection(s, refundId);
                    return 0;
                }, bumpVersion: false);
                throw DomainException.PaymentFailed("REFUND_FAILED", result.Message ?? "The processor refused the refund.");
            }
            references[a.PaymentId] = result.ProcessorReference;
        }
        return await FinishRefund(refundId, references, restock: true);
    }

    /// <summary>Records the refund for the allocations that went through (all of them, normally), restocks when
    /// asked, and moves the order's status — one order write.</summary>
    private async Task<RefundOrderResult> FinishRefund(string refundId, Dictionary<string, string?> references, bool restock)
    {
        var refund = State.Refunds.First(r => r.RefundId == refundId);
        foreach (var r in restock ? refund.Restock : [])
        {
            var line = State.Lines.First(l => l.LineItemId == r.VariantId);
            foreach (var c in line.Components)
                await Inventory(c.VariantId).Restock($"{refundId}:{line.LineItemId}", checked(c.Quantity * r.Quantity), "order_refund", ObjectId);
        }

        var result2 = await Change(s =>
        {
            var from = Validation.ParseSnakeEnum<OrderStatus>(s.Status, "status");
            var r = s.Refunds.First(x => x.RefundId == refundId);
            if (r.Allocations.Any(a => !references.ContainsKey(a.PaymentId)))
            {
                r.Allocations.RemoveAll(a => !references.ContainsKey(a.PaymentId));
                var calc = OrderPricing.Calculate(s);
                r.AmountMinor = r.Allocations.Sum(a => a.AmountMinor);
                r.TaxMinor = RefundTaxAllocator.TaxForNextRefund(calc.TaxChargedMinor, calc.GrossTotalMinor, s.RefundedMinor, r.AmountMinor);
            }
            if (!restock) r.Restock = [];
            r.Status = "succeeded";
            r.UpdatedAt = Now;
            foreach (var a in r.Allocations)
            {
                a.ProcessorReference = references.GetValueOrDefault(a.PaymentId);
                var p = s.Payments.First(x => x.PaymentId == a.PaymentId);
                p.RefundedMinor = checked(p.RefundedMinor + a.AmountMinor);
                p.Status = p.RefundedMinor >= p.AmountMinor ? "refunded" : "partially_refunded";
                p.UpdatedAt = Now;
            }
            foreach (var x in r.Restock) s.Restocked[x.VariantId] = s.Restocked.GetValueOrDefault(x.VariantId) + x.Quantity;
            s.RefundedMinor = checked(s.RefundedMinor + r.AmountMinor);
            s.PendingRefund = null;
            s.UpdatedAt = Now;
            var to = OrderStatusMachine.AfterRefund(from, s.PaidMinor, s.RefundedMinor);
            s.Status = SnakeCase.ToSnake(to);
            var view = OrderPricing.View(s, ObjectId);
            var refundView = RefundViewOf(s, r);
            Record(s, "refund.succeeded", refundView);
            Record(s, from == to ? "order.updated" : OrderStatusMachine.EventFor(from, to), view);
            SetRefundProjection(s, refundId);
            SetPaymentProjections(s, r.Allocations.Select(a => a.PaymentId));
            return new RefundOrderResult(view, refundView);
        });
        return result2;
    }

    public Task<PaymentView> GetPayment(string paymentId)
    {
        EnsureExists();
        var p = State.Payments.FirstOrDefault(x => x.PaymentId == paymentId) ?? throw NotFound("payment");
        return Task.FromResult(PaymentViewOf(State, p));
    }

    public Task<RefundView> GetRefund(string refundId)
    {
        EnsureExists();
        var r = State.Refunds.FirstOrDefault(x => x.RefundId == refundId) ?? throw NotFound("refund");
        return Task.FromResult(RefundViewOf(State, r));
    }

    /// <summary>Only orders paid before the PendingPaymentSweeper existed still have this reminder: finish their saga
    /// and drop it.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SagaReminder) return;
        await Recover();
        if (State.PendingPay is not null || State.PendingRefund is not null) return;
        var reminder = await this.GetReminder(SagaReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    public Task ResumePending() => Recover();

    /// <summary>Finishes or undoes whatever a crashed process left in flight.</summary>
    private async Task Recover()
    {
        try
        {
            if (State.PendingPay is not null) await RunPay(recovering: true);
            if (State.PendingRefund is not null) await RunRefund();
        }
        catch (DomainException)
        {
            // The saga reached its end (declined, refused); its outcome is recorded in the state.
        }
        catch (FlintException)
        {
        }
    }

    private async Task<(IPaymentProcessor Processor, ProcessorContext Context)> Processor()
    {
        var key = await GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).StripeSecretKey();
        return Processors.For(Tenant, key);
    }

    private IVariantInventoryGrain Inventory(string variantId) => GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    private ICouponGrain Coupon(string couponId) => GrainFactory.GetGrain<ICouponGrain>(Tenant.GrainKey(couponId));

    private void SetPaymentProjections(OrderState s, IEnumerable<string> paymentIds)
    {
        foreach (var id in paymentIds.Distinct())
        {
            var p = s.Payments.First(x => x.PaymentId == id);
            SetRelatedProjection(s, "payment", id, ++p.Revision, p.Status, p.CreatedAt, p.UpdatedAt, PaymentViewOf(s, p));
        }
    }

    private void SetRefundProjection(OrderState s, string refundId)
    {
        var r = s.Refunds.First(x => x.RefundId == refundId);
        SetRelatedProjection(s, "refund", refundId, ++r.Revision, r.Status, r.CreatedAt, r.UpdatedAt, RefundViewOf(s, r));
    }

    /// <summary>The list row of a payment or refund, carried by this order write (the latest one per object).</summary>
    private void SetRelatedProjection(OrderState s, string kind, string id, long revision, string status, DateTimeOffset createdAt, DateTimeOffset updatedAt, object view)
    {
        s.RelatedProjections ??= [];
        s.RelatedProjections.RemoveAll(x => x.Kind == kind && x.Id == id);
        s.RelatedProjections.Add(new ProjectionRecord
        {
            Kind = kind,
            MerchantId = Tenant.MerchantId,
            Environment = Tenant.Environment,
            Id = id,
            Version = revision,
            Status = status,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
            SearchText = string.Join(' ', new[] { id, ObjectId, s.CustomerId }.Where(x => x is not null)),
            Doc = FlintJson.Serialize(view),
        });
    }

    private PaymentView PaymentViewOf(OrderState s, PaymentState p)
    {
        Money M(long minor) => new(minor, s.Currency);
        return new PaymentView
        {
            PaymentId = p.PaymentId,
            OrderId = ObjectId,
            CustomerId = s.CustomerId,
            Status = p.Status,
            AmountMoney = M(p.AmountMinor),
            TipMoney = M(p.TipMinor),
            SourceType = p.SourceType,
            CardBrand = p.Brand,
            CardLast4 = p.Last4,
            ProcessorReference = p.ProcessorReference,
            DeclineCode = p.DeclineCode,
            RefundedMoney = M(p.RefundedMinor),
            TenderedMoney = p.TenderedMinor is { } t ? M(t) : null,
            ChangeBackMoney = p.ChangeBackMinor is { } c ? M(c) : null,
            BuyerEmail = p.BuyerEmail,
            CustomerPaymentMethodId = p.CustomerPaymentMethodId,
            CreatedAt = p.CreatedAt,
            UpdatedAt = p.UpdatedAt,
        };
    }

    private RefundView RefundViewOf(OrderState s, RefundState r)
    {
        Money M(long minor) => new(minor, s.Currency);
        return new RefundView
        {
            RefundId = r.RefundId,
            OrderId = ObjectId,
            CustomerId = s.CustomerId,
            Status = r.Status,
            AmountMoney = M(r.AmountMinor),
            TaxMoney = M(r.TaxMinor),
            Reason = r.Reason,
            Allocations = r.Allocations.Select(a => new RefundAllocationView(a.PaymentId, M(a.AmountMinor))).ToList(),
            RestockedLineItems = r.Restock.Select(x => new RestockedLineView(x.VariantId, x.Quantity)).ToList(),
            CreatedAt = r.CreatedAt,
            UpdatedAt = r.UpdatedAt,
        };
    }
}
