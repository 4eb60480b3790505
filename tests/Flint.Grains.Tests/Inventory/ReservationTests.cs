using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Inventory;

public sealed class ReservationTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _productId = FlintId.New(IdPrefix.Product);

    private async Task<IVariantInventoryGrain> Stocked(long quantity, bool enforce = true)
    {
        var inventory = Grain<IVariantInventoryGrain>(FlintId.New(IdPrefix.Variant));
        await inventory.Configure(new VariantPolicy(_productId, enforce, Sellable: true), quantity, null);
        return inventory;
    }

    private static DateTimeOffset InTenMinutes => Clock.GetUtcNow().AddMinutes(10);

    [Fact]
    public async Task A_reservation_holds_stock_until_it_is_committed_and_retries_change_nothing()
    {
        var inventory = await Stocked(5);
        var orderId = FlintId.New(IdPrefix.Order);

        var held = await inventory.Reserve("rsv_1", 3, InTenMinutes);
        Assert.Equal((5, 3, 2), (held.QuantityOnHand, held.QuantityReserved, held.QuantityAvailable));

        await AssertFails("INSUFFICIENT_INVENTORY", () => inventory.Reserve("rsv_2", 3, InTenMinutes));

        var retried = await inventory.Reserve("rsv_1", 3, InTenMinutes);
        Assert.Equal((5, 3, 2), (retried.QuantityOnHand, retried.QuantityReserved, retried.QuantityAvailable));

        var committed = await inventory.Commit("rsv_1", "order_fulfillment", orderId);
        Assert.Equal((2, 0, 2), (committed.QuantityOnHand, committed.QuantityReserved, committed.QuantityAvailable));
        var sale = Assert.Single((await inventory.History(_productId, 1, null)).Items);
        Assert.Equal("order_fulfillment", sale.ChangeReason);
        Assert.Equal(orderId, sale.Reference);
        Assert.Equal((-3, 5, 2), (sale.QuantityDelta, sale.QuantityBefore, sale.QuantityAfter));

        var committedAgain = await inventory.Commit("rsv_1", "order_fulfillment", orderId);
        Assert.Equal((2, 0, 2), (committedAgain.QuantityOnHand, committedAgain.QuantityReserved, committedAgain.QuantityAvailable));
        var released = await inventory.Release("rsv_1");
        Assert.Equal((2, 0, 2), (released.QuantityOnHand, released.QuantityReserved, released.QuantityAvailable));
        Assert.Equal(2, (await inventory.History(_productId, 10, null)).Items.Count);
    }

    [Fact]
    public async Task A_commit_without_a_reference_records_the_reservation_id()
    {
        var inventory = await Stocked(5);
        await inventory.Reserve("rsv_1", 1, InTenMinutes);
        await inventory.Commit("rsv_1", "order_fulfillment", null);
        Assert.Equal("rsv_1", (await inventory.History(_productId, 1, null)).Items[0].Reference);
    }

    [Fact]
    public async Task Releasing_an_active_reservation_returns_its_stock_and_its_id_cannot_be_reused()
    {
        var inventory = await Stocked(5);
        await inventory.Reserve("rsv_1", 4, InTenMinutes);

        var released = await inventory.Release("rsv_1");

        Assert.Equal((5, 0, 5), (released.QuantityOnHand, released.QuantityReserved, released.QuantityAvailable));
        Assert.Equal(5, (await inventory.Release("rsv_1")).QuantityAvailable);
        Assert.Equal(5, (await inventory.Release("rsv_unknown")).QuantityAvailable);
        await AssertFails("RESERVATION_FINISHED", () => inventory.Reserve("rsv_1", 4, InTenMinutes));
        await AssertFails("RESERVATION_FINISHED", () => inventory.Commit("rsv_1", "order_fulfillment", null));
        Assert.Single((await inventory.History(_productId, 10, null)).Items);
    }

    [Fact]
    public async Task A_reservation_stops_holding_stock_when_it_expires_and_can_no_longer_be_committed()
    {
        var inventory = await Stocked(5);
        await inventory.Reserve("rsv_1", 2, Clock.GetUtcNow().AddSeconds(30));
        Assert.Equal(3, (await inventory.GetStock()).QuantityAvailable);

        Clock.Advance(TimeSpan.FromSeconds(31));

        var stock = await inventory.GetStock();
        Assert.Equal((5, 0, 5), (stock.QuantityOnHand, stock.QuantityReserved, stock.QuantityAvailable));
        await AssertFails("RESERVATION_NOT_FOUND", () => inventory.Commit("rsv_1", "order_fulfillment", null));
        Assert.Equal(5, (await inventory.GetStock()).QuantityOnHand);
    }

    [Fact]
    public async Task A_hold_writes_nothing_and_once_expired_and_swept_committing_it_is_still_refused_the_same_way()
    {
        var inventory = await Stocked(5);
        var configuredAt = (await inventory.GetStock()).UpdatedAt;
        await inventory.Reserve("rsv_1", 2, Clock.GetUtcNow().AddSeconds(30));
        await inventory.Release("rsv_0");
        Assert.Equal(configuredAt, (await inventory.GetStock()).UpdatedAt);

        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(5, (await inventory.GetStock()).QuantityAvailable);
        await AssertFails("RESERVATION_NOT_FOUND", () => inventory.Commit("rsv_1", "order_fulfillment", null));
        // Whether or not the timer has dropped the hold yet, the answers stay the same and nothing was written.
        await Task.Delay(200);
        await AssertFails("RESERVATION_NOT_FOUND", () => inventory.Commit("rsv_1", "order_fulfillment", null));
        await AssertFails("RESERVATION_FINISHED", () => inventory.Reserve("rsv_1", 2, Clock.GetUtcNow().AddSeconds(30)));
        var stock = await inventory.GetStock();
        Assert.Equal((5L, 0L, 5L), (stock.QuantityOnHand, stock.QuantityReserved, stock.QuantityAvailable));
        Assert.Equal(configuredAt, stock.UpdatedAt);
    }

    [Fact]
    public async Task Stock_held_by_an_expired_reservation_can_be_adjusted_before_the_sweep_runs()
    {
        var inventory = await Stocked(5);
        await inventory.Reserve("rsv_1", 5, Clock.GetUtcNow().AddSeconds(30));
        // Without an activation there is no timer; the one the next activation starts waits for the fake clock.
        await Deactivate(inventory);
        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(5, (await inventory.GetStock()).QuantityAvailable);

        var result = await inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -5, ChangeReason = "damage" }, "test");

        Assert.Equal(0, result.Stock.QuantityAvailable);
    }

    [Fact]
    public async Task Re_reserving_an_expired_reservation_never_reports_stock_it_does_not_hold()
    {
        var inventory = await Stocked(5);
        await inventory.Reserve("rsv_1", 2, Clock.GetUtcNow().AddSeconds(30));
        await Deactivate(inventory);
        Clock.Advance(TimeSpan.FromSeconds(31));

        // Either refused like after the sweep, or a fresh hold; never a success that holds nothing.
        try
        {
            var view = await inventory.Reserve("rsv_1", 2, InTenMinutes);
            Assert.Equal(2, view.QuantityReserved);
        }
        catch (FlintException e)
        {
            Assert.Equal("RESERVATION_FINISHED", e.Code);
        }
    }

    [Fact]
    public async Task Fifty_concurrent_single_unit_reservations_on_20_units_hold_exactly_20()
    {
        var inventory = await Stocked(20);
        var expiry = InTenMinutes;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            try
            {
                await inventory.Reserve($"rsv_{i}", 1, expiry);
                return "ok";
            }
            catch (FlintException e)
            {
                return e.Code;
            }
        }));

        Assert.Equal(20, outcomes.Count(o => o == "ok"));
        Assert.Equal(30, outcomes.Count(o => o == "INSUFFICIENT_INVENTORY"));
        var stock = await inventory.GetStock();
        Assert.Equal((20, 20, 0), (stock.QuantityOnHand, stock.QuantityReserved, stock.QuantityAvailable));
    }

    [Fact]
    public async Task Without_the_inventory_limit_reservations_may_exceed_the_stock()
    {
        var inventory = await Stocked(1, enforce: false);
        var held = await inventory.Reserve("rsv_1", 3, InTenMinutes);
        Assert.Equal((1, 3, -2), (held.QuantityOnHand, held.QuantityReserved, held.QuantityAvailable));
    }

    [Fact]
    public async Task A_reservation_is_refused_for_bad_input_and_for_a_variant_that_is_not_for_sale()
    {
        var inventory = await Stocked(5);
        await AssertFails("INVALID_QUANTITY", () => inventory.Reserve("rsv_1", 0, InTenMinutes));
        await AssertFails("INVALID_EXPIRY", () => inventory.Reserve("rsv_1", 1, Clock.GetUtcNow()));
        await AssertFails("RESERVATION_NOT_FOUND", () => inventory.Commit("rsv_unknown", "order_fulfillment", null));

        await inventory.Configure(new VariantPolicy(_productId, true, Sellable: false), 0, null);
        await AssertFails("ITEM_NOT_SELLABLE", () => inventory.Reserve("rsv_1", 1, InTenMinutes));
        Assert.Equal(5, (await inventory.GetStock()).QuantityAvailable);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(10);
        }
    }
}
