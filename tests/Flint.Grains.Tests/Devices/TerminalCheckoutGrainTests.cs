using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Locations;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Devices;

/// <summary>A terminal checkout on the suite's clock: its deadline cancels it as timed out, and cash pays the amount
/// and the tip with change.</summary>
public sealed class TerminalCheckoutGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    /// <summary>A paired device of a new location (the device a checkout is sent to must be paired).</summary>
    private async Task<string> PairedDevice()
    {
        var location = FlintId.New(IdPrefix.Location);
        await Grain<ILocationGrain>(location).Create(new CreateLocationRequest { Name = "Front" });
        var deviceId = FlintId.New(IdPrefix.Device);
        var device = Grain<IDeviceGrain>(deviceId);
        var code = (await device.Create(new CreateDeviceCodeRequest { Name = "Till 1", LocationId = location })).Code!;
        Assert.NotNull(await Grains.GetGrain<IPairingCodeGrain>(code).Redeem());
        await device.Pair(null);
        return deviceId;
    }

    private async Task<(ITerminalCheckoutGrain Checkout, string OrderId)> NewCheckout(TimeSpan? deadline = null, long? amount = null)
    {
        var orderId = FlintId.New(IdPrefix.Order);
        await Grain<IOrderGrain>(orderId).Create(new CreateOrderRequest
        {
            LineItems = [new LineItemInput { Name = "Tea", UnitPriceMoney = new MoneyInput { Amount = 1000, Currency = "USD" }, Quantity = 1 }],
        });
        var checkout = Grain<ITerminalCheckoutGrain>(FlintId.New(IdPrefix.TerminalCheckout));
        var view = await checkout.Create(new CreateTerminalCheckoutRequest
        {
            DeviceId = await PairedDevice(),
            OrderId = orderId,
            TipOptions = ["10", "12.5"],
            Deadline = deadline is { } d ? Clock.GetUtcNow() + d : null,
            AmountMoney = amount is { } a ? new MoneyInput { Amount = a, Currency = "USD" } : null,
        });
        Assert.Equal(("pending", amount ?? 1000L), (view.Status, view.AmountMoney.Amount));
        // 10 % and 12.5 % of the amount: 100 and 125 of 1000; 60 and 75 of 600.
        Assert.Equal(amount is null ? [("10", 100L), ("12.5", 125L)] : [("10", 60L), ("12.5", 75L)], view.TipOptions.Select(t => (t.Percentage, t.TipMoney.Amount)));
        Assert.Equal(Clock.GetUtcNow() + (deadline ?? TimeSpan.FromMinutes(5)), view.Deadline, TimeSpan.FromMilliseconds(1));   // stored to the millisecond
        return (checkout, orderId);
    }

    [Fact]
    public async Task Past_its_deadline_it_is_canceled_as_timed_out_and_takes_no_payment()
    {
        var (checkout, orderId) = await NewCheckout(TimeSpan.FromMinutes(2));
        Clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.Equal("in_progress", (await checkout.Start()).Status);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var timedOut = await checkout.Get();
        Assert.Equal(("canceled", "timed_out"), (timedOut.Status, timedOut.CancelReason));
        await AssertFails("TERMINAL_CHECKOUT_CANCELED", () => checkout.Complete(new CompleteTerminalCheckoutRequest
        {
            Type = "cash", TenderedMoney = new MoneyInput { Amount = 1000, Currency = "USD" },
        }));
        Assert.Equal("open", (await Grain<IOrderGrain>(orderId).Get()).Status);
    }

    [Fact]
    public async Task A_deadline_more_than_five_minutes_ahead_is_refused()
    {
        var orderId = FlintId.New(IdPrefix.Order);
        await Grain<IOrderGrain>(orderId).Create(new CreateOrderRequest
        {
            LineItems = [new LineItemInput { Name = "Tea", UnitPriceMoney = new MoneyInput { Amount = 1000, Currency = "USD" }, Quantity = 1 }],
        });
        var deviceId = await PairedDevice();
        await AssertFails("INVALID_DEADLINE", () => Grain<ITerminalCheckoutGrain>(FlintId.New(IdPrefix.TerminalCheckout)).Create(new CreateTerminalCheckoutRequest
        {
            DeviceId = deviceId, OrderId = orderId, Deadline = Clock.GetUtcNow() + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1),
        }));
    }

    [Fact]
    public async Task Cash_pays_the_amount_and_the_tip_and_gives_the_change()
    {
        var (checkout, orderId) = await NewCheckout(amount: 600);
        await AssertFails("INSUFFICIENT_TENDER", () => checkout.Complete(new CompleteTerminalCheckoutRequest
        {
            Type = "cash", TenderedMoney = new MoneyInput { Amount = 659, Currency = "USD" }, TipMoney = new MoneyInput { Amount = 60, Currency = "USD" },
        }));
        var done = await checkout.Complete(new CompleteTerminalCheckoutRequest
        {
            Type = "cash", TenderedMoney = new MoneyInput { Amount = 1000, Currency = "USD" }, TipMoney = new MoneyInput { Amount = 60, Currency = "USD" },
        });
        Assert.Equal(("completed", 60L, 1000L, 340L), (done.Status, done.TipMoney!.Value.Amount, done.TenderedMoney!.Value.Amount, done.ChangeBackMoney!.Value.Amount));
        var order = await Grain<IOrderGrain>(orderId).Get();
        Assert.Equal(("partially_paid", 660L, 400L), (order.Status, order.NetAmounts.PaidMoney.Amount, order.NetAmounts.BalanceMoney.Amount));
        // Completed again (a retry whose answer was lost): the same completion, nothing paid twice.
        var again = await checkout.Complete(new CompleteTerminalCheckoutRequest { Type = "cash", TenderedMoney = new MoneyInput { Amount = 1, Currency = "USD" } });
        Assert.Equal((done.PaymentId, done.Version), (again.PaymentId, again.Version));
        Assert.Equal(660L, (await Grain<IOrderGrain>(orderId).Get()).NetAmounts.PaidMoney.Amount);
    }
}
