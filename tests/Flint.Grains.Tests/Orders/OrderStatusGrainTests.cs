using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Orders;

/// <summary>The order status machine as the order grain enforces it: open → canceled, and nothing about what a
/// canceled order sells may change afterwards.</summary>
public sealed class OrderStatusGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _orderId = FlintId.New(IdPrefix.Order);

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);

    [Fact]
    public async Task A_new_order_is_open_at_version_1_and_canceling_it_makes_it_canceled_at_version_2()
    {
        var created = await Order.Create(Order(AdHoc("Gift wrap", 350, 2)));

        Assert.Equal(_orderId, created.OrderId);
        Assert.Equal(("open", "api", "USD", 1L), (created.Status, created.Source, created.Currency, created.Version));
        Assert.Equal(700, created.NetAmounts.TotalMoney.Amount);

        var canceled = await Order.Cancel(version: null);

        Assert.Equal(("canceled", 2L), (canceled.Status, canceled.Version));
        Assert.Equal(created.NetAmounts, canceled.NetAmounts);
        Assert.Equal("canceled", (await Order.Get()).Status);
    }

    [Fact]
    public async Task Creating_the_same_order_twice_returns_the_first_one_unchanged()
    {
        var first = await Order.Create(Order(AdHoc("Gift wrap", 350)));
        var second = await Order.Create(Order(AdHoc("Other", 999, 3)));

        Assert.Equal(1, second.Version);
        Assert.Equal(first.LineItems[0].LineItemId, Assert.Single(second.LineItems).LineItemId);
        Assert.Equal(350, second.NetAmounts.TotalMoney.Amount);
    }

    [Fact]
    public async Task A_canceled_order_refuses_every_change_to_lines_coupons_discounts_customer_and_tax_location_and_stays_as_it_was()
    {
        var created = await Order.Create(Order(AdHoc("Gift wrap", 350, 2), AdHoc("Card", 199)));
        var lineId = created.LineItems[0].LineItemId;
        var withDiscount = await Order.AddDiscount(PercentOff("10"));
        var discountId = Assert.Single(withDiscount.AppliedDiscounts).DiscountId;
        var couponId = FlintId.New(IdPrefix.Coupon);
        await Grain<ICouponGrain>(couponId).Create(new CouponRequest { Code = "TENOFF", DiscountType = "percentage", PercentOff = "10", Stackable = true });
        var canceled = await Order.Cancel(version: null);
        Assert.Equal(3, canceled.Version);

        await AssertFails("ORDER_NOT_EDITABLE", () => Order.AddLineItem(AddAdHoc("More", 100)));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.UpdateLineItem(lineId, new UpdateLineItemRequest { Quantity = 5 }));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.RemoveLineItem(lineId, null));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.ApplyCoupon(couponId, null));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.RemoveCoupon("TENOFF", null));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.AddDiscount(AmountOff(100)));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.RemoveDiscount(discountId, null));
        await AssertFails("ORDER_NOT_EDITABLE", () => Order.Update(new UpdateOrderRequest { TaxLocation = Location("US", "CA") }));
        var e = await AssertFails("ORDER_NOT_EDITABLE", () => Order.Update(new UpdateOrderRequest { CustomerId = "" }));
        Assert.Equal(DomainErrorKind.Conflict, e.Kind);

        var after = await Order.Get();
        Assert.Equal(("canceled", 3L), (after.Status, after.Version));
        Assert.Equal(canceled.NetAmounts, after.NetAmounts);
        Assert.Equal(canceled.LineItems.Select(l => (l.LineItemId, l.Quantity)), after.LineItems.Select(l => (l.LineItemId, l.Quantity)));
        Assert.Equal(discountId, Assert.Single(after.AppliedDiscounts).DiscountId);
        Assert.Empty(after.CouponCodes);
        Assert.Null(after.TaxLocation);
    }

    [Fact]
    public async Task Canceling_twice_is_INVALID_STATE_TRANSITION_and_changes_nothing()
    {
        await Order.Create(Order(AdHoc("Gift wrap", 350)));
        await Order.Cancel(null);

        var e = await AssertFails("INVALID_STATE_TRANSITION", () => Order.Cancel(null));

        Assert.Equal(DomainErrorKind.Conflict, e.Kind);
        Assert.Equal(2, (await Order.Get()).Version);
    }

    [Fact]
    public async Task The_metadata_of_a_canceled_order_can_still_change()
    {
        await Order.Create(new CreateOrderRequest { Currency = "USD", Metadata = new() { ["pos"] = "till-1", ["shift"] = "am" } });
        await Order.Cancel(null);

        var updated = await Order.Update(new UpdateOrderRequest { Metadata = new() { ["reason"] = "customer left", ["shift"] = "" } });

        Assert.Equal(("canceled", 3L), (updated.Status, updated.Version));
        Assert.Equal(new Dictionary<string, string> { ["pos"] = "till-1", ["reason"] = "customer left" }, updated.Metadata);
    }

    [Fact]
    public async Task Reading_or_changing_an_order_that_was_never_created_is_RESOURCE_NOT_FOUND()
    {
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.Get());
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.AddLineItem(AddAdHoc("x", 1)));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.Cancel(null));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.Update(new UpdateOrderRequest { Metadata = new() { ["a"] = "b" } }));
    }
}
