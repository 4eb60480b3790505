using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Checkout;

/// <summary>
/// A limited payment link's seats when the session paying one dies midway (its process is gone, so it never confirms
/// or gives back its hold): the hold lapses after ten minutes and the link then asks the session's order how it ended.
/// The sessions are stood for by their ids and orders, calling the link as a session does.
/// </summary>
public sealed class PaymentLinkSeatTests : GrainTest
{
    private static readonly TimeSpan PastTheHold = TimeSpan.FromMinutes(11);

    public PaymentLinkSeatTests(ClusterFixture fixture) : base(fixture) => PaymentFaults.Current.Reset();

    private static PaymentFaults Faults => PaymentFaults.Current;

    private async Task<IPaymentLinkGrain> OneSeatLink()
    {
        var link = Grain<IPaymentLinkGrain>(FlintId.New(IdPrefix.PaymentLink));
        await link.Create(new CreatePaymentLinkRequest { AmountMoney = Money(1500), Name = "Workshop seat", MaxCompletedSessions = 1 });
        return link;
    }

    private async Task<string> NewOrder()
    {
        var id = FlintId.New(IdPrefix.Order);
        await Grain<IOrderGrain>(id).Create(Order(AdHoc("Workshop seat", 1500)));
        return id;
    }

    private static string NewSession() => FlintId.New(IdPrefix.CheckoutSession);

    [Fact]
    public async Task A_seat_whose_session_died_after_the_charge_is_held_while_the_processor_cannot_say_then_counted_once_and_never_sold_again()
    {
        var link = await OneSeatLink();
        var (died, order) = (NewSession(), await NewOrder());
        Assert.True(await link.Claim(died, order));
        // The charge happens, then the process dies before the sale is written: the order's payment is left in flight,
        // and for now the processor cannot be asked how it ended.
        Faults.FailAfterCharge = true;
        Faults.FailFindCharge = true;
        await Assert.ThrowsAnyAsync<Exception>(() => Grain<IOrderGrain>(order).Pay(new PayOrderRequest { PaymentSourceTokens = ["tok_visa"] }, PayAttempt.Unkeyed));

        Assert.False(await link.Claim(NewSession(), await NewOrder()));   // held
        Clock.Advance(PastTheHold);
        Assert.False(await link.Claim(NewSession(), await NewOrder()));   // lapsed, but how it ended is unknown: held on
        Assert.Equal(0, (await link.Get()).CompletedSessions);

        Faults.FailFindCharge = false;
        Clock.Advance(PastTheHold);
        Assert.False(await link.Claim(NewSession(), await NewOrder()));   // settled: the order was paid, the seat is taken

        Assert.Equal(1, (await link.Get()).CompletedSessions);
        var paid = await Grain<IOrderGrain>(order).Get();
        Assert.Equal(("paid", 1500L), (paid.Status, paid.NetAmounts.PaidMoney.Amount));
        Assert.Equal(1, Faults.Charges);
        // The session's own confirmation, when it is next read, counts nothing twice.
        await link.Confirm(died);
        Assert.Equal(1, (await link.Get()).CompletedSessions);
    }

    [Fact]
    public async Task A_seat_whose_session_died_before_paying_is_free_again_once_its_hold_lapses()
    {
        var link = await OneSeatLink();
        Assert.True(await link.Claim(NewSession(), await NewOrder()));
        var (next, nextOrder) = (NewSession(), await NewOrder());
        Assert.False(await link.Claim(next, nextOrder));

        Clock.Advance(PastTheHold);

        Assert.True(await link.Claim(next, nextOrder));
        Assert.Equal(0, (await link.Get()).CompletedSessions);
        await link.Confirm(next);
        Assert.Equal(1, (await link.Get()).CompletedSessions);
        Assert.False(await link.Claim(NewSession(), await NewOrder()));
    }
}
