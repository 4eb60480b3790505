using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Subscriptions;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Flint.Grains.Subscriptions;

/// <summary>
/// One subscription: a customer billed a plan every cycle, without a cron job. Its one reminder (<see cref="Reminder"/>)
/// wakes it when the next thing is due — a cycle, a dunning retry, the trial's end notice, a cancel at period end —
/// and <see cref="BillDue"/> then does everything due by now, in time order, and registers the reminder for what comes
/// next. The grain runs one call at a time, so a reminder and an API call never bill at once.
/// <para>
/// <b>Exactly once per cycle.</b> Cycle <c>n</c>'s order id and invoice id are derived from (subscription, n)
/// (<see cref="FlintId.Derived"/>), so creating it again — a reminder delivered twice, a retry after a crash, another
/// silo — names the same order, which is created once. Each charge attempt is written (<see cref="InvoiceState.AttemptInFlight"/>)
/// before it is sent with an Idempotency-Key derived from (subscription, cycle, attempt), so an attempt sent again
/// after a crash gets the first one's outcome from the pay saga instead of a second charge; and an order is paid at
/// most once.
/// </para>
/// <para>
/// <b>Late reminders.</b> A grain woken late (silos down for hours) bills every cycle it missed, each once, in order,
/// each its own order, invoice and charge: the service was owed for those periods. A paused, unpaid or canceled
/// subscription bills nothing; a resume (or paying an unpaid subscription) starts a new run of periods at that moment
/// instead of billing the time in between.
/// </para>
/// </summary>
public sealed class SubscriptionGrain(
    [PersistentState("subscription", "flint")] IPersistentState<SubscriptionState> store,
    DeepCopier<SubscriptionState> copier,
    TimeProvider clock,
    ICouponCodeIndex couponCodes,
    IOptions<ReminderOptions> reminderOptions,
    ILogger<SubscriptionGrain> log) : TenantGrain<SubscriptionState>(store, copier, clock), ISubscriptionGrain, IRemindable
{
    public const string Reminder = "billing";
    public const long MaxQuantity = 10_000;
    /// <summary>A billing anchor this far in the past is still "now" (a client's clock is a little behind).</summary>
    private static readonly TimeSpan AnchorTolerance = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxAnchorAhead = TimeSpan.FromDays(366);
    private static readonly TimeSpan MaxTrial = TimeSpan.FromDays(730);
    /// <summary>When a charge whose outcome is not known (the processor or the order could not answer) is tried again.</summary>
    private static readonly TimeSpan UnknownOutcomeRetry = TimeSpan.FromMinutes(1);
    /// <summary>The longest a reminder is registered ahead (Orleans' timers stop at ~49 days); a wake that finds
    /// nothing due registers the next one.</summary>
    private static readonly TimeSpan ReminderHorizon = TimeSpan.FromDays(1);

    /// <summary>What the registered reminder is for, as far as this activation knows (null: unknown, or none).</summary>
    private DateTimeOffset? _reminderFor;
    private bool _reminderKnown;

    public async Task<SubscriptionView> Create(CreateSubscriptionRequest r)
    {
        if (Exists)
        {
            // A retried create: make sure what the first one may not have finished (its reminder) is done.
            await Work();
            return View(State);
        }
        var customerId = r.CustomerId is null
            ? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "customer_id is required.", "customer_id")
            : await OrderDrafting.LinkableCustomer(GrainFactory, Tenant, r.CustomerId);
        var plan = await UsablePlan(r.PlanId ?? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "plan_id is required.", "plan_id"));
        var quantity = Quantity(r.Quantity ?? 1);
        var now = Now;
        DateTimeOffset? trialEnd = null;
        if (r.TrialEnd is { } requested)
        {
            if (requested <= now || requested > now + MaxTrial)
                throw DomainException.Invalid("VALUE_OUT_OF_RANGE", "trial_end must be in the future, at most two years ahead.", "trial_end");
            trialEnd = Truncated(requested);
        }
        else if ((r.TrialFromPlan ?? true) && plan.TrialPeriodDays > 0)
            trialEnd = now.AddDays(plan.TrialPeriodDays);
        if (trialEnd is not null && r.BillingAnchor is not null)
            throw DomainException.Invalid("INVALID_FIELD", "billing_anchor cannot be combined with a trial: the first cycle starts when the trial ends (send trial_from_plan: false to skip the plan's trial).", "billing_anchor");
        var anchor = trialEnd ?? now;
        if (r.BillingAnchor is { } sent)
        {
            if (sent < now - AnchorTolerance || sent > now + MaxAnchorAhead)
                throw DomainException.Invalid("VALUE_OUT_OF_RANGE", "billing_anchor must be now or later, at most a year ahead.", "billing_anchor");
            anchor = sent < now ? now : Truncated(sent);
        }
        var paymentMethodId = r.CustomerPaymentMethodId is null ? null : await OwnPaymentMethod(customerId, r.CustomerPaymentMethodId);
        if (paymentMethodId is null && trialEnd is null && await DefaultPaymentMethod(customerId) is null)
            throw DomainException.Invalid("MISSING_PAYMENT_METHOD", "The customer has no saved card: save one (POST /v1/customers/{id}/payment-methods) or send customer_payment_method_id.", "customer_payment_method_id");
        var (couponId, couponCode) = r.CouponCode is null ? (null, null) : await Coupon(r.CouponCode, plan.Currency);
        var location = r.TaxLocation is null ? null : OrderDrafting.Location(r.TaxLocation);
        var metadata = CatalogInput.NewMetadata(r.Metadata);

        // The reminder before the state: a reminder without a subscription (its write failed) removes itself when it
        // fires, while a subscription without its reminder would never bill.
        await Register(trialEnd is null ? anchor : trialEnd.Value - BillingCalendar.TrialEndNotice);
        await Change(s =>
        {
            s.CustomerId = customerId;
            s.PlanId = plan.PlanId;
            s.Currency = plan.Currency;
            var period = PeriodOf(plan);
            s.Interval = period.Interval;
            s.IntervalCount = period.Count;
            s.Quantity = quantity;
            s.PaymentMethodId = paymentMethodId;
            s.CouponId = couponId;
            s.CouponCode = couponCode;
            s.TaxLocation = location;
            s.Metadata = metadata;
            s.Status = trialEnd is null ? SubscriptionStatus.Active : SubscriptionStatus.Trialing;
            s.TrialStart = trialEnd is null ? null : now;
            s.TrialEnd = trialEnd;
            s.Anchor = anchor;
            s.CreatedAt = now;
            s.CreatedBy = Actors.Current;
            s.UpdatedAt = now;
            Record(s, "subscription.created", View(s));
            return 0;
        });
        // The first cycle (due now unless there is a trial or a later anchor) is billed before the answer.
        await Work();
        return View(State);
    }

    public Task<SubscriptionView> Get()
    {
        EnsureExists();
        return Task.FromResult(View(State));
    }

    public async Task<SubscriptionView> Update(UpdateSubscriptionRequest r)
    {
        EnsureExists();
        if (r.CustomerPaymentMethodId is null && r.Quantity is null && r.PlanId is null && r.ProrationBehavior is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        if (State.Status == SubscriptionStatus.Canceled)
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", "A canceled subscription cannot be changed.");
        var prorate = r.ProrationBehavior is null
            || Validation.ParseSnakeEnum<ProrationBehavior>(r.ProrationBehavior, "proration_behavior") == ProrationBehavior.CreateProrations;
        var paymentMethodId = r.CustomerPaymentMethodId is null ? State.PaymentMethodId : await OwnPaymentMethod(State.CustomerId, r.CustomerPaymentMethodId);
        var quantity = r.Quantity is null ? State.Quantity : Quantity(r.Quantity.Value);
        var newPlan = r.PlanId is null || r.PlanId == State.PlanId ? null : await UsablePlan(r.PlanId);
        if (newPlan is not null && (newPlan.Currency != State.Currency || PeriodOf(newPlan) != Period(State)))
            throw DomainException.Invalid("PLAN_MISMATCH", "A subscription switches only to a plan with the same currency and billing period; cancel it and subscribe to the other plan.", "plan_id");
        var metadata = CatalogInput.MergeMetadata(State.Metadata, r.Metadata);

        // create_prorations: the unused part of the period already billed is credited, and the rest of the period at
        // the new plan and quantity charged, both on the next invoice (Proration: the arithmetic and its worked example).
        var now = Now;
        var items = new List<PendingItemState>();
        long? newPeriodPrice = null;
        if ((newPlan is not null || quantity != State.Quantity) && prorate && InBilledPeriod(now))
        {
            var oldPlan = await Plan(State.PlanId);
            var target = newPlan ?? oldPlan;
            newPeriodPrice = checked(target.AmountMoney.Amount * quantity);
            var p = Proration.ForChange(State.CurrentPeriodPriceMinor, newPeriodPrice.Value, State.CurrentPeriodStart!.Value, State.CurrentPeriodEnd!.Value, now);
            if (p.CreditMinor > 0) items.Add(new() { Description = $"Unused time on {oldPlan.Name} × {State.Quantity}", AmountMinor = -p.CreditMinor });
            if (p.ChargeMinor > 0) items.Add(new() { Description = $"Remaining time on {target.Name} × {quantity}", AmountMinor = p.ChargeMinor });
        }
        var methodChanged = paymentMethodId != State.PaymentMethodId;
        await Change(s =>
        {
            s.PaymentMethodId = paymentMethodId;
            s.Quantity = quantity;
            s.PlanId = newPlan?.PlanId ?? s.PlanId;
            s.Metadata = metadata;
            s.PendingItems.AddRange(items);
            if (newPeriodPrice is { } price) s.CurrentPeriodPriceMinor = price;
            s.UpdatedAt = now;
            Record(s, "subscription.updated", View(s));
            return 0;
        });
        // A new card while payments are failing is tried at once on what is owed.
        if (methodChanged && State.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid)
            foreach (var invoice in State.Invoices.Where(i => i.Status is InvoiceStatus.Open or InvoiceStatus.Uncollectible && i.AttemptInFlight is null).ToList())
                await StartAttempt(invoice.InvoiceId);
        await Work();
        return View(State);
    }

    public Task<SubscriptionView> Pause() =>
        Move(SubscriptionStatusMachine.Pause, (s, now) => s.PausedAt = now);

    /// <summary>Resuming starts a new period at the resume time, billed at once: cycles are counted from then on, and
    /// the time paused is neither billed nor credited.</summary>
    public Task<SubscriptionView> Resume() =>
        Move(SubscriptionStatusMachine.Resume, (s, now) =>
        {
            s.PausedAt = null;
            StartRun(s, now, billedAlready: false);
        });

    /// <summary>A status change asked for by the merchant: the machine's next status, what else it changes, its event,
    /// then whatever is due after it.</summary>
    private async Task<SubscriptionView> Move(Func<SubscriptionStatus, SubscriptionStatus> machine, Action<SubscriptionState, DateTimeOffset> apply)
    {
        EnsureExists();
        var from = State.Status;
        var to = machine(from);
        var now = Now;
        await Change(s =>
        {
            s.Status = to;
            apply(s, now);
            s.UpdatedAt = now;
            Record(s, SubscriptionStatusMachine.EventFor(from, to), View(s));
            return 0;
        });
        await Work();
        return View(State);
    }

    public async Task<SubscriptionView> Cancel(CancelSubscriptionRequest request)
    {
        EnsureExists();
        if (request.AtPeriodEnd == true)
        {
            if (State.Status is not (SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue))
                throw DomainException.Conflict("INVALID_STATE_TRANSITION", $"A {SnakeCase.ToSnake(State.Status)} subscription has no period running to end; cancel it now instead.");
            if (!State.CancelAtPeriodEnd)
            {
                await Change(s =>
                {
                    s.CancelAtPeriodEnd = true;
                    s.UpdatedAt = Now;
                    Record(s, "subscription.updated", View(s));
                    return 0;
                });
            }
        }
        else
        {
            SubscriptionStatusMachine.Cancel(State.Status);
            await Change(s =>
            {
                CancelNow(s);
                return 0;
            });
        }
        await Work();
        return View(State);
    }

    public Task<InvoiceView> GetInvoice(string invoiceId)
    {
        EnsureExists();
        var invoice = State.Invoices.FirstOrDefault(i => i.InvoiceId == invoiceId) ?? throw NotFound("invoice");
        return Task.FromResult(InvoiceViewOf(State, invoice));
    }

    public async Task<SubscriptionView> BillDue()
    {
        EnsureExists();
        await Work();
        return View(State);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder) return;
        if (!Exists)
        {
            await Unschedule();
            return;
        }
        // Each tick re-registers: a tick may be the horizon's, not the due moment's.
        _reminderKnown = false;
        await Work();
    }

    protected override ProjectionRecord Project(SubscriptionState s)
    {
        var p = NewProjection(s, SubscriptionProjection.Kind, View(s));
        p.Status = SnakeCase.ToSnake(s.Status);
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.CustomerId, s.PlanId], [], []);
        return p;
    }

    // ---- what is due, in time order ----

    private enum StepKind
    {
        FinishAttempt,
        TrialNotice,
        EndAtPeriodEnd,
        Retry,
        Cycle,
    }

    private readonly record struct Step(StepKind Kind, DateTimeOffset At, string? InvoiceId = null);

    /// <summary>Steps one call takes at most; the rest are taken by the next wake, registered due at once. (A minute
    /// plan down for a day has ~1,440 cycles to bill: no single call should run that long.)</summary>
    private const int StepsPerCall = 25;

    /// <summary>Until when billing waits after a step failed unexpectedly (in memory: a new activation tries at once).</summary>
    private DateTimeOffset _backOffUntil = DateTimeOffset.MinValue;

    /// <summary>Does everything due by now, one step at a time in time order (each step written before the next is
    /// looked at), then registers the reminder for the next. A step that fails unexpectedly (the storage or another
    /// grain could not answer; a cycle whose order cannot be made) is logged and tried again a minute later: the
    /// caller's own change stands, and billing is the subscription's business, not the caller's error.</summary>
    private async Task Work()
    {
        for (var steps = 0; steps < StepsPerCall; steps++)
        {
            var now = Clock.GetUtcNow();
            if (NextStep(State) is not { } step || step.At > now || now < _backOffUntil) break;
            try
            {
                await Take(step);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Subscription {Subscription}: {Step} failed; billing tries again in a minute.", ObjectId, step.Kind);
                _backOffUntil = now + UnknownOutcomeRetry;
                break;
            }
        }
        await Schedule();
    }

    private Task Take(Step step) => step.Kind switch
    {
        StepKind.FinishAttempt => Attempt(step.InvoiceId!),
        StepKind.TrialNotice => Change(s =>
        {
            s.TrialNoticeSent = true;
            Record(s, "subscription.trial_will_end", View(s));
            return 0;
        }),
        StepKind.EndAtPeriodEnd => Change(s =>
        {
            CancelNow(s);
            return 0;
        }),
        StepKind.Retry => StartAttempt(step.InvoiceId!),
        _ => BillCycle(),
    };

    private static Step? NextStep(SubscriptionState s)
    {
        var steps = Steps(s);
        return steps.Count == 0 ? null : steps.MinBy(x => (x.At, x.Kind));
    }

    /// <summary>Every step waiting, each at its time.</summary>
    private static List<Step> Steps(SubscriptionState s)
    {
        var steps = new List<Step>();
        foreach (var i in s.Invoices)
        {
            // An attempt sent but not answered (a crash, an unknown outcome) is sent again, same key, when its retry
            // time comes.
            if (i.AttemptInFlight is not null) steps.Add(new(StepKind.FinishAttempt, i.NextAttemptAt ?? DateTimeOffset.MinValue, i.InvoiceId));
            else if (i.Status == InvoiceStatus.Open && i.NextAttemptAt is { } retry && Retries(s.Status))
                steps.Add(new(StepKind.Retry, retry, i.InvoiceId));
        }
        if (s.Status == SubscriptionStatus.Trialing && !s.TrialNoticeSent && s.TrialEnd is { } end)
        {
            var notice = end - BillingCalendar.TrialEndNotice;
            steps.Add(new(StepKind.TrialNotice, notice < s.CreatedAt ? s.CreatedAt : notice));
        }
        if (s.CancelAtPeriodEnd && s.Status != SubscriptionStatus.Canceled)
            steps.Add(new(StepKind.EndAtPeriodEnd, s.CurrentPeriodEnd ?? s.TrialEnd ?? s.Anchor));
        else if (SubscriptionStatusMachine.Bills(s.Status))
            steps.Add(new(StepKind.Cycle, NextCycleStart(s)));
        return steps;
    }

    private static bool Retries(SubscriptionStatus status) =>
        status is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Trialing;

    private static DateTimeOffset NextCycleStart(SubscriptionState s) =>
        BillingCalendar.CycleStart(s.Anchor, Period(s), s.CyclesBilled - s.RunStartCycle);

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

    // ---- the reminder ----

    /// <summary>Registers the reminder for the next step (or removes it when nothing is ever due again). Registered
    /// at most <see cref="ReminderHorizon"/> ahead; its period is a backstop should a wake fail before registering
    /// the next.</summary>
    private async Task Schedule()
    {
        var next = NextStep(State)?.At;
        if (next is null)
        {
            await Unschedule();
            return;
        }
        if (next < _backOffUntil) next = _backOffUntil;
        if (_reminderKnown && _reminderFor == next) return;
        await Register(next.Value);
    }

    private async Task Register(DateTimeOffset next)
    {
        var now = Clock.GetUtcNow();
        var due = next - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > ReminderHorizon) due = ReminderHorizon;
        // Every wake registers the next one, so the period only matters when a wake dies before it could (its silo
        // was killed): then the shortest period Orleans allows brings the grain back soonest.
        await this.RegisterOrUpdateReminder(Reminder, due, reminderOptions.Value.MinimumReminderPeriod);
        _reminderFor = next;
        _reminderKnown = true;
    }

    private async Task Unschedule()
    {
        if (_reminderKnown && _reminderFor is null) return;
        await ForgetReminder(Reminder);
        _reminderFor = null;
        _reminderKnown = true;
    }

    // ---- look-ups ----

    private async Task<PlanView> Plan(string planId)
    {
        try
        {
            return await GrainFactory.GetGrain<IPlanGrain>(Tenant.GrainKey(planId)).Get();
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            throw DomainException.Invalid("INVALID_PLAN", $"No such plan: '{planId}'.", "plan_id");
        }
    }

    /// <summary>A plan a subscription can be put on: it exists and is active.</summary>
    private async Task<PlanView> UsablePlan(string planId)
    {
        if (!FlintId.IsValid(planId, IdPrefix.Plan))
            throw DomainException.Invalid("INVALID_PLAN", $"'{planId}' is not a plan id.", "plan_id");
        var plan = await Plan(planId);
        if (plan.Status != "active")
            throw DomainException.Invalid("PLAN_INACTIVE", $"The plan is {plan.Status} and takes no new subscriptions.", "plan_id");
        return plan;
    }

    private async Task<string> OwnPaymentMethod(string customerId, string paymentMethodId)
    {
        if (!FlintId.IsValid(paymentMethodId, IdPrefix.CustomerPaymentMethod))
            throw DomainException.Invalid("INVALID_PAYMENT_METHOD", $"'{paymentMethodId}' is not a customer payment method id.", "customer_payment_method_id");
        try
        {
            return (await GrainFactory.GetGrain<ICustomerGrain>(Tenant.GrainKey(customerId)).GetPaymentMethod(paymentMethodId)).CustomerPaymentMethodId;
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            throw DomainException.Invalid("INVALID_PAYMENT_METHOD", "No such payment method on this customer.", "customer_payment_method_id");
        }
    }

    /// <summary>The customer's default card: the one saved most recently.</summary>
    private async Task<string?> DefaultPaymentMethod(string customerId)
    {
        try
        {
            var methods = await GrainFactory.GetGrain<ICustomerGrain>(Tenant.GrainKey(customerId)).ListPaymentMethods();
            return methods.OrderByDescending(m => m.CreatedAt).FirstOrDefault()?.CustomerPaymentMethodId;
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return null;
        }
    }

    /// <summary>The coupon a code names; an amount off in another currency than the plan's could never apply.</summary>
    private async Task<(string Id, string Code)> Coupon(string sent, string currency)
    {
        var code = CouponRules.NormalizeCode(sent, "coupon_code");
        var id = await couponCodes.CouponIdOf(Tenant, code, CancellationToken.None)
            ?? throw DomainException.Invalid("INVALID_COUPON", $"No such coupon: '{code}'.", "coupon_code");
        var coupon = await GrainFactory.GetGrain<ICouponGrain>(Tenant.GrainKey(id)).Get();
        if (coupon.AmountOff is { } off && off.Currency != currency)
            throw DomainException.Invalid("CURRENCY_MISMATCH", $"The coupon takes {off.Currency} off; the plan bills {currency}.", "coupon_code");
        return (id, code);
    }

    private async Task<DunningSchedule> Dunning()
    {
        var settings = await GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).Get();
        return new DunningSchedule(settings.SubscriptionRetryAfterDays,
            Validation.ParseSnakeEnum<RetriesExhaustedAction>(settings.SubscriptionRetriesExhausted, "subscription_retries_exhausted"));
    }

    private static long Quantity(long quantity) => Validation.RequireRange(quantity, 1, MaxQuantity, "quantity");

    private static BillingPeriod PeriodOf(PlanView plan) =>
        new(Validation.ParseSnakeEnum<BillingInterval>(plan.Interval, "interval"), plan.IntervalCount);

    private static BillingPeriod Period(SubscriptionState s) => new(s.Interval, s.IntervalCount);

    /// <summary>Whether <paramref name="at"/> falls in a period that was billed (and so can be prorated).</summary>
    private bool InBilledPeriod(DateTimeOffset at) =>
        State.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue
        && State.CurrentPeriodStart is { } start && State.CurrentPeriodEnd is { } end && at >= start && at < end;

    private static DateTimeOffset Truncated(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("subscription");
    }

    // ---- views ----

    private void SetInvoiceProjection(SubscriptionState s, InvoiceState i) =>
        SetRelatedProjection(s, InvoiceProjection.Kind, i.InvoiceId, ++i.Revision, SnakeCase.ToSnake(i.Status), i.CreatedAt, i.UpdatedAt,
            InvoiceViewOf(s, i), s.CustomerId);

    private InvoiceView InvoiceViewOf(SubscriptionState s, InvoiceState i) => new()
    {
        InvoiceId = i.InvoiceId,
        SubscriptionId = ObjectId,
        CustomerId = s.CustomerId,
        OrderId = i.OrderId,
        Number = i.Number,
        Status = SnakeCase.ToSnake(i.Status),
        PeriodStart = i.PeriodStart,
        PeriodEnd = i.PeriodEnd,
        Currency = s.Currency,
        Lines = i.Lines,
        SubtotalMoney = new Money(i.SubtotalMinor, s.Currency),
        DiscountMoney = new Money(i.DiscountMinor, s.Currency),
        TaxMoney = new Money(i.TaxMinor, s.Currency),
        TotalMoney = new Money(i.TotalMinor, s.Currency),
        AmountPaidMoney = new Money(i.PaidMinor, s.Currency),
        AmountDueMoney = new Money(i.Status is InvoiceStatus.Paid or InvoiceStatus.Void ? 0 : i.TotalMinor - i.PaidMinor, s.Currency),
        Attempts = i.Attempts,
        NextPaymentAttempt = i.AttemptInFlight is null && i.Status == InvoiceStatus.Open && Retries(s.Status) ? i.NextAttemptAt : null,
        PaidAt = i.PaidAt,
        CreatedAt = i.CreatedAt,
        UpdatedAt = i.UpdatedAt,
    };

    private SubscriptionView View(SubscriptionState s)
    {
        // The next charge: a cycle, a retry, or an attempt whose outcome is awaited (a notice bills nothing).
        var charges = Steps(s).Where(x => x.Kind is StepKind.Cycle or StepKind.Retry or StepKind.FinishAttempt).ToList();
        return new()
        {
            SubscriptionId = ObjectId,
            CustomerId = s.CustomerId,
            PlanId = s.PlanId,
            Status = SnakeCase.ToSnake(s.Status),
            Quantity = s.Quantity,
            CustomerPaymentMethodId = s.PaymentMethodId,
            CouponCode = s.CouponCode,
            TaxLocation = s.TaxLocation,
            Currency = s.Currency,
            BillingAnchor = s.Anchor,
            CurrentPeriodStart = s.CurrentPeriodStart,
            CurrentPeriodEnd = s.CurrentPeriodEnd,
            TrialStart = s.TrialStart,
            TrialEnd = s.TrialEnd,
            NextBillingAt = charges.Count == 0 ? null : charges.Min(x => x.At),
            CancelAtPeriodEnd = s.CancelAtPeriodEnd,
            CanceledAt = s.CanceledAt,
            PausedAt = s.PausedAt,
            CyclesBilled = s.CyclesBilled,
            LatestInvoiceId = s.Invoices.Count == 0 ? null : s.Invoices[^1].InvoiceId,
            PendingInvoiceItems = s.PendingItems.Select(p => new PendingInvoiceItemView(p.Description, new Money(p.AmountMinor, s.Currency))).ToList(),
            Metadata = s.Metadata,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            Version = s.Version,
            CreatedBy = s.CreatedBy,
        };
    }
}
