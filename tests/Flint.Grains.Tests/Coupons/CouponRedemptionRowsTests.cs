using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Domain;
using Flint.Grains.Coupons;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Coupons;

/// <summary>
/// A coupon's redemptions are rows of its object log, not entries of its state: the state keeps counts and stays the
/// same size however often the coupon is used. An order's redemption is known from memory while it is recent (and a new
/// order is known to hold none), and looked up when it is not; every rule holds either way. A state stored before
/// holds every redemption and moves them to rows when the coupon is activated.
/// </summary>
public sealed class CouponRedemptionRowsTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _couponId = FlintId.New(IdPrefix.Coupon);

    private ICouponGrain Coupon => Grain<ICouponGrain>(_couponId);

    private int Asked => CapturedLogLookups.Asked(_couponId);

    private static string Order() => FlintId.New(IdPrefix.Order);

    private static string Customer() => FlintId.New(IdPrefix.Customer);

    private Task<CouponView> Create(long? max = null, long? perCustomer = null) => Coupon.Create(new CouponRequest
    {
        Code = "ROWS10", DiscountType = "percentage", PercentOff = "10", MaxRedemptions = max, PerCustomerLimit = perCustomer,
    });

    private static async Task<string> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return "ok";
        }
        catch (FlintException e)
        {
            return e.Code;
        }
    }

    [Fact]
    public async Task Redeeming_and_releasing_new_orders_asks_nothing_and_leaves_one_row_per_redemption_held()
    {
        await Create(max: 1_000);
        var orders = Enumerable.Range(0, 200).Select(_ => Order()).ToList();

        await Task.WhenAll(orders.Select(o => Coupon.Redeem(o, null)));
        await Task.WhenAll(orders.Take(50).Select(o => Coupon.Release(o)));
        await Coupon.Redeem(orders[0], null);
        await Coupon.Release(Order());

        Assert.Equal(151, (await Coupon.Get()).TimesRedeemed);
        Assert.Equal(0, Asked);
        var rows = LogCapturingStorage.Of(_couponId);
        Assert.All(rows, r => Assert.Equal(ICouponRedemptions.LogKind, r.Kind));
        Assert.Equal(orders.Skip(50).Append(orders[0]).Order(StringComparer.Ordinal), rows.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_order_that_redeemed_before_a_deactivation_gets_the_same_answer_when_the_coupon_ran_out_and_gives_back_its_customers_redemption()
    {
        await Create(max: 3, perCustomer: 1);
        var alice = Customer();
        var order = Order();
        await Coupon.Redeem(order, alice);
        await Coupon.Redeem(Order(), Customer());
        await Deactivate(Coupon);

        Assert.Equal(2, (await Coupon.Redeem(order, alice)).TimesRedeemed);
        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Coupon.Redeem(Order(), alice));
        Assert.Equal(1, (await Coupon.Release(order)).TimesRedeemed);
        Assert.Equal(0, (await Coupon.ForApplication(alice)).CustomerRedemptions);
        var again = Order();
        Assert.Equal(2, (await Coupon.Redeem(again, alice)).TimesRedeemed);
        Assert.Equal(3, (await Coupon.Redeem(Order(), Customer())).TimesRedeemed);
        await Deactivate(Coupon);

        // Run out: an order that holds one still gets it; the one that gave its redemption back does not.
        Assert.Equal(3, (await Coupon.Redeem(again, alice)).TimesRedeemed);
        await AssertFails("COUPON_EXHAUSTED", () => Coupon.Redeem(order, alice));
        Assert.True(Asked > 0);
    }

    [Fact]
    public async Task A_redemption_thousands_of_redemptions_old_is_looked_up_recognised_and_released_with_its_customer()
    {
        await Create(perCustomer: 1);
        var alice = Customer();
        var order = Order();
        await Coupon.Redeem(order, alice);
        var askedBefore = Asked;

        // More later redemptions than the coupon remembers, in bursts like a sale's: none of them needs a look-up.
        foreach (var burst in Enumerable.Range(0, 9_000).Select(_ => Order()).Chunk(500))
            await Task.WhenAll(burst.Select(o => Coupon.Redeem(o, null)));
        Assert.Equal(askedBefore, Asked);

        Assert.Equal(9_001, (await Coupon.Redeem(order, alice)).TimesRedeemed);
        Assert.Equal(askedBefore + 1, Asked);
        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Coupon.Redeem(Order(), alice));
        Assert.Equal(9_000, (await Coupon.Release(order)).TimesRedeemed);
        Assert.Null(LogCapturingStorage.Row(_couponId, ICouponRedemptions.LogKind, order));
        Assert.Equal(0, (await Coupon.ForApplication(alice)).CustomerRedemptions);
        Assert.Equal(9_001, (await Coupon.Redeem(Order(), alice)).TimesRedeemed);
    }

    [Fact]
    public async Task A_hundred_concurrent_redemptions_by_one_customer_limited_to_three_take_what_is_left_counting_the_rows_of_an_earlier_activation()
    {
        await Create(max: 50, perCustomer: 3);
        var alice = Customer();
        await Coupon.Redeem(Order(), alice);
        await Deactivate(Coupon);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Outcome(() => Coupon.Redeem(Order(), alice))));

        Assert.Equal(2, outcomes.Count(o => o == "ok"));
        Assert.Equal(98, outcomes.Count(o => o == "COUPON_CUSTOMER_LIMIT"));
        Assert.Equal(3, (await Coupon.Get()).TimesRedeemed);
        Assert.Equal(3, (await Coupon.ForApplication(alice)).CustomerRedemptions);
    }

    [Fact]
    public async Task The_stored_coupon_state_stays_the_same_size_after_a_thousand_redemptions()
    {
        await Create();
        for (var i = 0; i < 10; i++) await Coupon.Redeem(Order(), Customer());
        var after10 = StoredJson.Of(LogCapturingStorage.Stored<CouponState>(Tenant.GrainKey(_couponId)));

        foreach (var burst in Enumerable.Range(0, 990).Select(_ => Order()).Chunk(100))
            await Task.WhenAll(burst.Select(o => Coupon.Redeem(o, Customer())));
        var after1000 = StoredJson.Of(LogCapturingStorage.Stored<CouponState>(Tenant.GrainKey(_couponId)));

        // Only the count and the version grew (from 10 and 11 to 1000 and 1001: two digits each).
        Assert.Equal(after10.Length + 4, after1000.Length);
        var stored = JsonNode.Parse(after1000)!;
        Assert.Equal(1_000, stored["times_redeemed"]!.GetValue<long>());
        Assert.Empty(stored["redemptions"]!.AsObject());
        Assert.Equal(1_000, LogCapturingStorage.Of(_couponId).Count);
    }

    [Fact]
    public async Task A_coupon_stored_with_every_redemption_moves_them_to_rows_when_activated_and_keeps_every_rule()
    {
        var alice = Customer();
        var held = Order();
        var anonymous = Order();
        // As stored before redemptions were rows (the JSON of CatalogStoredStateTests, with real ids).
        LogCapturingStorage.Plant(Tenant.GrainKey(_couponId), StoredJson.Load<CouponState>($$$"""
            {"code":"SPRING20","name":"Spring","discount_type":"percentage","percent_off":"20","amount_off":null,"max_redemptions":3,"per_customer_limit":1,"starts_at":"2026-03-01T09:15:00.123Z","expires_at":null,"minimum_subtotal_money":null,"product_ids":[],"categories":[],"stackable":true,"status":"active","metadata":{"campaign":"spring"},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","redemptions":{"{{{held}}}":{"customer_id":"{{{alice}}}","redeemed_at":"2026-03-02T10:00:00.456Z"},"{{{anonymous}}}":{"customer_id":null,"redeemed_at":"2026-03-02T09:00:00.000Z"}},"version":3}
            """));

        var coupon = await Coupon.Get();

        Assert.Equal((2L, 3L), (coupon.TimesRedeemed, coupon.Version));
        var stored = LogCapturingStorage.Stored<CouponState>(Tenant.GrainKey(_couponId));
        Assert.Empty(stored.Redemptions);
        Assert.Equal((2L, 3L), (stored.TimesRedeemed, stored.Version));
        Assert.Equal(new[] { held, anonymous }.Order(StringComparer.Ordinal), LogCapturingStorage.Of(_couponId).Select(r => r.Id).Order(StringComparer.Ordinal));

        Assert.Equal(2, (await Coupon.Redeem(held, alice)).TimesRedeemed);
        await AssertFails("COUPON_CUSTOMER_LIMIT", () => Coupon.Redeem(Order(), alice));
        Assert.Equal(1, (await Coupon.Release(held)).TimesRedeemed);
        Assert.Equal(2, (await Coupon.Redeem(Order(), alice)).TimesRedeemed);
        Assert.Equal(3, (await Coupon.Redeem(Order(), null)).TimesRedeemed);
        await AssertFails("COUPON_EXHAUSTED", () => Coupon.Redeem(Order(), null));
        Assert.Equal(3, (await Coupon.Redeem(anonymous, null)).TimesRedeemed);
    }
}
