using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Grains.Coupons;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Coupons;

public sealed class CouponGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _couponId = FlintId.New(IdPrefix.Coupon);

    private ICouponGrain Coupon => Grain<ICouponGrain>(_couponId);

    private static MoneyInput Money(long amount, string currency = "USD") => new() { Amount = amount, Currency = currency };

    private static CouponRequest Percent(string percent = "20", long? max = null, long? perCustomer = null) => new()
    {
        Code = "spring20",
        DiscountType = "percentage",
        PercentOff = percent,
        MaxRedemptions = max,
        PerCustomerLimit = perCustomer,
    };

    private static CouponRequest Fixed(long amount = 500, string currency = "USD") => new()
    {
        Code = "FIVEOFF",
        DiscountType = "fixed_amount",
        AmountOff = Money(amount, currency),
    };

    private static string Order() => FlintId.New(IdPrefix.Order);

    private static string Customer() => FlintId.New(IdPrefix.Customer);

    [Fact]
    public async Task A_coupon_is_created_with_its_code_upper_case_and_defaults_filled_in()
    {
        var created = await Coupon.Create(Percent("12.50"));

        Assert.Equal(_couponId, created.CouponId);
        Assert.Equal(("SPRING20", "percentage", "12.5", (Money?)null), (created.Code, created.DiscountType, created.PercentOff, created.AmountOff));
        Assert.Equal(("active", false, 0L, 1L), (created.Status, created.Stackable, created.TimesRedeemed, created.Version));
        Assert.Null(created.MaxRedemptions);
        Assert.Null(created.PerCustomerLimit);
        Assert.Null(created.StartsAt);
        Assert.Null(created.ExpiresAt);
        Assert.Empty(created.AppliesTo.ProductIds);
        Assert.Empty(created.AppliesTo.Categories);
        Assert.Equal(FlintJson.Serialize(created), FlintJson.Serialize(await Coupon.Get()));
    }

    [Fact]
    public async Task A_fixed_amount_coupon_carries_money_and_optional_terms()
    {
        var productId = FlintId.New(IdPrefix.Product);
        var starts = Clock.GetUtcNow().AddDays(-1);
        var request = Fixed();
        request.Name = "Five off";
        request.MinimumSubtotalMoney = Money(2000);
        request.MaxRedemptions = 10;
        request.PerCustomerLimit = 1;
        request.StartsAt = starts;
        request.ExpiresAt = starts.AddDays(30);
        request.AppliesTo = new CouponAppliesToInput { ProductIds = [productId, productId], Categories = ["kitchen"] };
        request.Stackable = true;
        request.Metadata = new() { ["campaign"] = "spring" };

        var c = await Coupon.Create(request);

        Assert.Equal(new Money(500, "USD"), c.AmountOff);
        Assert.Null(c.PercentOff);
        Assert.Equal(new Money(2000, "USD"), c.MinimumSubtotalMoney);
        Assert.Equal(("Five off", 10L, 1L, true), (c.Name, c.MaxRedemptions, c.PerCustomerLimit, c.Stackable));
        Assert.Equal([productId], c.AppliesTo.ProductIds);
        Assert.Equal(["kitchen"], c.AppliesTo.Categories);
        Assert.Equal("spring", c.Metadata["campaign"]);
        var terms = c.ToTerms();
        Assert.Equal((CouponDiscountType.FixedAmount, 500L, "USD", 2000L, true), (terms.Type, terms.AmountOffMinor, terms.Currency, terms.MinimumSubtotalMinor, terms.Active));
    }

    public static TheoryData<string, string, Action<CouponRequest>> InvalidCoupons => new()
    {
        { "MISSING_REQUIRED_FIELD", "code", r => r.Code = null },
        { "INVALID_COUPON_CODE", "code", r => r.Code = "SPRING 20" },
        { "MISSING_REQUIRED_FIELD", "discount_type", r => r.DiscountType = null },
        { "INVALID_ENUM_VALUE", "discount_type", r => r.DiscountType = "percent" },
        { "MISSING_REQUIRED_FIELD", "percent_off", r => r.PercentOff = null },
        { "INVALID_PERCENTAGE", "percent_off", r => r.PercentOff = "120" },
        { "INVALID_PERCENTAGE", "percent_off", r => r.PercentOff = "12.34567" },
        { "INVALID_FIELD", "amount_off", r => r.AmountOff = Money(100) },
        { "VALUE_OUT_OF_RANGE", "max_redemptions", r => r.MaxRedemptions = 0 },
        { "VALUE_OUT_OF_RANGE", "per_customer_limit", r => r.PerCustomerLimit = -1 },
        { "INVALID_DATE_RANGE", "expires_at", r => (r.StartsAt, r.ExpiresAt) = (DateTimeOffset.UnixEpoch.AddDays(2), DateTimeOffset.UnixEpoch.AddDays(1)) },
        { "INVALID_DATE_RANGE", "expires_at", r => (r.StartsAt, r.ExpiresAt) = (DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch) },
        { "INVALID_CURRENCY", "minimum_subtotal_money.currency", r => r.MinimumSubtotalMoney = Money(100, "usd") },
        { "INVALID_ID", "applies_to.product_ids[1]", r => r.AppliesTo = new() { ProductIds = [FlintId.New(IdPrefix.Product), FlintId.New(IdPrefix.Variant)] } },
        { "TOO_MANY_ITEMS", "applies_to.product_ids", r => r.AppliesTo = new() { ProductIds = Enumerable.Range(0, 101).Select(_ => FlintId.New(IdPrefix.Product)).ToList() } },
        { "TOO_MANY_ITEMS", "applies_to.categories", r => r.AppliesTo = new() { Categories = Enumerable.Range(0, 101).Select(i => $"c{i}").ToList() } },
        { "FIELD_TOO_SHORT", "applies_to.categories[0]", r => r.AppliesTo = new() { Categories = [""] } },
        { "INVALID_ENUM_VALUE", "status", r => r.Status = "paused" },
        { "INVALID_STATUS", "status", r => r.Status = "deleted" },
        { "FIELD_TOO_LONG", "name", r => r.Name = new string('n', 256) },
        { "INVALID_METADATA", "metadata", r => r.Metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v") },
    };

    [Theory]
    [MemberData(nameof(InvalidCoupons))]
    public async Task An_invalid_percentage_coupon_is_refused_and_nothing_is_created(string code, string param, Action<CouponRequest> spoil)
    {
        var request = Percent();
        spoil(request);
        var e = await AssertFails(code, () => Coupon.Create(request));
        Assert.StartsWith(param, e.Param);
        await AssertFails("RESOURCE_NOT_FOUND", () => Coupon.Get());
    }

    [Fact]
    public async Task A_fixed_amount_coupon_needs_a_positive_amount_and_a_minimum_in_the_same_currency()
    {
        Assert.Equal("amount_off", (await AssertFails("MISSING_REQUIRED_FIELD", () => Coupon.Create(new CouponRequest { Code = "X", DiscountType = "fixed_amount" }))).Param);
        Assert.Equal("amount_off.amount", (await AssertFails("INVALID_AMOUNT", () => Coupon.Create(Fixed(0)))).Param);
        Assert.Equal("amount_off.currency", (await AssertFails("INVALID_CURRENCY", () => Coupon.Create(Fixed(100, "XXX1")))).Param);
        var withPercent = Fixed();
        withPercent.PercentOff = "10";
        Assert.Equal("percent_off", (await AssertFails("INVALID_FIELD", () => Coupon.Create(withPercent))).Param);
        var euroMinimum = Fixed();
        euroMinimum.MinimumSubtotalMoney = Money(1000, "EUR");
        Assert.Equal("minimum_subtotal_money.currency", (await AssertFails("CURRENCY_MISMATCH", () => Coupon.Create(euroMinimum))).Param);
        await AssertFails("RESOURCE_NOT_FOUND", () => Coupon.Get());
    }

    [Fact]
    public async Task A_sparse_update_keeps_the_rest_and_switching_the_type_needs_the_new_amount()
    {
        var request = Percent(max: 10);
        request.MinimumSubtotalMoney = Money(1000);
        await Coupon.Create(request);

        var renamed = await Coupon.Update(new CouponRequest { Code = "summer-25", Name = "Summer" });
        Assert.Equal(("SUMMER-25", "Summer", "20", 10L, 2L), (renamed.Code, renamed.Name, renamed.PercentOff, renamed.MaxRedemptions, renamed.Version));

        Assert.Equal("amount_off", (await AssertFails("MISSING_REQUIRED_FIELD", () => Coupon.Update(new CouponRequest { DiscountType = "fixed_amount" }))).Param);
        Assert.Equal("amount_off", (await AssertFails("INVALID_FIELD", () => Coupon.Update(new CouponRequest { AmountOff = Money(100) }))).Param);
        var switched = await Coupon.Update(new CouponRequest { DiscountType = "fixed_amount", AmountOff = Money(300) });
        Assert.Equal(("fixed_amount", (string?)null, 300L), (switched.DiscountType, switched.PercentOff, switched.AmountOff!.Value.Amount));
        Assert.Equal("minimum_subtotal_money.currency", (await AssertFails("CURRENCY_MISMATCH", () => Coupon.Update(new CouponRequest { AmountOff = Money(300, "EUR") }))).Param);

        var cleared = await Coupon.Update(new CouponRequest { MinimumSubtotalMoney = new MoneyInput(), Name = "" });
        Assert.Null(cleared.MinimumSubtotalMoney);
        Assert.Null(cleared.Name);
        Assert.Equal(("SUMMER-25", 10L), (cleared.Code, cleared.MaxRedemptions));

        var starts = Clock.GetUtcNow();
        await Coupon.Update(new CouponRequest { StartsAt = starts });
        Assert.Equal("expires_at", (await AssertFails("INVALID_DATE_RANGE", () => Coupon.Update(new CouponRequest { ExpiresAt = starts.AddHours(-1) }))).Param);
        await Coupon.Update(new CouponRequest { ExpiresAt = starts.AddDays(1) });
        Assert.Equal("starts_at", (await AssertFails("INVALID_DATE_RANGE", () => Coupon.Update(new CouponRequest { StartsAt = starts.AddDays(2) }))).Param);
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Coupon.Update(new CouponRequest()));
    }

    [Fact]
    public async Task A_deleted_coupon_refuses_updates_and_is_not_found_for_orders()
    {
        await Coupon.Create(Percent());
        var deleted = await Coupon.Delete();
        Assert.Equal("deleted", deleted.Status);
        Assert.Equal("deleted", (await Coupon.Get()).Status);
        Assert.Equal("deleted", (await Coupon.Delete()).Status);
        await AssertFails("COUPON_DELETED", () => Coupon.Update(new CouponRequest { Name = "Back" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Coupon.ForApplication(null));
        await AssertFails("COUPON_INACTIVE", () => Coupon.Redeem(Order(), null));
    }

    [Fact]
    public async Task Three_hundred_concurrent_redemptions_of_a_coupon_limited_to_fifty_take_exactly_fifty()
    {
        await Coupon.Create(Percent(max: 50));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 300).Select(async _ =>
        {
            try
            {
                await Coupon.Redeem(Order(), Customer());
                return "ok";
            }
            catch (FlintException e)
            {
                return e.Code;
            }
        }));

        Assert.Equal(50, attempts.Count(a => a == "ok"));
        Assert.Equal(250, attempts.Count(a => a == "COUPON_EXHAUSTED"));
        Assert.Equal(50, (await Coupon.Get()).TimesRedeemed);
    }

    [Fact]
    public async Task Redeeming_again_for_the_same_order_takes_nothing_more()
    {
        await Coupon.Create(Percent(max: 2));
        var order = Order();

        var first = await Coupon.Redeem(order, null);
        var again = await Coupon.Redeem(order, null);

        Assert.Equal(1, first.TimesRedeemed);
        Assert.Equal((1L, first.Version), (again.TimesRedeemed, again.Version));
        await Coupon.Redeem(Order(), null);
        await AssertFails("COUPON_EXHAUSTED", () => Coupon.Redeem(Order(), null));
        // The order that holds one still gets its answer, exhausted or not.
        Assert.Equal(2, (await Coupon.Redeem(order, null)).TimesRedeemed);
    }

    [Fact]
    public async Task A_released_redemption_can_be_taken_by_another_order()
    {
        await Coupon.Create(Percent(max: 1));
        var failedPayment = Order();
        await Coupon.Redeem(failedPayment, null);
        await AssertFails("COUPON_EXHAUSTED", () => Coupon.Redeem(Order(), null));

        Assert.Equal(0, (await Coupon.Release(failedPayment)).TimesRedeemed);
        Assert.Equal(0, (await Coupon.Release(failedPayment)).TimesRedeemed);
        Assert.Equal(0, (await Coupon.Release(Order())).TimesRedeemed);

        Assert.Equal(1, (await Coupon.Redeem(Order(), null)).TimesRedeemed);
        await AssertFails("COUPON_EXHAUSTED", () => Coupon.Redeem(failedPayment, null));
    }

    [Fact]
    public async Task The_per_customer_limit_counts_each_customers_redemptions()
    {
        await Coupon.Create(Percent(perCustomer: 2));
        var alice = Customer();
        var bob = Customer();

        await Coupon.Redeem(Order(), alice);
        await Coupon.Redeem(Order(), alice);
        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Coupon.Redeem(Order(), alice));
        await Coupon.Redeem(Order(), bob);
        await Coupon.Redeem(Order(), null);

        Assert.Equal(2, (await Coupon.ForApplication(alice)).CustomerRedemptions);
        Assert.Equal(1, (await Coupon.ForApplication(bob)).CustomerRedemptions);
        var anonymous = await Coupon.ForApplication(null);
        Assert.Equal((0L, 4L), (anonymous.CustomerRedemptions, anonymous.Coupon.TimesRedeemed));
    }

    [Fact]
    public async Task Inactive_not_yet_started_and_expired_coupons_cannot_be_redeemed()
    {
        var request = Percent();
        request.StartsAt = Clock.GetUtcNow().AddHours(1);
        request.ExpiresAt = Clock.GetUtcNow().AddHours(2);
        await Coupon.Create(request);

        await AssertFails("COUPON_NOT_STARTED", () => Coupon.Redeem(Order(), null));
        Clock.Advance(TimeSpan.FromHours(1));
        await Coupon.Redeem(Order(), null);
        await Coupon.Update(new CouponRequest { Status = "inactive" });
        await AssertFails("COUPON_INACTIVE", () => Coupon.Redeem(Order(), null));
        Assert.Equal("inactive", (await Coupon.ForApplication(null)).Coupon.Status);
        await Coupon.Update(new CouponRequest { Status = "active" });
        Clock.Advance(TimeSpan.FromHours(1));
        await AssertFails("COUPON_EXPIRED", () => Coupon.Redeem(Order(), null));
        Assert.Equal(1, (await Coupon.Get()).TimesRedeemed);
    }

    [Fact]
    public async Task Redemptions_need_well_formed_order_and_customer_ids()
    {
        await Coupon.Create(Percent());
        Assert.Equal("order_id", (await AssertFails("INVALID_ID", () => Coupon.Redeem("order-1", null))).Param);
        Assert.Equal("customer_id", (await AssertFails("INVALID_ID", () => Coupon.Redeem(Order(), "bob"))).Param);
        await AssertFails("RESOURCE_NOT_FOUND", () => Grain<ICouponGrain>(FlintId.New(IdPrefix.Coupon)).Redeem(Order(), null));
        await AssertFails("RESOURCE_NOT_FOUND", () => Grain<ICouponGrain>(FlintId.New(IdPrefix.Coupon)).Release(Order()));
    }

    [Fact]
    public async Task Redemptions_survive_deactivation()
    {
        await Coupon.Create(Percent(max: 3, perCustomer: 1));
        var alice = Customer();
        var order = Order();
        await Coupon.Redeem(order, alice);
        await Deactivate(Coupon);

        Assert.Equal(1, (await Coupon.Get()).TimesRedeemed);
        Assert.Equal(1, (await Coupon.Redeem(order, alice)).TimesRedeemed);
        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Coupon.Redeem(Order(), alice));
    }
}
