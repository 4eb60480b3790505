using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Grains.Orders;
using Flint.Grains.Payments;
using Flint.Payments;
using Flint.Grains.Tests.Support;
using Xunit.Abstractions;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests.Payments;

/// <summary>
/// A process dying in the middle of the pay saga or of a refund, stood for by the fault-injecting processor wrapper
/// (the grain sees an exception where its process would have died) and a forced deactivation (the next activation
/// has only durable state to go on). The next activation must finish or undo the saga: never a charge without a
/// paid order, never a paid order without its stock, never two charges or two refunds for one id.
/// </summary>
public sealed class PaymentRecoveryGrainTests : GrainTest
{
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(10);

    private readonly string _productId = FlintId.New(IdPrefix.Product);
    private readonly string _orderId = FlintId.New(IdPrefix.Order);
    private string _variantId = "";

    private readonly ITestOutputHelper _output;

    public PaymentRecoveryGrainTests(ClusterFixture fixture, ITestOutputHelper output) : base(fixture)
    {
        _output = output;
        PaymentFaults.Current.Reset();
    }

    private static PaymentFaults Faults => PaymentFaults.Current;

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);

    private IVariantInventoryGrain Inventory => Grain<IVariantInventoryGrain>(_variantId);

    /// <summary>A product at 25.00 with 10 units (enforced), and an open order for two of them: 50.00.</summary>
    private async Task<OrderView> OpenOrder(long quantity = 2)
    {
        _variantId = (await Grain<IProductGrain>(_productId).Create(Simple(price: 2500, initialQuantity: 10, enforce: true))).DefaultVariantId!;
        return await Order.Create(new CreateOrderRequest { Currency = "USD", LineItems = [new LineItemInput { VariantId = _variantId, Quantity = quantity }] });
    }

    private async Task<string> CouponOnOrder(long maxRedemptions)
    {
        var couponId = FlintId.New(IdPrefix.Coupon);
        await Grain<ICouponGrain>(couponId).Create(new CouponRequest { Code = "SAVE10", DiscountType = "percentage", PercentOff = "10", MaxRedemptions = maxRedemptions });
        await Order.ApplyCoupon(couponId, null);
        return couponId;
    }

    private static PayOrderRequest PayWith(string token) => new() { PaymentSourceTokens = [token] };

    private Task<SimulatedRecord?> Ledger(string key) => Grain<ISimulatedRecordGrain>("sim:" + key.Replace('/', '_')).Get();

    /// <summary>Polls until the condition holds (the recovery runs on a timer of the new activation), at most 10 s.</summary>
    private async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var started = DateTime.UtcNow;
        var deadline = started + RecoveryWait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not recovered within {RecoveryWait.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
        _output.WriteLine($"{what} after {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");
    }

    /// <summary>The pay call dies with the injected crash (not a domain refusal): its outcome is unknown to the caller.</summary>
    private static async Task Crashes(Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(call);
        Assert.IsNotType<FlintException>(e);
    }

    [Fact]
    public async Task A_crash_after_the_charge_and_before_the_commit_is_finished_on_reactivation_with_exactly_one_charge_the_order_paid_and_the_stock_committed()
    {
        await OpenOrder();
        var couponId = await CouponOnOrder(maxRedemptions: 5);
        Assert.Equal(4500, (await Order.Get()).NetAmounts.TotalMoney.Amount);
        Faults.FailAfterCharge = true;

        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));

        var paymentId = Assert.Single(Faults.ChargeKeys);
        // Charged, not committed: the stock is still only held.
        Assert.Equal((10L, 2L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal("open", (await Order.Get()).Status);
        await Deactivate(Order);

        await WaitUntil(async () => (await Order.Get()).Status == "paid", "order paid");

        var order = await Order.Get();
        Assert.Equal((4500L, 0L), (order.NetAmounts.PaidMoney.Amount, order.NetAmounts.BalanceMoney.Amount));
        Assert.Equal(1, Faults.Charges);
        Assert.Equal([paymentId], Faults.ChargeKeys);
        var charge = await Ledger("charge/" + paymentId);
        Assert.NotNull(charge);
        Assert.Equal(("Succeeded", 4500L), (charge.Outcome, charge.AmountMinor));
        var payment = await Order.GetPayment(paymentId);
        Assert.Equal(("succeeded", "ch_sim_" + paymentId, "visa"), (payment.Status, payment.ProcessorReference, payment.CardBrand));
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        var sold = Assert.Single((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_fulfillment");
        Assert.Equal((-2L, _orderId), (sold.QuantityDelta, sold.Reference));
        Assert.Equal(1, (await Grain<ICouponGrain>(couponId).Get()).TimesRedeemed);
        // Recovered means finished: a new pay is refused and charges nothing.
        await AssertFails("ORDER_ALREADY_PAID", () => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        Assert.Equal(1, Faults.Charges);
    }

    [Fact]
    public async Task A_crash_after_the_reservation_and_before_the_charge_is_undone_on_reactivation_releasing_stock_and_coupon_and_leaving_the_order_payable()
    {
        await OpenOrder();
        var couponId = await CouponOnOrder(maxRedemptions: 1);
        Faults.FailBeforeCharge = true;

        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));

        var paymentId = Assert.Single(Faults.ChargeKeys);
        Assert.Equal((10L, 2L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal(1, (await Grain<ICouponGrain>(couponId).Get()).TimesRedeemed);
        await Deactivate(Order);

        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");

        var payment = await Order.GetPayment(paymentId);
        Assert.Equal("failed", payment.Status);
        Assert.Null(payment.ProcessorReference);
        Assert.Equal(0, Faults.Charges);
        Assert.Null(await Ledger("charge/" + paymentId));
        Assert.Equal((10L, 0L, 10L), Stock(await Inventory.GetStock()));
        Assert.Equal(0, (await Grain<ICouponGrain>(couponId).Get()).TimesRedeemed);
        var order = await Order.Get();
        Assert.Equal(("open", 0L, 4500L), (order.Status, order.NetAmounts.PaidMoney.Amount, order.NetAmounts.BalanceMoney.Amount));

        // Still payable, with its coupon, exactly once.
        var paid = await Order.Pay(PayWith("tok_mastercard"), PayAttempt.Unkeyed);
        Assert.Equal(("paid", 4500L), (paid.Order.Status, paid.Order.NetAmounts.PaidMoney.Amount));
        Assert.Equal(1, Faults.Charges);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal(1, (await Grain<ICouponGrain>(couponId).Get()).TimesRedeemed);
    }

    [Fact]
    public async Task A_crash_after_the_charge_recovered_after_the_reservation_expired_still_takes_the_stock()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        var paymentId = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        // The process stays down longer than the 15-minute hold (and the processor is unreachable meanwhile, so the
        // reminder's attempts cannot finish the saga early): the reservation expires.
        Faults.FailFindCharge = true;
        Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal((10L, 0L, 10L), Stock(await Inventory.GetStock()));
        Faults.FailFindCharge = false;
        await DeactivateIfActive(Order);

        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");

        Assert.Equal("paid", (await Order.Get()).Status);
        Assert.Equal("succeeded", (await Order.GetPayment(paymentId)).Status);
        Assert.Equal(1, Faults.Charges);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Single((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_fulfillment");
    }

    [Fact]
    public async Task A_saga_whose_recovery_could_not_learn_the_outcome_stays_pending_until_resumed_and_is_then_finished_once()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        Faults.FailFindCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        var paymentId = Assert.Single(Faults.ChargeKeys);
        // The in-process retry (a timer a second later) cannot reach the processor: the saga must stay pending, neither
        // undone (the card may be charged) nor finished.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal("pending", (await Order.GetPayment(paymentId)).Status);
        Assert.Equal((10L, 2L, 8L), Stock(await Inventory.GetStock()));

        // What the host's PendingPaymentSweeper does for a payment pending too long.
        Faults.FailFindCharge = false;
        await Order.ResumePending();

        Assert.Equal("succeeded", (await Order.GetPayment(paymentId)).Status);
        Assert.Equal("paid", (await Order.Get()).Status);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        await Order.ResumePending();
        Assert.Equal(1, Faults.Charges);
        Assert.Single((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_fulfillment");
    }

    [Fact]
    public async Task A_crash_after_the_charge_recovered_when_the_stock_was_sold_meanwhile_refunds_the_charge_and_leaves_the_order_unpaid()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        var paymentId = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        // While the process is down (and the processor unreachable, so the reminder's attempts cannot finish the
        // saga), the reservation expires and the units go elsewhere.
        Faults.FailFindCharge = true;
        Clock.Advance(TimeSpan.FromMinutes(16));
        await Inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -9, ChangeReason = "damage" }, "test");
        Assert.Equal("pending", (await Order.GetPayment(paymentId)).Status);
        Faults.FailFindCharge = false;
        await DeactivateIfActive(Order);

        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");

        Assert.Equal("failed", (await Order.GetPayment(paymentId)).Status);
        var order = await Order.Get();
        Assert.Equal(("open", 0L), (order.Status, order.NetAmounts.PaidMoney.Amount));
        // No charge without a paid order: the money went back, in full, once.
        var voided = await Ledger("refund/" + paymentId + "_void");
        Assert.NotNull(voided);
        Assert.Equal(("Succeeded", 5000L), (voided.Outcome, voided.AmountMinor));
        Assert.Equal((1L, 0L, 1L), Stock(await Inventory.GetStock()));
        Assert.DoesNotContain((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_fulfillment");
    }

    [Fact]
    public async Task A_split_tender_crashing_after_its_first_charge_gives_that_charge_back_on_reactivation()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        var request = new PayOrderRequest
        {
            PaymentSources =
            [
                new PaymentSourceInput { Token = "tok_visa", AmountMoney = new MoneyInput { Amount = 2000, Currency = "USD" } },
                new PaymentSourceInput { Token = "tok_mastercard" },
            ],
        };

        await Crashes(() => Order.Pay(request, PayAttempt.Unkeyed));

        var first = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        await WaitUntil(async () => (await Order.GetPayment(first)).Status != "pending", "payment settled");

        var order = await Order.Get();
        _output.WriteLine($"split tender recovered by {(order.Status == "paid" ? "finishing" : "undoing")} it");
        if (order.Status == "paid")
        {
            // Finished: both sources charged once each.
            Assert.Equal(5000, order.NetAmounts.PaidMoney.Amount);
            Assert.Equal(2, Faults.ChargeKeys.Distinct().Count());
            Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        }
        else
        {
            // Undone: the first card got its money back, nothing else was charged, the stock is free again.
            Assert.Equal(("open", 0L), (order.Status, order.NetAmounts.PaidMoney.Amount));
            Assert.Equal("failed", (await Order.GetPayment(first)).Status);
            var voided = await Ledger("refund/" + first + "_void");
            Assert.NotNull(voided);
            Assert.Equal(("Succeeded", 2000L), (voided.Outcome, voided.AmountMinor));
            Assert.Equal(1, Faults.Charges);
            Assert.Equal((10L, 0L, 10L), Stock(await Inventory.GetStock()));
            Assert.Equal("paid", (await Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed)).Order.Status);
        }
    }

    [Fact]
    public async Task While_a_payment_is_in_flight_the_order_refuses_line_and_discount_edits_so_what_is_charged_is_what_is_sold()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        var paymentId = Assert.Single(Faults.ChargeKeys);

        // The saga is pending (charged, not committed): the order's lines, discounts and status are what it charged for.
        var addLine = await Assert.ThrowsAsync<FlintException>(() => Order.AddLineItem(new AddLineItemRequest { VariantId = _variantId, Quantity = 5 }));
        Assert.True(addLine.Code is "PAYMENT_IN_PROGRESS" or "ORDER_NOT_EDITABLE", addLine.Code);
        var discount = await Assert.ThrowsAsync<FlintException>(() => Order.AddDiscount(new AddDiscountRequest { Name = "half", Percentage = "50" }));
        Assert.True(discount.Code is "PAYMENT_IN_PROGRESS" or "ORDER_NOT_EDITABLE", discount.Code);

        await Deactivate(Order);
        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");

        var order = await Order.Get();
        Assert.Equal(("paid", 5000L, 5000L, 0L), (order.Status, order.NetAmounts.TotalMoney.Amount, order.NetAmounts.PaidMoney.Amount, order.NetAmounts.BalanceMoney.Amount));
        Assert.Equal(2, Assert.Single(order.LineItems).Quantity);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
    }

    [Fact]
    public async Task While_a_payment_is_in_flight_the_order_cannot_be_canceled_so_a_charge_never_ends_on_a_canceled_order()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed));
        var paymentId = Assert.Single(Faults.ChargeKeys);

        var cancel = await Assert.ThrowsAsync<FlintException>(() => Order.Cancel(null));
        Assert.True(cancel.Code is "PAYMENT_IN_PROGRESS" or "INVALID_STATE_TRANSITION", cancel.Code);

        await Deactivate(Order);
        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");
        var order = await Order.Get();
        Assert.Equal(("paid", 5000L), (order.Status, order.NetAmounts.PaidMoney.Amount));
        Assert.Equal("succeeded", (await Order.GetPayment(paymentId)).Status);
        Assert.Equal(1, Faults.Charges);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interrupted_refund_is_finished_on_reactivation_exactly_once(bool afterTheProcessor)
    {
        var open = await OpenOrder();
        var lineId = open.LineItems[0].LineItemId;
        var paid = await Order.Pay(PayWith("tok_visa"), PayAttempt.Unkeyed);
        var paymentId = paid.Payments[0].PaymentId;
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        if (afterTheProcessor) Faults.FailAfterRefund = true; else Faults.FailBeforeRefund = true;

        await Crashes(() => Order.Refund(new CreateRefundRequest
        {
            AmountMoney = new MoneyInput { Amount = 2000, Currency = "USD" },
            Reason = "returned",
            RestockLineItems = [new RestockLineInput { LineItemId = lineId, Quantity = 1 }],
        }));

        var refundId = Assert.Single(Faults.RefundKeys.Distinct());
        Assert.Equal("pending", (await Order.GetRefund(refundId)).Status);
        // A refund in flight blocks others until it is settled.
        await AssertFails("PAYMENT_IN_PROGRESS", () => Order.Refund(new CreateRefundRequest { AmountMoney = new MoneyInput { Amount = 100, Currency = "USD" } }));
        await Deactivate(Order);

        await WaitUntil(async () => (await Order.GetRefund(refundId)).Status != "pending", "refund settled");

        var refund = await Order.GetRefund(refundId);
        Assert.Equal(("succeeded", 2000L), (refund.Status, refund.AmountMoney.Amount));
        var order = await Order.Get();
        Assert.Equal(("partially_refunded", 2000L), (order.Status, order.NetAmounts.RefundedMoney.Amount));
        Assert.Equal(("partially_refunded", 2000L), ((await Order.GetPayment(paymentId)).Status, (await Order.GetPayment(paymentId)).RefundedMoney.Amount));
        // The processor refunded once: one refund record, one slot of the charge's running total.
        var record = await Ledger("refund/" + refundId);
        Assert.NotNull(record);
        Assert.Equal(("Succeeded", 2000L), (record.Outcome, record.AmountMinor));
        var slot0 = await Ledger($"refund-slot/ch_sim_{paymentId}/0");
        Assert.NotNull(slot0);
        Assert.Equal(2000, slot0.AmountMinor);
        Assert.Null(await Ledger($"refund-slot/ch_sim_{paymentId}/1"));
        // Restocked once.
        Assert.Equal((9L, 0L, 9L), Stock(await Inventory.GetStock()));
        Assert.Single((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_refund");
        // And the rest can still be refunded, to the cent.
        var rest = await Order.Refund(new CreateRefundRequest { AmountMoney = new MoneyInput { Amount = 3000, Currency = "USD" } });
        Assert.Equal(("refunded", 5000L), (rest.Order.Status, rest.Order.NetAmounts.RefundedMoney.Amount));
        Assert.Null(await Ledger($"refund-slot/ch_sim_{paymentId}/2"));
    }

    /// <summary>Asks for the grain's deactivation whether or not something (a reminder tick, a call) activated it meanwhile.
    /// Does not wait: a queued reminder tick may activate it again at once, which is just as good: the saga is then
    /// recovered by that activation instead of by the test's next call.</summary>
    [Fact]
    public async Task A_refund_over_two_cards_whose_second_processor_refund_is_refused_still_records_the_money_the_first_card_got_back()
    {
        await OpenOrder();
        var paid = await Order.Pay(new PayOrderRequest
        {
            PaymentSources =
            [
                new PaymentSourceInput { Token = "tok_visa", AmountMoney = new MoneyInput { Amount = 3000, Currency = "USD" } },
                new PaymentSourceInput { Token = "tok_mastercard" },
            ],
        }, PayAttempt.Unkeyed);
        Assert.Equal("paid", paid.Order.Status);
        Faults.DeclineRefundCall = 2;

        // 4000 spans both payments, so it takes two processor refunds; the second is refused.
        try { await Order.Refund(new CreateRefundRequest { AmountMoney = new MoneyInput { Amount = 4000, Currency = "USD" } }); }
        catch (FlintException) { }

        var refundKeys = Faults.RefundKeys.ToList();
        Assert.Equal(2, refundKeys.Count);
        var first = await Ledger("refund/" + refundKeys[0]);
        Assert.NotNull(first);
        Assert.Equal("Succeeded", first.Outcome);
        // Whatever the API answered, the books must show the money that really went back, so it cannot be refunded twice.
        var order = await Order.Get();
        Assert.Equal(first.AmountMinor, order.NetAmounts.RefundedMoney.Amount);
        var refundedOnPayments = 0L;
        foreach (var p in paid.Payments) refundedOnPayments += (await Order.GetPayment(p.PaymentId)).RefundedMoney.Amount;
        Assert.Equal(first.AmountMinor, refundedOnPayments);
    }

    [Fact]
    public async Task A_pay_whose_answer_was_lost_retried_with_the_same_idempotency_key_gets_that_payment_and_no_second_charge()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(new PayOrderRequest { PaymentSourceTokens = ["tok_visa"] }, new PayAttempt("checkout-7")));
        await DeactivateIfActive(Order);
        await WaitUntil(async () => (await Order.Get()).Status == "paid", "order paid by recovery");

        var retried = await Order.Pay(new PayOrderRequest { PaymentSourceTokens = ["tok_visa"] }, new PayAttempt("checkout-7"));

        Assert.Equal("paid", retried.Order.Status);
        Assert.Equal("succeeded", Assert.Single(retried.Payments).Status);
        Assert.Equal(1, Faults.Charges);
        var other = await Assert.ThrowsAsync<FlintException>(() => Order.Pay(new PayOrderRequest { PaymentSourceTokens = ["tok_visa"] }, new PayAttempt("checkout-8")));
        Assert.Equal("ORDER_ALREADY_PAID", other.Code);
    }

    [Fact]
    public async Task A_pay_interrupted_before_its_charge_and_retried_with_the_same_key_is_carried_forward_charged_once_and_paid()
    {
        await OpenOrder();
        var couponId = await CouponOnOrder(maxRedemptions: 1);
        var paymentId = await PayDiesBeforeCharge("checkout-9");
        Assert.Equal(0, Faults.Charges);

        // The buyer retries at once (before any recovery undid the attempt): the same payment goes through.
        var retried = await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-9"));

        Assert.Equal(("paid", 4500L), (retried.Order.Status, retried.Order.NetAmounts.PaidMoney.Amount));
        var payment = Assert.Single(retried.Payments);
        Assert.Equal((paymentId, "succeeded"), (payment.PaymentId, payment.Status));
        Assert.Equal(1, Faults.Charges);
        Assert.Equal([paymentId, paymentId], Faults.ChargeKeys);
        Assert.Equal(("Succeeded", 4500L), ((await Ledger("charge/" + paymentId))!.Outcome, (await Ledger("charge/" + paymentId))!.AmountMinor));
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal(1, (await Grain<ICouponGrain>(couponId).Get()).TimesRedeemed);

        // Its recovery timer, firing later, finds nothing left to do; a third retry answers the same payment.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var again = await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-9"));
        Assert.Equal(paymentId, Assert.Single(again.Payments).PaymentId);
        Assert.Equal(1, Faults.Charges);
    }

    [Fact]
    public async Task A_hold_left_by_a_try_that_died_before_its_plan_is_taken_again_by_the_retry_with_the_same_key_not_doubled()
    {
        await OpenOrder();
        // What a try of key checkout-10 leaves when its process dies between holding the stock and writing its plan.
        await Inventory.Reserve(OrderGrain.KeyedHoldId(_orderId, "checkout-10"), 2, Clock.GetUtcNow().AddMinutes(2));
        Assert.Equal((10L, 2L, 8L), Stock(await Inventory.GetStock()));

        var paid = await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-10"));

        Assert.Equal("paid", paid.Order.Status);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal(1, Faults.Charges);
    }

    [Fact]
    public async Task A_retry_whose_earlier_hold_was_released_holds_under_a_name_of_its_own()
    {
        await OpenOrder();
        var earlier = OrderGrain.KeyedHoldId(_orderId, "checkout-11");
        await Inventory.Reserve(earlier, 2, Clock.GetUtcNow().AddMinutes(2));
        await Inventory.Release(earlier);

        var paid = await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-11"));

        Assert.Equal("paid", paid.Order.Status);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Equal(1, Faults.Charges);
    }

    [Fact]
    public async Task A_keyed_pay_cut_off_before_its_charge_waits_for_its_buyers_retry_through_a_reactivation_and_the_retry_pays()
    {
        await OpenOrder();
        var paymentId = await PayDiesBeforeCharge("checkout-12");
        await Deactivate(Order);

        // The new activation's recovery runs at once and the sweeper may call too: within the grace, nothing is undone.
        await Order.ResumePending();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal("pending", (await Order.GetPayment(paymentId)).Status);
        await AssertFails("PAYMENT_IN_PROGRESS", () => Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-13")));

        var retried = await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-12"));

        Assert.Equal(("paid", paymentId), (retried.Order.Status, Assert.Single(retried.Payments).PaymentId));
        Assert.Equal(1, Faults.Charges);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
    }

    [Fact]
    public async Task A_keyed_pay_cut_off_before_its_charge_and_never_retried_is_undone_after_the_grace()
    {
        await OpenOrder();
        var paymentId = await PayDiesBeforeCharge("checkout-14");

        Clock.Advance(TimeSpan.FromSeconds(31));
        await Order.ResumePending();

        var payment = await Order.GetPayment(paymentId);
        Assert.Equal(("failed", "interrupted"), (payment.Status, payment.DeclineCode));
        Assert.Equal(0, Faults.Charges);
        Assert.Equal((10L, 0L, 10L), Stock(await Inventory.GetStock()));
        // Its retry now gets the recorded outcome; the order stays payable with another key.
        await AssertFails("PAYMENT_DECLINED", () => Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-14")));
        Assert.Equal("paid", (await Order.Pay(PayWith("tok_visa"), new PayAttempt("checkout-15"))).Order.Status);
    }

    /// <summary>A pay with <paramref name="key"/> dies before its charge, as if its process had: its payment id.</summary>
    private async Task<string> PayDiesBeforeCharge(string key)
    {
        Faults.FailBeforeCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa"), new PayAttempt(key)));
        return Assert.Single(Faults.ChargeKeys);
    }

    private async Task DeactivateIfActive(IAddressable grain) =>
        await Grains.GetGrain<IManagementGrain>(0).DeactivateGrain(grain.GetGrainId());

    private static (long OnHand, long Reserved, long Available) Stock(StockView s) => (s.QuantityOnHand, s.QuantityReserved, s.QuantityAvailable);
}
