using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Grains.Payments;
using Flint.Payments;
using Flint.Grains.Tests.Support;
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

    public PaymentRecoveryGrainTests(ClusterFixture fixture) : base(fixture) => PaymentFaults.Current.Reset();

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
    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + RecoveryWait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not recovered within {RecoveryWait.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
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

        await Crashes(() => Order.Pay(PayWith("tok_visa")));

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
        await AssertFails("ORDER_ALREADY_PAID", () => Order.Pay(PayWith("tok_visa")));
        Assert.Equal(1, Faults.Charges);
    }

    [Fact]
    public async Task A_crash_after_the_reservation_and_before_the_charge_is_undone_on_reactivation_releasing_stock_and_coupon_and_leaving_the_order_payable()
    {
        await OpenOrder();
        var couponId = await CouponOnOrder(maxRedemptions: 1);
        Faults.FailBeforeCharge = true;

        await Crashes(() => Order.Pay(PayWith("tok_visa")));

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
        var paid = await Order.Pay(PayWith("tok_mastercard"));
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
        await Crashes(() => Order.Pay(PayWith("tok_visa")));
        var paymentId = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        // The process stays down longer than the 15-minute hold: the reservation expires.
        Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal((10L, 0L, 10L), Stock(await Inventory.GetStock()));

        await WaitUntil(async () => (await Order.GetPayment(paymentId)).Status != "pending", "payment settled");

        Assert.Equal("paid", (await Order.Get()).Status);
        Assert.Equal("succeeded", (await Order.GetPayment(paymentId)).Status);
        Assert.Equal(1, Faults.Charges);
        Assert.Equal((8L, 0L, 8L), Stock(await Inventory.GetStock()));
        Assert.Single((await Inventory.History(_productId, 50, null)).Items, h => h.ChangeReason == "order_fulfillment");
    }

    [Fact]
    public async Task A_crash_after_the_charge_recovered_when_the_stock_was_sold_meanwhile_refunds_the_charge_and_leaves_the_order_unpaid()
    {
        await OpenOrder();
        Faults.FailAfterCharge = true;
        await Crashes(() => Order.Pay(PayWith("tok_visa")));
        var paymentId = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        Clock.Advance(TimeSpan.FromMinutes(16));
        // While the process is down, the reservation expires and the last units go elsewhere.
        await Inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -9, ChangeReason = "damage" }, "test");

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

        await Crashes(() => Order.Pay(request));

        var first = Assert.Single(Faults.ChargeKeys);
        await Deactivate(Order);
        await WaitUntil(async () => (await Order.GetPayment(first)).Status != "pending", "payment settled");

        var order = await Order.Get();
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
            Assert.Equal("paid", (await Order.Pay(PayWith("tok_visa"))).Order.Status);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interrupted_refund_is_finished_on_reactivation_exactly_once(bool afterTheProcessor)
    {
        var open = await OpenOrder();
        var lineId = open.LineItems[0].LineItemId;
        var paid = await Order.Pay(PayWith("tok_visa"));
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

    private static (long OnHand, long Reserved, long Available) Stock(StockView s) => (s.QuantityOnHand, s.QuantityReserved, s.QuantityAvailable);
}
