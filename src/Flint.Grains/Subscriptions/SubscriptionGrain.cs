using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Coupons;
using Flint.Domain.Subscriptions;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
public sealed partial class SubscriptionGrain(
    [PersistentState("subscription", StorageNames.Flint)] IPersistentState<SubscriptionState> store,
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
            ? throw DomainException.Missing("customer_id")
            : await OrderDrafting.LinkableCustomer(GrainFactory, Tenant, r.CustomerId);
        var plan = await UsablePlan(r.PlanId ?? throw DomainException.Missing("plan_id"));
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
        if (!SnakeCase.Is(plan.Status, CatalogStatus.Active))
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
}
