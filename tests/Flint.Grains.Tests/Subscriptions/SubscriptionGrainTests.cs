using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Subscriptions;

/// <summary>
/// Subscriptions billed by the clock: the suite's <see cref="ClusterFixture.Clock"/> is moved forward and the billing
/// reminder delivered as Orleans delivers it (<see cref="IRemindable.ReceiveReminder"/>), so every cycle, retry and
/// outage is played in milliseconds. (The real reminder on PostgreSQL is the API suite's.)
/// </summary>
public sealed class SubscriptionGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _customerId = FlintId.New(IdPrefix.Customer);

    private ISubscriptionGrain Sub(string id) => Grain<ISubscriptionGrain>(id);

    private async Task<string> Plan(long price, string interval = "month", long trialDays = 0, string name = "Plan")
    {
        var id = FlintId.New(IdPrefix.Plan);
        await Grain<IPlanGrain>(id).Create(new CreatePlanRequest
        {
            Name = name,
            Interval = interval,
            LineItems = [AdHoc(name + " box", price)],
            TrialPeriodDays = trialDays,
        });
        return id;
    }

    private async Task<string> Card(string token)
    {
        var customer = Grain<ICustomerGrain>(_customerId);
        try
        {
            await customer.Get();
        }
        catch (FlintException)
        {
            await customer.Create(new CustomerRequest { Email = $"{Guid.NewGuid():N}@example.com" });
        }
        return (await customer.AddPaymentMethod(new AddPaymentMethodRequest { Token = token })).CustomerPaymentMethodId;
    }

    private async Task<(string Id, SubscriptionView View)> Subscribe(string planId, string? paymentMethodId = null, long quantity = 1)
    {
        var id = FlintId.New(IdPrefix.Subscription);
        var view = await Sub(id).Create(new CreateSubscriptionRequest
        {
            CustomerId = _customerId,
            PlanId = planId,
            CustomerPaymentMethodId = paymentMethodId,
            Quantity = quantity,
        });
        return (id, view);
    }

    private Task Tick(string subscriptionId) =>
        Sub(subscriptionId).AsReference<IRemindable>().ReceiveReminder("billing", new TickStatus());

    /// <summary>The order a daily subscription's second cycle bills: its id derives from (subscription, cycle).</summary>
    private static string SecondCycleOrder(string subscriptionId, SubscriptionView first) =>
        FlintId.Derived(IdPrefix.Order, first.CurrentPeriodEnd!.Value, $"{subscriptionId}:cycle:2");

    private async Task<InvoiceView> Latest(string subscriptionId) =>
        await Sub(subscriptionId).GetInvoice((await Sub(subscriptionId).Get()).LatestInvoiceId!);

    private async Task<OrderView> OrderOf(InvoiceView invoice) => await Grain<IOrderGrain>(invoice.OrderId).Get();

    [Fact]
    public async Task A_subscription_without_trial_bills_its_first_cycle_at_once()
    {
        var plan = await Plan(3000);
        var card = await Card("tok_visa");

        var (id, view) = await Subscribe(plan, card, quantity: 2);

        Assert.Equal(("active", 1L), (view.Status, view.CyclesBilled));
        var invoice = await Latest(id);
        Assert.Equal(("paid", 1L, 6000L, 6000L, 0L), (invoice.Status, invoice.Number, invoice.TotalMoney.Amount, invoice.AmountPaidMoney.Amount, invoice.AmountDueMoney.Amount));
        var order = await OrderOf(invoice);
        Assert.Equal(("paid", "subscription", id, 6000L), (order.Status, order.Source, order.SubscriptionId, order.NetAmounts.PaidMoney.Amount));
        Assert.Equal(view.CurrentPeriodEnd, invoice.PeriodEnd);
        Assert.Equal(invoice.PeriodStart.AddMonths(1), invoice.PeriodEnd);
    }

    [Fact]
    public async Task A_trial_bills_nothing_then_the_first_cycle_when_it_ends()
    {
        var plan = await Plan(1500, trialDays: 14);
        await Card("tok_visa");

        var (id, view) = await Subscribe(plan);

        Assert.Equal(("trialing", 0L), (view.Status, view.CyclesBilled));
        Assert.Equal(view.TrialStart!.Value.AddDays(14), view.TrialEnd);
        Assert.Equal(view.TrialEnd, view.NextBillingAt);
        Clock.Advance(TimeSpan.FromDays(13));
        await Tick(id);
        Assert.Equal(("trialing", 0L), ((await Sub(id).Get()).Status, (await Sub(id).Get()).CyclesBilled));

        Clock.Advance(TimeSpan.FromDays(1));
        await Tick(id);

        var after = await Sub(id).Get();
        Assert.Equal(("active", 1L), (after.Status, after.CyclesBilled));
        var invoice = await Latest(id);
        Assert.Equal((view.TrialEnd!.Value, "paid", 1500L), (invoice.PeriodStart, invoice.Status, invoice.AmountPaidMoney.Amount));
    }

    [Fact]
    public async Task Three_monthly_cycles_make_three_orders_and_three_charges()
    {
        var plan = await Plan(2500);
        await Card("tok_visa");
        var (id, _) = await Subscribe(plan);
        var invoices = new List<InvoiceView> { await Latest(id) };

        for (var cycle = 2; cycle <= 3; cycle++)
        {
            Clock.Advance(TimeSpan.FromDays(31));
            await Tick(id);
            invoices.Add(await Latest(id));
        }

        Assert.Equal([1L, 2L, 3L], invoices.Select(i => i.Number).ToList());
        Assert.Equal(3, invoices.Select(i => i.OrderId).Distinct().Count());
        // One charge each: one attempt, succeeded, with its own payment.
        Assert.All(invoices, i => Assert.Equal(("succeeded", 1), (i.Attempts.Single().Outcome, i.Attempts.Count)));
        Assert.Equal(3, invoices.Select(i => i.Attempts[0].PaymentId).Where(p => p is not null).Distinct().Count());
        foreach (var i in invoices)
        {
            var order = await OrderOf(i);
            Assert.Equal(("paid", 2500L), (order.Status, order.NetAmounts.PaidMoney.Amount));
            var payment = await Grain<IOrderGrain>(i.OrderId).GetPayment(i.Attempts[0].PaymentId!);
            Assert.Equal(("succeeded", 2500L), (payment.Status, payment.AmountMoney.Amount));
        }
        var s = await Sub(id).Get();
        Assert.Equal(("active", 3L), (s.Status, s.CyclesBilled));
    }

    [Fact]
    public async Task A_reminder_delivered_twice_at_once_bills_the_cycle_once()
    {
        var plan = await Plan(990, interval: "day");
        await Card("tok_visa");
        var (id, _) = await Subscribe(plan);
        Clock.Advance(TimeSpan.FromDays(1));

        await Task.WhenAll(Tick(id), Tick(id), Sub(id).BillDue(), Tick(id));

        var s = await Sub(id).Get();
        Assert.Equal(2L, s.CyclesBilled);
        var invoice = await Latest(id);
        Assert.Equal((2L, "paid"), (invoice.Number, invoice.Status));
        Assert.Single(invoice.Attempts);
        var order = await OrderOf(invoice);
        Assert.Equal(990L, order.NetAmounts.PaidMoney.Amount);
    }

    [Fact]
    public async Task An_outage_of_three_periods_bills_the_three_missed_cycles_once_each_in_order()
    {
        var plan = await Plan(700, interval: "week");
        await Card("tok_visa");
        var (id, first) = await Subscribe(plan);
        var anchor = first.BillingAnchor;

        Clock.Advance(TimeSpan.FromDays(21) + TimeSpan.FromHours(5));
        await Tick(id);
        await Tick(id);

        var s = await Sub(id).Get();
        Assert.Equal(4L, s.CyclesBilled);
        var latest = await Latest(id);
        Assert.Equal((4L, anchor.AddDays(21), anchor.AddDays(28)), (latest.Number, latest.PeriodStart, latest.PeriodEnd));
        Assert.Equal(anchor.AddDays(28), s.NextBillingAt);
        // Each missed cycle's order exists once, under the id derived from (subscription, cycle), paid once.
        for (var n = 2; n <= 4; n++)
        {
            var orderId = FlintId.Derived(IdPrefix.Order, anchor.AddDays(7 * (n - 1)), $"{id}:cycle:{n}");
            var order = await Grain<IOrderGrain>(orderId).Get();
            Assert.Equal((id, "paid", 700L), (order.SubscriptionId, order.Status, order.NetAmounts.PaidMoney.Amount));
        }
    }

    [Fact]
    public async Task A_charge_whose_answer_is_lost_is_sent_again_with_its_key_and_charges_once()
    {
        var plan = await Plan(1100, interval: "day");
        await Card("tok_visa");
        var (id, first) = await Subscribe(plan);
        var order = SecondCycleOrder(id, first);
        PaymentFaults.Current.Reset();
        PaymentFaults.Current.OnlyOrder = order;
        PaymentFaults.Current.FailAfterCharge = true;
        Clock.Advance(TimeSpan.FromDays(1));

        await Tick(id);

        // The order's pay died after charging: the subscription does not know the outcome and keeps the attempt.
        var pending = await Latest(id);
        Assert.Equal((2L, "open", 0), (pending.Number, pending.Status, pending.Attempts.Count));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Tick(id);

        var invoice = await Latest(id);
        Assert.Equal(("paid", 1, "succeeded"), (invoice.Status, invoice.Attempts.Count, invoice.Attempts[0].Outcome));
        Assert.Equal(order, invoice.OrderId);
        Assert.Single(PaymentFaults.Current.ChargedOrders, order);
        Assert.Equal(("paid", 1100L), ((await OrderOf(invoice)).Status, (await OrderOf(invoice)).NetAmounts.PaidMoney.Amount));
        Assert.Equal("active", (await Sub(id).Get()).Status);
    }

    [Fact]
    public async Task An_attempt_undone_after_its_process_died_is_sent_again_under_a_new_key_and_is_no_decline()
    {
        var plan = await Plan(1300, interval: "day");
        await Card("tok_visa");
        var (id, first) = await Subscribe(plan);
        var order = SecondCycleOrder(id, first);
        PaymentFaults.Current.Reset();
        PaymentFaults.Current.OnlyOrder = order;
        PaymentFaults.Current.FailBeforeCharge = true;
        Clock.Advance(TimeSpan.FromDays(1));
        await Tick(id);
        var pending = await Latest(id);
        Assert.Equal((2L, "open", 0), (pending.Number, pending.Status, pending.Attempts.Count));

        // Nobody retried the order's keyed attempt within the pay saga's grace: its recovery undoes it, uncharged.
        Clock.Advance(TimeSpan.FromSeconds(31));
        await Grain<IOrderGrain>(pending.OrderId).ResumePending();
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Tick(id);

        var invoice = await Latest(id);
        Assert.Equal(["interrupted", "succeeded"], invoice.Attempts.Select(a => a.Outcome).ToList());
        Assert.Equal(("paid", 1300L), (invoice.Status, invoice.AmountPaidMoney.Amount));
        Assert.Single(PaymentFaults.Current.ChargedOrders, order);
        Assert.Equal("active", (await Sub(id).Get()).Status);
    }

    [Fact]
    public async Task A_declined_cycle_goes_past_due_is_retried_and_a_new_card_makes_it_active_again()
    {
        var plan = await Plan(1200);
        var failing = await Card("tok_chargeCustomerFail");
        var (id, view) = await Subscribe(plan, failing);

        Assert.Equal("past_due", view.Status);
        var invoice = await Latest(id);
        Assert.Equal(("open", 1), (invoice.Status, invoice.Attempts.Count));
        Assert.Equal(("failed", "card_declined"), (invoice.Attempts[0].Outcome, invoice.Attempts[0].DeclineCode));
        Assert.Equal(invoice.Attempts[0].AttemptedAt.AddDays(1), invoice.NextPaymentAttempt);

        Clock.Advance(TimeSpan.FromDays(1));
        await Tick(id);
        invoice = await Latest(id);
        Assert.Equal(("open", 2), (invoice.Status, invoice.Attempts.Count));
        Assert.Equal(invoice.Attempts[0].AttemptedAt.AddDays(3), invoice.NextPaymentAttempt);

        var good = await Card("tok_visa");
        var fixedUp = await Sub(id).Update(new UpdateSubscriptionRequest { CustomerPaymentMethodId = good });

        Assert.Equal("active", fixedUp.Status);
        invoice = await Latest(id);
        Assert.Equal(("paid", 3, 1200L), (invoice.Status, invoice.Attempts.Count, invoice.AmountPaidMoney.Amount));
        Assert.Equal(1L, fixedUp.CyclesBilled);
    }

    [Fact]
    public async Task Retries_used_up_cancel_by_default()
    {
        var plan = await Plan(500);
        var failing = await Card("tok_chargeCustomerFail");
        var (id, _) = await Subscribe(plan, failing);

        foreach (var day in new[] { 1, 2, 2 })
        {
            Clock.Advance(TimeSpan.FromDays(day));
            await Tick(id);
        }

        var s = await Sub(id).Get();
        Assert.Equal("canceled", s.Status);
        Assert.NotNull(s.CanceledAt);
        var invoice = await Latest(id);
        Assert.Equal(("uncollectible", 4), (invoice.Status, invoice.Attempts.Count));
        Assert.Null(s.NextBillingAt);
    }

    [Fact]
    public async Task Retries_used_up_mark_unpaid_when_the_merchant_says_so()
    {
        await Grain<IMerchantSettingsGrain>(IMerchantSettingsGrain.Key).Update(new MerchantSettingsRequest
        {
            SubscriptionRetryAfterDays = [2],
            SubscriptionRetriesExhausted = "mark_unpaid",
        });
        var plan = await Plan(500);
        var failing = await Card("tok_chargeCustomerFail");
        var (id, _) = await Subscribe(plan, failing);

        Clock.Advance(TimeSpan.FromDays(2));
        await Tick(id);

        var s = await Sub(id).Get();
        Assert.Equal(("unpaid", 1L), (s.Status, s.CyclesBilled));
        Assert.Equal(("uncollectible", 2), ((await Latest(id)).Status, (await Latest(id)).Attempts.Count));
        // Unpaid bills no further cycles.
        Clock.Advance(TimeSpan.FromDays(32));
        await Tick(id);
        Assert.Equal(1L, (await Sub(id).Get()).CyclesBilled);
    }

    [Fact]
    public async Task Pause_stops_billing_and_resume_starts_a_new_period_billed_at_the_resume()
    {
        var plan = await Plan(800, interval: "day");
        await Card("tok_visa");
        var (id, _) = await Subscribe(plan);

        var paused = await Sub(id).Pause();
        Assert.Equal("paused", paused.Status);
        Assert.Null(paused.NextBillingAt);
        Clock.Advance(TimeSpan.FromDays(3));
        await Tick(id);
        Assert.Equal(1L, (await Sub(id).Get()).CyclesBilled);

        var resumedAt = Clock.GetUtcNow();
        var resumed = await Sub(id).Resume();

        Assert.Equal(("active", 2L), (resumed.Status, resumed.CyclesBilled));
        Assert.True(Math.Abs((resumed.BillingAnchor - resumedAt).TotalSeconds) < 1);
        Assert.Equal(resumed.BillingAnchor, resumed.CurrentPeriodStart);
        Assert.Equal(resumed.BillingAnchor.AddDays(1), resumed.NextBillingAt);
        await AssertFails("INVALID_STATE_TRANSITION", () => Sub(id).Resume());
    }

    [Fact]
    public async Task Cancel_at_period_end_keeps_the_period_then_cancels_without_billing_again()
    {
        var plan = await Plan(800, interval: "day");
        await Card("tok_visa");
        var (id, first) = await Subscribe(plan);

        var flagged = await Sub(id).Cancel(new CancelSubscriptionRequest { AtPeriodEnd = true });
        Assert.Equal(("active", true), (flagged.Status, flagged.CancelAtPeriodEnd));

        Clock.Advance(first.CurrentPeriodEnd!.Value - Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        await Tick(id);

        var s = await Sub(id).Get();
        Assert.Equal(("canceled", 1L), (s.Status, s.CyclesBilled));
        await AssertFails("INVALID_STATE_TRANSITION", () => Sub(id).Cancel(new CancelSubscriptionRequest()));
    }

    /// <summary>$30 → $50 ten days into a month of this many days, worked by hand: the credit is
    /// ⌊3000 × left/length⌋, the charge 5000 × left/length rounded half to even. With 31 days (21 left) it is the worked
    /// example of Flint.Domain's Proration: ⌊2032.26⌋ = 2032 and 3387.10 → 3387; 30 days: 2000 and 3333.33 → 3333;
    /// 29 days: ⌊1965.52⌋ = 1965 and 3275.86 → 3276; 28 days: ⌊1928.57⌋ = 1928 and 3214.29 → 3214.</summary>
    private static (long Credit, long Charge) ProratedTenDaysIn(int days) => days switch
    {
        31 => (2032, 3387),
        30 => (2000, 3333),
        29 => (1965, 3276),
        28 => (1928, 3214),
        _ => throw new ArgumentOutOfRangeException(nameof(days)),
    };

    [Fact]
    public async Task A_plan_change_mid_period_credits_the_unused_part_and_charges_the_new_plans_rest_on_the_next_invoice()
    {
        // At the start of the next month, so the period is a whole calendar month of a known length.
        var now = Clock.GetUtcNow();
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        Clock.Advance(month - now);
        var basic = await Plan(3000, name: "Basic");
        var pro = await Plan(5000, name: "Pro");
        await Card("tok_visa");
        var (id, first) = await Subscribe(basic);
        Assert.Equal((month, month.AddMonths(1)), (first.CurrentPeriodStart, first.CurrentPeriodEnd));
        var (credit, charge) = ProratedTenDaysIn(DateTime.DaysInMonth(month.Year, month.Month));

        Clock.Advance(TimeSpan.FromDays(10));
        var changed = await Sub(id).Update(new UpdateSubscriptionRequest { PlanId = pro });

        Assert.Equal(pro, changed.PlanId);
        Assert.Equal([("Unused time on Basic × 1", -credit), ("Remaining time on Pro × 1", charge)],
            changed.PendingInvoiceItems.Select(i => (i.Description, i.AmountMoney.Amount)).ToList());
        Clock.Advance(month.AddMonths(1) - Clock.GetUtcNow());
        await Tick(id);

        var invoice = await Latest(id);
        Assert.Equal((2L, month.AddMonths(1)), (invoice.Number, invoice.PeriodStart));
        Assert.Equal((5000 + charge, credit, 5000 + charge - credit, "paid"),
            (invoice.SubtotalMoney.Amount, invoice.DiscountMoney.Amount, invoice.TotalMoney.Amount, invoice.Status));
        Assert.Equal(["Pro box", "Remaining time on Pro × 1"], invoice.Lines.Select(l => l.Description).ToList());
        Assert.Empty((await Sub(id).Get()).PendingInvoiceItems);
    }

    [Fact]
    public async Task A_plan_change_with_proration_none_bills_the_new_plan_from_the_next_cycle_only()
    {
        var basic = await Plan(3000, interval: "week", name: "Basic");
        var pro = await Plan(5000, interval: "week", name: "Pro");
        await Card("tok_visa");
        var (id, _) = await Subscribe(basic);

        var changed = await Sub(id).Update(new UpdateSubscriptionRequest { PlanId = pro, ProrationBehavior = "none" });

        Assert.Empty(changed.PendingInvoiceItems);
        Assert.Equal(3000L, (await Latest(id)).TotalMoney.Amount);
        Clock.Advance(TimeSpan.FromDays(7));
        await Tick(id);
        Assert.Equal(5000L, (await Latest(id)).TotalMoney.Amount);
    }

    [Fact]
    public async Task Bad_input_is_refused_and_creates_nothing()
    {
        var plan = await Plan(3000);
        var inactive = FlintId.New(IdPrefix.Plan);
        await Grain<IPlanGrain>(inactive).Create(new CreatePlanRequest { Name = "Old", Interval = "month", LineItems = [AdHoc("x", 100)], Status = "inactive" });
        await Card("tok_visa");
        var id = FlintId.New(IdPrefix.Subscription);

        await AssertFails("INVALID_PLAN", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = _customerId, PlanId = FlintId.New(IdPrefix.Plan) }));
        await AssertFails("PLAN_INACTIVE", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = _customerId, PlanId = inactive }));
        await AssertFails("INVALID_CUSTOMER", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = FlintId.New(IdPrefix.Customer), PlanId = plan }));
        await AssertFails("VALUE_OUT_OF_RANGE", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = _customerId, PlanId = plan, Quantity = 0 }));
        await AssertFails("VALUE_OUT_OF_RANGE", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = _customerId, PlanId = plan, TrialEnd = Clock.GetUtcNow().AddDays(-1) }));
        await AssertFails("INVALID_PAYMENT_METHOD", () => Sub(id).Create(new CreateSubscriptionRequest { CustomerId = _customerId, PlanId = plan, CustomerPaymentMethodId = FlintId.New(IdPrefix.CustomerPaymentMethod) }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Sub(id).Get());
    }
}
