using Flint.Abstractions;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Domain.Orders;
using Flint.Payments;

namespace Flint.Grains.Orders;

/// <summary>
/// The refund saga. A refund is checked and spread over the payments (newest first), written as pending, then each
/// part is refunded by the processor (idempotent by its key), the restocked lines go back to inventory (idempotent by
/// refund and line) and the outcome is written in one order write. A crash in between leaves the refund pending;
/// recovery (OrderGrain.Recovery.cs) runs <see cref="RunRefund"/> again and repeats nothing.
/// </summary>
public sealed partial class OrderGrain
{
    public async Task<RefundOrderResult> Refund(CreateRefundRequest request)
    {
        EnsureExists();
        CheckVersion(request.Version);
        EnsureNoMoneyInFlight();
        var status = Status;
        if (status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", $"Only a paid order can be refunded (this one is {SnakeCase.ToSnake(status)}).");
        if (request.AmountMoney is null) throw DomainException.Missing("amount_money");
        var money = request.AmountMoney.InOrderCurrency("amount_money", State.Currency);
        if (money.Amount <= 0) throw DomainException.Invalid("INVALID_AMOUNT", "A refund is at least 1 minor unit.", "amount_money.amount");
        if (request.Reason is not null) Validation.RequireLength(request.Reason, "reason", 0, 500);

        var refundable = State.Payments.Where(p => p.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded)
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
            CreatedBy = Actors.Current,
            DeviceId = Actors.Device,
            LocationId = Actors.DeviceLocation,
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
            var request = new Flint.Payments.RefundRequest(a.ProcessorKey, p.ProcessorReference, a.AmountMinor, State.Currency, refund.Reason);
            var result = await WithProcessorRetries(() => processor.Refund(context, request, CancellationToken.None), r => r.Outcome == RefundOutcome.Failed);
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
                    r.Status = RefundStatus.Failed;
                    r.FailureMessage = result.Message;
                    r.UpdatedAt = Now;
                    s.PendingRefund = null;
                    Record(s, "refund.failed", PaymentViews.Of(s, ObjectId, r));
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

        return await Change(s =>
        {
            var from = s.Status;
            var r = s.Refunds.First(x => x.RefundId == refundId);
            if (r.Allocations.Any(a => !references.ContainsKey(a.PaymentId)))
            {
                r.Allocations.RemoveAll(a => !references.ContainsKey(a.PaymentId));
                var calc = OrderPricing.Calculate(s);
                r.AmountMinor = r.Allocations.Sum(a => a.AmountMinor);
                r.TaxMinor = RefundTaxAllocator.TaxForNextRefund(calc.TaxChargedMinor, calc.GrossTotalMinor, s.RefundedMinor, r.AmountMinor);
            }
            if (!restock) r.Restock = [];
            r.Status = RefundStatus.Succeeded;
            r.UpdatedAt = Now;
            foreach (var a in r.Allocations)
            {
                a.ProcessorReference = references.GetValueOrDefault(a.PaymentId);
                var p = s.Payments.First(x => x.PaymentId == a.PaymentId);
                p.RefundedMinor = checked(p.RefundedMinor + a.AmountMinor);
                p.Status = p.RefundedMinor >= p.AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
                p.UpdatedAt = Now;
            }
            foreach (var x in r.Restock) s.Restocked[x.VariantId] = s.Restocked.GetValueOrDefault(x.VariantId) + x.Quantity;
            s.RefundedMinor = checked(s.RefundedMinor + r.AmountMinor);
            s.PendingRefund = null;
            s.UpdatedAt = Now;
            s.Status = OrderStatusMachine.AfterRefund(from, s.PaidMinor, s.RefundedMinor);
            var refundView = PaymentViews.Of(s, ObjectId, r);
            Record(s, "refund.succeeded", refundView);
            var view = RecordOrderMove(s, from);
            SetRefundProjection(s, refundId);
            SetPaymentProjections(s, r.Allocations.Select(a => a.PaymentId));
            return new RefundOrderResult(view, refundView);
        });
    }
}
