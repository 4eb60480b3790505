using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Orders;

/// <summary>Merchant-entered discounts: percentages before fixed amounts, order scope apportioned by largest
/// remainder, line scope on its lines only, and removal restoring the amounts exactly.</summary>
public sealed class OrderDiscountGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _orderId = FlintId.New(IdPrefix.Order);

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);

    private static (long Gross, long Discount, long Total) Amounts(OrderView o, string lineId)
    {
        var l = o.LineItems.Single(x => x.LineItemId == lineId);
        return (l.GrossSalesMoney.Amount, l.TotalDiscountMoney.Amount, l.TotalMoney.Amount);
    }

    private static long Applied(OrderView o, string discountId) => o.AppliedDiscounts.Single(d => d.DiscountId == discountId).AppliedMoney.Amount;

    [Fact]
    public async Task Percentage_and_fixed_discounts_in_order_and_line_scope_apply_percentages_first_and_removal_restores_every_amount()
    {
        // A: 2 × 10.00 = 20.00, B: 1 × 33.33; subtotal 53.33.
        var start = await Order.Create(Order(AdHoc("A", 1000, 2), AdHoc("B", 3333)));
        var a = start.LineItems[0].LineItemId;
        var b = start.LineItems[1].LineItemId;
        Assert.Equal(5333, start.NetAmounts.SubtotalMoney.Amount);

        // Fixed 2.50 on the order, added first — still applied after the percentage below.
        var fixedOff = await Order.AddDiscount(AmountOff(250));
        var fixedId = fixedOff.AppliedDiscounts[0].DiscountId;
        Assert.Equal(250, fixedOff.NetAmounts.DiscountMoney.Amount);
        Assert.Equal("fixed_amount", fixedOff.AppliedDiscounts[0].Type);
        Assert.Equal("order", fixedOff.AppliedDiscounts[0].Scope);
        Assert.Equal("manual", fixedOff.AppliedDiscounts[0].Source);

        // 10 % of 53.33 = 5.333 → 5.33, split 20.00 : 33.33 = 1.9989 : 3.3311 → 2.00 / 3.33.
        // Then 2.50 on 18.00 : 30.00 = 0.9375 : 1.5625 → 0.94 / 1.56.
        var tenPercent = await Order.AddDiscount(PercentOff("10"));
        var tenId = tenPercent.AppliedDiscounts.Single(d => d.DiscountId != fixedId).DiscountId;
        Assert.Equal(533, Applied(tenPercent, tenId));
        Assert.Equal(250, Applied(tenPercent, fixedId));
        Assert.Equal(783, tenPercent.NetAmounts.DiscountMoney.Amount);
        Assert.Equal((2000L, 294L, 1706L), Amounts(tenPercent, a));
        Assert.Equal((3333L, 489L, 2844L), Amounts(tenPercent, b));
        Assert.Equal(4550, tenPercent.NetAmounts.TotalMoney.Amount);
        Assert.Equal(200, tenPercent.LineItems[0].AppliedDiscounts.Single(x => x.Id == tenId).AppliedMoney.Amount);
        Assert.Equal(94, tenPercent.LineItems[0].AppliedDiscounts.Single(x => x.Id == fixedId).AppliedMoney.Amount);

        // 50 % on line A only compounds after the 10 %: 18.00 → 9.00 off. Then the fixed 2.50 on 9.00 : 30.00
        // = 0.5769 : 1.9231 → 0.58 / 1.92.
        var half = await Order.AddDiscount(PercentOff("50", a));
        var halfId = half.AppliedDiscounts.Single(d => d.DiscountId != fixedId && d.DiscountId != tenId).DiscountId;
        var halfView = half.AppliedDiscounts.Single(d => d.DiscountId == halfId);
        Assert.Equal(("line_item", "50"), (halfView.Scope, halfView.Percentage));
        Assert.Equal([a], halfView.LineItemIds!);
        Assert.Equal(900, Applied(half, halfId));
        Assert.Equal(533, Applied(half, tenId));
        Assert.Equal(250, Applied(half, fixedId));
        Assert.Equal(1683, half.NetAmounts.DiscountMoney.Amount);
        Assert.Equal((2000L, 1158L, 842L), Amounts(half, a));
        Assert.Equal((3333L, 525L, 2808L), Amounts(half, b));
        Assert.Equal(3650, half.NetAmounts.TotalMoney.Amount);
        Assert.DoesNotContain(half.LineItems[1].AppliedDiscounts, x => x.Id == halfId);

        // Removing discounts one by one walks back through exactly the same amounts.
        var withoutHalf = await Order.RemoveDiscount(halfId, null);
        Assert.Equal(tenPercent.NetAmounts, withoutHalf.NetAmounts);
        Assert.Equal(Amounts(tenPercent, a), Amounts(withoutHalf, a));
        Assert.Equal(Amounts(tenPercent, b), Amounts(withoutHalf, b));

        var withoutTen = await Order.RemoveDiscount(tenId, null);
        Assert.Equal(fixedOff.NetAmounts, withoutTen.NetAmounts);
        Assert.Equal(Amounts(fixedOff, a), Amounts(withoutTen, a));

        var none = await Order.RemoveDiscount(fixedId, null);
        Assert.Equal(start.NetAmounts, none.NetAmounts);
        Assert.Equal(Amounts(start, a), Amounts(none, a));
        Assert.Equal(Amounts(start, b), Amounts(none, b));
        Assert.Empty(none.AppliedDiscounts);
        Assert.Equal(7, none.Version);
    }

    [Fact]
    public async Task A_line_scoped_fixed_discount_comes_off_each_listed_line_and_is_capped_at_the_line()
    {
        var start = await Order.Create(Order(AdHoc("A", 1000, 2), AdHoc("B", 150), AdHoc("C", 700)));
        var (a, b, c) = (start.LineItems[0].LineItemId, start.LineItems[1].LineItemId, start.LineItems[2].LineItemId);

        var order = await Order.AddDiscount(AmountOff(300, a, b));

        Assert.Equal(300 + 150, order.NetAmounts.DiscountMoney.Amount);
        Assert.Equal((2000L, 300L, 1700L), Amounts(order, a));
        Assert.Equal((150L, 150L, 0L), Amounts(order, b));
        Assert.Equal((700L, 0L, 700L), Amounts(order, c));
        Assert.Equal(2850 - 450, order.NetAmounts.TotalMoney.Amount);
    }

    [Fact]
    public async Task A_fixed_discount_larger_than_the_order_is_capped_at_the_order_and_no_line_goes_below_zero()
    {
        await Order.Create(Order(AdHoc("A", 1000, 2), AdHoc("B", 3333)));

        var order = await Order.AddDiscount(AmountOff(100_000));

        Assert.Equal(5333, order.NetAmounts.DiscountMoney.Amount);
        Assert.Equal(0, order.NetAmounts.TotalMoney.Amount);
        Assert.All(order.LineItems, l => Assert.Equal(0, l.TotalMoney.Amount));
        Assert.Equal(100_000, order.AppliedDiscounts[0].AmountMoney!.Value.Amount);
        Assert.Equal(5333, order.AppliedDiscounts[0].AppliedMoney.Amount);
    }

    [Fact]
    public async Task Removing_a_line_drops_it_from_line_scoped_discounts_and_a_discount_left_without_lines_goes_too()
    {
        var start = await Order.Create(Order(AdHoc("A", 1000), AdHoc("B", 2000), AdHoc("C", 4000)));
        var (a, b, c) = (start.LineItems[0].LineItemId, start.LineItems[1].LineItemId, start.LineItems[2].LineItemId);
        var onAb = (await Order.AddDiscount(AmountOff(100, a, b))).AppliedDiscounts[0].DiscountId;
        var onC = (await Order.AddDiscount(PercentOff("25", c))).AppliedDiscounts.Single(d => d.DiscountId != onAb).DiscountId;
        var before = await Order.Get();
        Assert.Equal(200 + 1000, before.NetAmounts.DiscountMoney.Amount);

        var withoutA = await Order.RemoveLineItem(a, null);

        var ab = withoutA.AppliedDiscounts.Single(d => d.DiscountId == onAb);
        Assert.Equal([b], ab.LineItemIds!);
        Assert.Equal(100, ab.AppliedMoney.Amount);
        Assert.Equal(100 + 1000, withoutA.NetAmounts.DiscountMoney.Amount);
        Assert.Equal(6000 - 1100, withoutA.NetAmounts.TotalMoney.Amount);

        var withoutC = await Order.RemoveLineItem(c, null);

        Assert.Equal([onAb], withoutC.AppliedDiscounts.Select(d => d.DiscountId));
        Assert.Equal((2000L, 100L, 1900L), Amounts(withoutC, b));
        Assert.Equal(1900, withoutC.NetAmounts.TotalMoney.Amount);

        // A discount naming a line that is gone is refused.
        await AssertFails("INVALID_LINE_ITEM", () => Order.AddDiscount(PercentOff("10", a)));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.RemoveDiscount(onC, null));
    }

    [Fact]
    public async Task A_discount_needs_exactly_one_of_percentage_and_amount_in_the_orders_currency()
    {
        await Order.Create(Order(AdHoc("A", 1000)));

        await AssertFails("INVALID_DISCOUNT", () => Order.AddDiscount(new AddDiscountRequest { Name = "x" }));
        await AssertFails("INVALID_DISCOUNT", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", Percentage = "5", AmountMoney = Money(5) }));
        await AssertFails("INVALID_PERCENTAGE", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", Percentage = "101" }));
        await AssertFails("INVALID_PERCENTAGE", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", Percentage = "0" }));
        await AssertFails("CURRENCY_MISMATCH", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", AmountMoney = Money(5, "EUR") }));
        await AssertFails("INVALID_AMOUNT", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", AmountMoney = Money(0) }));
        await AssertFails("INVALID_FIELD", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", Percentage = "5", LineItemIds = [] }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.RemoveDiscount(FlintId.New(IdPrefix.Discount), null));

        var order = await Order.Get();
        Assert.Empty(order.AppliedDiscounts);
        Assert.Equal(1, order.Version);
    }
}
