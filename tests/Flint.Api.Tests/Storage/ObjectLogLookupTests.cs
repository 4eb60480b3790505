using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Api.Tests.Infrastructure;
using Flint.Domain.Inventory;
using Microsoft.Extensions.DependencyInjection;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage;

/// <summary>
/// The look-ups the coupon and variant grains make when they no longer remember (Flint.Persistence's, registered by
/// AddFlintStorage), over rows written the way the grains write them: in a state write, as log rows, and withdrawn by a
/// later one.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ObjectLogLookupTests(ApiFixture f)
{
    [Fact]
    public async Task A_redemption_is_found_by_its_order_and_counted_for_its_customer_until_it_is_withdrawn()
    {
        await using var env = StorageEnv.Shared(f);
        var tenant = new Tenant(CatalogData.Unique("m"), "test");
        var redemptions = env.Host.Services.GetRequiredService<ICouponRedemptions>();
        LogEntry Redemption(string orderId, string? customerId, bool withdrawn = false) => new()
        {
            Kind = ICouponRedemptions.LogKind, MerchantId = tenant.MerchantId, Environment = tenant.Environment, OwnerId = "cpn_1",
            Id = orderId, CreatedAt = T0, Doc = FlintJson.Serialize(new CouponRedemptionRow(customerId)), Withdrawn = withdrawn,
        };
        var grain = GrainOf(tenant.MerchantId, "cpn_1");
        var coupon = new GrainState<TestState>(new TestState
        {
            Version = 1, Name = "coupon", Log = [Redemption("ord_a", "cus_alice"), Redemption("ord_b", "cus_alice"), Redemption("ord_c", null)],
        });
        await env.Storage.WriteStateAsync("coupon_test", grain, coupon);

        Assert.Equal(new CouponRedemptionRow("cus_alice"), await redemptions.HeldBy(tenant, "cpn_1", "ord_a", default));
        Assert.Equal(new CouponRedemptionRow(null), await redemptions.HeldBy(tenant, "cpn_1", "ord_c", default));
        Assert.Null(await redemptions.HeldBy(tenant, "cpn_1", "ord_x", default));
        Assert.Null(await redemptions.HeldBy(tenant, "cpn_2", "ord_a", default));
        Assert.Null(await redemptions.HeldBy(new Tenant(tenant.MerchantId, "live"), "cpn_1", "ord_a", default));
        Assert.Equal(2, await redemptions.CountOf(tenant, "cpn_1", "cus_alice", default));
        Assert.Equal(0, await redemptions.CountOf(tenant, "cpn_1", "cus_bob", default));

        coupon.State = new TestState { Version = 2, Name = "coupon", Log = [Redemption("ord_a", "cus_alice", withdrawn: true)] };
        await env.Storage.WriteStateAsync("coupon_test", grain, coupon);

        Assert.Null(await redemptions.HeldBy(tenant, "cpn_1", "ord_a", default));
        Assert.Equal(1, await redemptions.CountOf(tenant, "cpn_1", "cus_alice", default));
    }

    [Fact]
    public async Task How_a_reservation_finished_is_found_from_the_sale_naming_it_or_its_own_row_on_its_variant_only()
    {
        await using var env = StorageEnv.Shared(f);
        var tenant = new Tenant(CatalogData.Unique("m"), "test");
        var finished = env.Host.Services.GetRequiredService<IFinishedReservations>();
        LogEntry Row(string kind, string id, string doc) => new()
        {
            Kind = kind, MerchantId = tenant.MerchantId, Environment = tenant.Environment, OwnerId = "var_1", Id = id, CreatedAt = T0, Doc = doc,
        };
        var variant = new TestState
        {
            Version = 1, Name = "variant", Log =
            [
                Row(InventoryProjection.ChangeLogKind, "invc_1", """{"quantity_delta":-2,"reservation_id":"ord_a:pay_a"}"""),
                Row(InventoryProjection.ChangeLogKind, "invc_2", """{"quantity_delta":5}"""),
                Row(IFinishedReservations.LogKind, "ord_b:pay_b", FlintJson.Serialize(new FinishedReservationRow(ReservationOutcome.Released, 1))),
                // Another kind's row with a reservation's id says nothing about it.
                Row("note", "ord_c:pay_c", "{}"),
            ],
        };
        await env.Storage.WriteStateAsync("inventory_test", GrainOf(tenant.MerchantId, "var_1"), new GrainState<TestState>(variant));

        Assert.Equal(ReservationOutcome.Committed, await finished.OutcomeOf(tenant, "var_1", "ord_a:pay_a", default));
        Assert.Equal(ReservationOutcome.Released, await finished.OutcomeOf(tenant, "var_1", "ord_b:pay_b", default));
        Assert.Null(await finished.OutcomeOf(tenant, "var_1", "ord_c:pay_c", default));
        Assert.Null(await finished.OutcomeOf(tenant, "var_1", "invc_1", default));
        Assert.Null(await finished.OutcomeOf(tenant, "var_2", "ord_a:pay_a", default));
    }
}
