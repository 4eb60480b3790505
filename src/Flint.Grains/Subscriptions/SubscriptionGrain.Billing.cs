using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Domain.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Flint.Grains.Subscriptions;

/// <summary>Billing: a cycle's order and invoice, the charge attempts, and what paying or declining does to the
/// subscription.</summary>
public sealed partial class SubscriptionGrain
{
    // ---- billing a cycle ----

    private async Task BillCycle()
    {
        var s = State;
        var period = Period(s);
        var run = s.CyclesBilled - s.RunStartCycle;
        var number = s.CyclesBilled + 1;
        var start = BillingCalendar.CycleStart(s.Anchor, period, run);
        var end = BillingCalendar.CycleStart(s.Anchor, period, run + 1);
        var plan = await Plan(s.PlanId);
        var orderId = FlintId.Derived(IdPrefix.Order, start, $"{ObjectId}:cycle:{number}");
        var invoiceId = FlintId.Derived(IdPrefix.Invoice, start, $"{ObjectId}:invoice:{number}");
        var credit = -s.PendingItems.Where(i => i.AmountMinor < 0).Sum(i => i.AmountMinor);
        var request = new CycleOrderRequest
        {
            SubscriptionId = ObjectId,
            Cycle = number,
            CustomerId = s.CustomerId,
            Currency = s.Currency,
            LineItems = CycleLines(plan, s.Quantity, s.PendingItems.Where(i => i.AmountMinor > 0), s.Currency),
            TaxLocation = s.TaxLocation is { } l ? new() { Country = l.Country, Region = l.Region, PostalCode = l.PostalCode } : null,
            CouponId = s.CouponId,
            CreditName = CreditName,
            CreditMinor = credit,
            Metadata = new() { ["subscription_id"] = ObjectId, ["cycle"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        OrderView order;
        try
        {
            order = await GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(orderId)).CreateForCycle(request);
        }
        catch (FlintException e) when (e.Code == "INVALID_CUSTOMER")
        {
            // The customer was deleted: nobody is left to bill (Stripe cancels a deleted customer's subscriptions).
            await Change(x =>
            {
                CancelNow(x);
                return 0;
            });
            return;
        }
        // A credit larger than this invoice is carried to the next one.
        var used = order.AppliedDiscounts.Where(d => d.Source == "manual" && d.Name == CreditName).Sum(d => d.AppliedMoney.Amount);
        var leftover = credit - used;
        var due = order.NetAmounts.BalanceMoney.Amount;
        var now = Now;
        await Change(x =>
        {
            var invoice = new InvoiceState
            {
                InvoiceId = invoiceId,
                Number = number,
                OrderId = orderId,
                PeriodStart = start,
                PeriodEnd = end,
                Status = due > 0 ? InvoiceStatus.Open : InvoiceStatus.Paid,
                Lines = order.LineItems.Select(li => new InvoiceLineView(li.Name, li.Quantity, li.GrossSalesMoney)).ToList(),
                SubtotalMinor = order.NetAmounts.SubtotalMoney.Amount,
                DiscountMinor = order.NetAmounts.DiscountMoney.Amount,
                TaxMinor = order.NetAmounts.TaxMoney.Amount,
                TotalMinor = order.NetAmounts.TotalMoney.Amount,
                PaidMinor = order.NetAmounts.PaidMoney.Amount,
                PaidAt = due > 0 ? null : now,
                // The first charge, written before it is sent.
                AttemptInFlight = due > 0 ? 1 : null,
                NextAttemptAt = due > 0 ? now + UnknownOutcomeRetry : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            x.Invoices.Add(invoice);
            x.CyclesBilled = number;
            x.CurrentPeriodStart = start;
            x.CurrentPeriodEnd = end;
            x.CurrentPeriodPriceMinor = checked(plan.AmountMoney.Amount * x.Quantity);
            x.PendingItems = leftover > 0 ? [new() { Description = CreditName, AmountMinor = -leftover }] : [];
            x.UpdatedAt = now;
            SetInvoiceProjection(x, invoice);
            Record(x, "invoice.created", InvoiceViewOf(x, invoice));
            if (number > 1) Record(x, "subscription.renewed", View(x));
            if (due <= 0) Paid(x, invoice, now);
            return 0;
        });
        if (due > 0) await Attempt(invoiceId);
    }

    private const string CreditName = "Unused time (credit)";

    /// <summary>The plan's lines at its current prices (each line's quantity × the subscription's), and the prorations'
    /// charges as lines of their own.</summary>
    private static List<LineItemInput> CycleLines(PlanView plan, long quantity, IEnumerable<PendingItemState> charges, string currency)
    {
        var lines = plan.LineItems.Select(l => new LineItemInput
        {
            VariantId = l.VariantId,
            BundleId = l.BundleId,
            Name = l.ItemType == "custom" ? l.Name : null,
            UnitPriceMoney = new MoneyInput { Amount = l.UnitPriceMoney.Amount, Currency = l.UnitPriceMoney.Currency },
            Quantity = checked(l.Quantity * quantity),
            Modifiers = l.Modifiers.Count == 0 ? null : l.Modifiers.Select(m => new LineModifierInput { ModifierOptionId = m.ModifierOptionId }).ToList(),
            Note = l.Note,
        }).ToList();
        lines.AddRange(charges.Select(c => new LineItemInput
        {
            Name = c.Description,
            UnitPriceMoney = new MoneyInput { Amount = c.AmountMinor, Currency = currency },
            Quantity = 1,
        }));
        return lines;
    }

    // ---- charging ----

    /// <summary>Writes a new attempt for the invoice (so a crash re-sends this one, not a new one), then sends it.</summary>
    private async Task StartAttempt(string invoiceId)
    {
        var now = Now;
        await Change(s =>
        {
            var invoice = s.Invoices.First(i => i.InvoiceId == invoiceId);
            invoice.AttemptInFlight = invoice.Attempts.Count + 1;
            invoice.NextAttemptAt = now + UnknownOutcomeRetry;
            if (invoice.Status == InvoiceStatus.Uncollectible) invoice.Status = InvoiceStatus.Open;
            invoice.UpdatedAt = now;
            SetInvoiceProjection(s, invoice);
            return 0;
        });
        await Attempt(invoiceId);
    }

    /// <summary>Sends the invoice's attempt in flight and writes its outcome. An outcome not known (the order or the
    /// processor could not answer) leaves the attempt in flight, sent again at its retry time with the same key.</summary>
    private async Task Attempt(string invoiceId)
    {
        var invoice = State.Invoices.First(i => i.InvoiceId == invoiceId);
        var number = invoice.AttemptInFlight ?? throw new InvalidOperationException("no attempt in flight");
        var key = $"sub:{ObjectId}:cycle:{invoice.Number}:attempt:{number}";
        var order = GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(invoice.OrderId));
        var method = State.PaymentMethodId ?? await DefaultPaymentMethod(State.CustomerId);
        InvoiceAttemptView outcome;
        long paid = invoice.PaidMinor;
        if (method is null)
            outcome = Failed(number, "no_payment_method", "The customer has no saved card.");
        else
        {
            try
            {
                var result = await order.Pay(new PayOrderRequest
                {
                    PaymentSources = [new PaymentSourceInput { CustomerPaymentMethodId = method }],
                    Source = "subscription",
                }, new PayAttempt(key));
                paid = result.Order.NetAmounts.PaidMoney.Amount;
                outcome = Succeeded(number, result.Payments.LastOrDefault()?.PaymentId);
            }
            catch (FlintException e) when (e.Code == "PAYMENT_DECLINED" && e.DeclineCode == Interrupted)
            {
                // Not the card's answer: this attempt's process died before the card was charged and the order undid it
                // (a keyed attempt not retried within the pay saga's grace). Recorded, and sent again at once under
                // the next attempt's key; it does not count as a decline.
                outcome = Failed(number, Interrupted, e.Message) with { Outcome = Interrupted };
            }
            catch (FlintException e) when (e.Code == "PAYMENT_DECLINED")
            {
                outcome = Failed(number, e.DeclineCode ?? "card_declined", e.Message);
            }
            catch (FlintException e) when (e.Code == "ORDER_ALREADY_PAID")
            {
                // Paid by an earlier attempt whose outcome was lost, or by the merchant by other means.
                paid = (await order.Get()).NetAmounts.PaidMoney.Amount;
                outcome = Succeeded(number, null);
            }
            catch (FlintException e) when (e.Code == "PAYMENT_IN_PROGRESS")
            {
                return;
            }
            catch (FlintException e)
            {
                // The order refused (stock ran out, the card was removed, the order was canceled): a failed attempt.
                outcome = Failed(number, e.Code.ToLowerInvariant(), e.Message);
            }
            catch (Exception e) when (e is not FlintException)
            {
                log.LogWarning(e, "Subscription {Subscription}: the outcome of attempt {Attempt} of cycle {Cycle} is not known; it is sent again later.",
                    ObjectId, number, invoice.Number);
                return;
            }
        }
        var dunning = outcome.Outcome == "failed" ? await Dunning() : null;
        var now = Now;
        await Change(s =>
        {
            var i = s.Invoices.First(x => x.InvoiceId == invoiceId);
            i.Attempts.Add(outcome);
            i.AttemptInFlight = null;
            i.NextAttemptAt = null;
            i.UpdatedAt = now;
            if (outcome.Outcome == "succeeded")
            {
                i.PaidMinor = paid;
                Paid(s, i, now);
            }
            else if (outcome.Outcome == Interrupted)
            {
                i.AttemptInFlight = i.Attempts.Count + 1;
                i.NextAttemptAt = now;
                SetInvoiceProjection(s, i);
            }
            else
                Declined(s, i, dunning!, now);
            return 0;
        });
    }

    /// <summary>The pay saga's decline code for an attempt undone before its charge (OrderGrain.PaySaga).</summary>
    private const string Interrupted = "interrupted";

    private InvoiceAttemptView Succeeded(int number, string? paymentId) => new()
    {
        Number = number,
        AttemptedAt = Now,
        Outcome = "succeeded",
        PaymentId = paymentId,
    };

    private InvoiceAttemptView Failed(int number, string code, string message) => new()
    {
        Number = number,
        AttemptedAt = Now,
        Outcome = "failed",
        DeclineCode = code,
        Message = message,
    };

    /// <summary>An invoice paid: the subscription is active again unless another invoice is still failing.</summary>
    private void Paid(SubscriptionState s, InvoiceState invoice, DateTimeOffset now)
    {
        invoice.Status = InvoiceStatus.Paid;
        invoice.PaidAt = now;
        invoice.UpdatedAt = now;
        SetInvoiceProjection(s, invoice);
        Record(s, "invoice.paid", InvoiceViewOf(s, invoice));
        var from = s.Status;
        var stillFailing = s.Invoices.Any(i => i != invoice && i.Status == InvoiceStatus.Open && i.Attempts.Any(a => a.Outcome == "failed"));
        if (from is SubscriptionStatus.Paused or SubscriptionStatus.Canceled || stillFailing) return;
        var to = SubscriptionStatusMachine.AfterCyclePaid(from);
        // Paying an unpaid subscription starts a new run of periods now (what was not billed meanwhile is not billed).
        if (from == SubscriptionStatus.Unpaid) StartRun(s, now, billedAlready: true);
        s.Status = to;
        s.UpdatedAt = now;
        if (to != from) Record(s, SubscriptionStatusMachine.EventFor(from, to), View(s));
    }

    /// <summary>A charge declined: past due, retried on the merchant's schedule; when the retries are used up the
    /// invoice is uncollectible and the subscription canceled or unpaid (the merchant's setting).</summary>
    private void Declined(SubscriptionState s, InvoiceState invoice, DunningSchedule dunning, DateTimeOffset now)
    {
        invoice.FirstFailedAt ??= now;
        var failures = invoice.Attempts.Count(a => a.Outcome == "failed");
        invoice.NextAttemptAt = dunning.NextRetryAt(invoice.FirstFailedAt.Value, failures, Period(s).RetryUnit);
        var from = s.Status;
        var billing = SubscriptionStatusMachine.Bills(from) || from == SubscriptionStatus.Unpaid;
        if (invoice.NextAttemptAt is null) invoice.Status = InvoiceStatus.Uncollectible;
        SetInvoiceProjection(s, invoice);
        Record(s, "invoice.payment_failed", InvoiceViewOf(s, invoice));
        if (!billing) return;
        s.UpdatedAt = now;
        s.Status = SubscriptionStatusMachine.AfterCycleFailed(from);
        Record(s, "subscription.payment_failed", View(s));
        if (s.Status != from) Record(s, SubscriptionStatusMachine.EventFor(from, s.Status), View(s));
        if (invoice.NextAttemptAt is null && s.Status == SubscriptionStatus.PastDue)
        {
            var exhausted = SubscriptionStatusMachine.AfterRetriesExhausted(s.Status, dunning.WhenExhausted);
            if (exhausted == SubscriptionStatus.Canceled)
                CancelNow(s);
            else
            {
                s.Status = exhausted;
                Record(s, SubscriptionStatusMachine.EventFor(SubscriptionStatus.PastDue, exhausted), View(s));
            }
        }
    }

    private void CancelNow(SubscriptionState s)
    {
        var from = s.Status;
        var to = SubscriptionStatusMachine.Cancel(from);
        s.Status = to;
        s.CanceledAt = Now;
        s.UpdatedAt = Now;
        // Nothing more is charged: failing invoices stay open (or uncollectible) without further retries.
        foreach (var i in s.Invoices.Where(i => i.NextAttemptAt is not null && i.AttemptInFlight is null)) i.NextAttemptAt = null;
        Record(s, SubscriptionStatusMachine.EventFor(from, to), View(s));
    }

    /// <summary>A new run of periods from <paramref name="at"/>: cycles are counted from there. When the run's first
    /// period is one already billed (an unpaid invoice just paid), the next cycle is the run's second.</summary>
    private static void StartRun(SubscriptionState s, DateTimeOffset at, bool billedAlready)
    {
        s.Anchor = at;
        s.RunStartCycle = billedAlready ? s.CyclesBilled - 1 : s.CyclesBilled;
        if (billedAlready)
        {
            s.CurrentPeriodStart = at;
            s.CurrentPeriodEnd = BillingCalendar.CycleStart(at, Period(s), 1);
        }
    }
}
