using Flint.Abstractions.Catalog;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Orders;

/// <summary>Coupons as the order grain applies them: the refusals that depend on time and on redemptions already
/// taken (which the API can only reach once payments exist), and the catalog objects and customers an order links.</summary>
public sealed class OrderCouponGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _orderId = FlintId.New(IdPrefix.Order);

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);

    private async Task<string> Coupon(CouponRequest request)
    {
        var id = FlintId.New(IdPrefix.Coupon);
        await Grain<ICouponGrain>(id).Create(request);
        return id;
    }

    private async Task<string> Customer()
    {
        var id = FlintId.New(IdPrefix.Customer);
        await Grain<ICustomerGrain>(id).Create(new CustomerRequest { Email = $"{Guid.NewGuid():N}@example.com" });
        return id;
    }

    [Fact]
    public async Task A_coupon_used_up_by_paid_orders_is_COUPON_EXHAUSTED()
    {
        var coupon = await Coupon(new CouponRequest { Code = "ONCE", DiscountType = "percentage", PercentOff = "10", MaxRedemptions = 1 });
        await Order.Create(Order(AdHoc("A", 1000)));
        Assert.Equal(100, (await Order.ApplyCoupon(coupon, null)).NetAmounts.DiscountMoney.Amount);
        var other = Grain<IOrderGrain>(FlintId.New(IdPrefix.Order));
        await other.Create(Order(AdHoc("A", 1000)));

        await Grain<ICouponGrain>(coupon).Redeem(FlintId.New(IdPrefix.Order), null);

        var e = await AssertFails("COUPON_EXHAUSTED", () => other.ApplyCoupon(coupon, null));
        Assert.Equal(DomainErrorKind.Conflict, e.Kind);
        Assert.Empty((await other.Get()).CouponCodes);
    }

    [Fact]
    public async Task A_customer_who_used_up_their_limit_is_COUPON_CUSTOMER_LIMIT_while_another_customer_is_not()
    {
        var coupon = await Coupon(new CouponRequest { Code = "WELCOME", DiscountType = "fixed_amount", AmountOff = Money(500), PerCustomerLimit = 1 });
        var ada = await Customer();
        var bob = await Customer();
        await Grain<ICouponGrain>(coupon).Redeem(FlintId.New(IdPrefix.Order), ada);
        await Order.Create(new CreateOrderRequest { Currency = "USD", CustomerId = ada, LineItems = [AdHoc("A", 2000)] });

        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Order.ApplyCoupon(coupon, null));

        await Order.Update(new UpdateOrderRequest { CustomerId = bob });
        var applied = await Order.ApplyCoupon(coupon, null);
        Assert.Equal((500L, 1500L), (applied.NetAmounts.DiscountMoney.Amount, applied.NetAmounts.TotalMoney.Amount));
    }

    [Fact]
    public async Task A_coupon_applies_from_its_start_until_it_expires_by_the_clock()
    {
        var now = Clock.GetUtcNow();
        var coupon = await Coupon(new CouponRequest
        {
            Code = "WEEKEND", DiscountType = "percentage", PercentOff = "25", StartsAt = now.AddHours(1), ExpiresAt = now.AddHours(3),
        });
        await Order.Create(Order(AdHoc("A", 1000)));

        await AssertFails("COUPON_NOT_STARTED", () => Order.ApplyCoupon(coupon, null));
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(250, (await Order.ApplyCoupon(coupon, null)).NetAmounts.DiscountMoney.Amount);
        await Order.RemoveCoupon("weekend", null);
        Clock.Advance(TimeSpan.FromHours(1));
        await AssertFails("COUPON_EXPIRED", () => Order.ApplyCoupon(coupon, null));

        var order = await Order.Get();
        Assert.Equal(0, order.NetAmounts.DiscountMoney.Amount);
        Assert.Equal(3, order.Version);
    }

    [Fact]
    public async Task A_coupon_that_does_not_exist_or_was_deleted_is_RESOURCE_NOT_FOUND()
    {
        var coupon = await Coupon(new CouponRequest { Code = "GONE", DiscountType = "percentage", PercentOff = "10" });
        await Grain<ICouponGrain>(coupon).Delete();
        await Order.Create(Order(AdHoc("A", 1000)));

        await AssertFails("RESOURCE_NOT_FOUND", () => Order.ApplyCoupon(coupon, null));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.ApplyCoupon(FlintId.New(IdPrefix.Coupon), null));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.RemoveCoupon("GONE", null));
    }

    [Fact]
    public async Task A_coupon_for_a_category_discounts_the_lines_whose_product_carries_it()
    {
        var mugs = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        var mugVariant = (await mugs.Create(new CreateProductRequest
        {
            Name = "Mug", Categories = ["kitchen"], DefaultVariant = new VariantInput { UnitPriceMoney = Money(1200) },
        })).DefaultVariantId!;
        var coupon = await Coupon(new CouponRequest
        {
            Code = "KITCHEN", DiscountType = "fixed_amount", AmountOff = Money(5000), AppliesTo = new CouponAppliesToInput { Categories = ["kitchen"] },
        });
        await Order.Create(Order(AdHoc("Book", 3000)));

        await AssertFails("COUPON_NOT_APPLICABLE", () => Order.ApplyCoupon(coupon, null));
        await Order.AddLineItem(AddVariant(mugVariant, 2));
        var applied = await Order.ApplyCoupon(coupon, null);

        // A fixed amount larger than the eligible lines is capped at them.
        Assert.Equal(2400, applied.NetAmounts.DiscountMoney.Amount);
        Assert.Equal(2400, applied.LineItems.Single(l => l.Name == "Mug").TotalDiscountMoney.Amount);
        Assert.Equal(0, applied.LineItems.Single(l => l.Name == "Book").TotalDiscountMoney.Amount);
        Assert.Equal(3000, applied.NetAmounts.TotalMoney.Amount);
    }

    [Fact]
    public async Task A_removed_variant_is_ITEM_NOT_SELLABLE()
    {
        var product = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        var created = await product.Create(new CreateProductRequest
        {
            Name = "Tee",
            Options = [new ProductOptionInput { Name = "Size", Values = ["S", "M"] }],
            Variants =
            [
                new VariantInput { UnitPriceMoney = Money(2000), OptionValues = new() { ["Size"] = "S" } },
                new VariantInput { UnitPriceMoney = Money(2100), OptionValues = new() { ["Size"] = "M" } },
            ],
        });
        var small = created.Variants[0].VariantId;
        await Order.Create(Order(AdHoc("A", 1000)));
        Assert.Equal("Tee (S)", (await Order.AddLineItem(AddVariant(small))).LineItems.Single(l => l.VariantId == small).Name);

        await product.RemoveVariant(small);

        await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(AddVariant(small)));
        Assert.Equal(2, (await Order.Get()).LineItems.Count);
    }

    [Fact]
    public async Task An_inactive_or_deleted_bundle_is_ITEM_NOT_SELLABLE()
    {
        var product = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        var variant = (await product.Create(Product("Lamp", 1500))).DefaultVariantId!;
        var bundle = Grain<IBundleGrain>(FlintId.New(IdPrefix.Bundle));
        var created = await bundle.Create(new CreateBundleRequest
        {
            Name = "Lamp pair", UnitPriceMoney = Money(2800), Components = [new BundleComponentInput { VariantId = variant, Quantity = 2 }],
        });
        await Order.Create(Order(AdHoc("A", 1000)));

        var withBundle = await Order.AddLineItem(new AddLineItemRequest { BundleId = created.BundleId, Quantity = 1 });
        var line = withBundle.LineItems.Single(l => l.ItemType == "bundle");
        Assert.Equal(("Lamp pair", 2800L, (string?)null), (line.Name, line.UnitPriceMoney.Amount, line.ProductId));

        await bundle.Update(new UpdateBundleRequest { Status = "inactive" });
        await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(new AddLineItemRequest { BundleId = created.BundleId, Quantity = 1 }));
        await bundle.Delete();
        await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(new AddLineItemRequest { BundleId = created.BundleId, Quantity = 1 }));
        await AssertFails("INVALID_BUNDLE", () => Order.AddLineItem(new AddLineItemRequest { BundleId = FlintId.New(IdPrefix.Bundle), Quantity = 1 }));
    }

    [Fact]
    public async Task A_deleted_or_unknown_customer_cannot_be_linked()
    {
        var customer = await Customer();
        await Grain<ICustomerGrain>(customer).Delete();

        await AssertFails("INVALID_CUSTOMER", () => Order.Create(new CreateOrderRequest { Currency = "USD", CustomerId = customer }));
        await Order.Create(new CreateOrderRequest { Currency = "USD" });
        await AssertFails("INVALID_CUSTOMER", () => Order.Update(new UpdateOrderRequest { CustomerId = customer }));
        await AssertFails("INVALID_CUSTOMER", () => Order.Update(new UpdateOrderRequest { CustomerId = FlintId.New(IdPrefix.Customer) }));
        Assert.Null((await Order.Get()).CustomerId);
    }

    [Fact]
    public async Task Removing_lines_until_the_coupons_minimum_is_no_longer_met_takes_the_coupons_discount_away()
    {
        var coupon = await Coupon(new CouponRequest
        {
            Code = "BIGBASKET", DiscountType = "fixed_amount", AmountOff = Money(700), MinimumSubtotalMoney = Money(5000),
        });
        var created = await Order.Create(Order(AdHoc("A", 4000), AdHoc("B", 1000)));
        Assert.Equal(700, (await Order.ApplyCoupon(coupon, null)).NetAmounts.DiscountMoney.Amount);

        // Either the removal is refused, or the order no longer carries a discount it does not qualify for.
        try
        {
            var after = await Order.RemoveLineItem(created.LineItems[0].LineItemId, null);
            Assert.Equal(1000, after.NetAmounts.SubtotalMoney.Amount);
            Assert.Equal(0, after.NetAmounts.DiscountMoney.Amount);
            Assert.Equal(1000, after.NetAmounts.TotalMoney.Amount);
        }
        catch (Flint.Abstractions.FlintException e)
        {
            Assert.Equal("COUPON_MINIMUM_NOT_MET", e.Code);
        }
    }
}
