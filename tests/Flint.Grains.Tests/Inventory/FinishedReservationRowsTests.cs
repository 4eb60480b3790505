using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Inventory;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Inventory;

/// <summary>
/// A variant's sold reservations are named by their sales' rows in its object log, not kept in its state: a saga that
/// commits again while recovering finds its sale however many sales later and takes no stock twice. Recent
/// reservations, and new ones (made after the newest that ever finished), are known without a look-up.
/// </summary>
public sealed class FinishedReservationRowsTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _productId = FlintId.New(IdPrefix.Product);
    private readonly string _variantId = FlintId.New(IdPrefix.Variant);

    private IVariantInventoryGrain Inventory => Grain<IVariantInventoryGrain>(_variantId);

    private int Asked => CapturedLogLookups.Asked(_variantId);

    private static DateTimeOffset InTenMinutes => Clock.GetUtcNow().AddMinutes(10);

    /// <summary>A reservation id as the pay saga makes it: the order, then the payment.</summary>
    private static string SagaReservation() => $"{FlintId.New(IdPrefix.Order)}:{FlintId.New(IdPrefix.Payment)}";

    private Task Stocked(long quantity) => Inventory.Configure(new VariantPolicy(_productId, true, Sellable: true), quantity, null);

    private async Task Sell(string reservationId, long quantity = 1)
    {
        await Inventory.Reserve(reservationId, quantity, InTenMinutes);
        await Inventory.Commit(reservationId, "order_fulfillment", null);
    }

    [Fact]
    public async Task Holding_selling_and_releasing_new_reservations_asks_nothing_and_each_sale_names_its_reservation()
    {
        await Stocked(100);
        var sold = Enumerable.Range(0, 50).Select(_ => SagaReservation()).ToList();
        var released = Enumerable.Range(0, 10).Select(_ => SagaReservation()).ToList();

        await Task.WhenAll(sold.Select(r => Sell(r)));
        await Task.WhenAll(released.Select(r => Inventory.Reserve(r, 1, InTenMinutes)));
        await Task.WhenAll(released.Select(r => Inventory.Release(r)));

        var stock = await Inventory.GetStock();
        Assert.Equal((50L, 0L), (stock.QuantityOnHand, stock.QuantityReserved));
        Assert.Equal(0, Asked);
        // No row of their own: each sale's history row names its reservation.
        var rows = LogCapturingStorage.Of(_variantId);
        Assert.Equal(51, rows.Count);
        Assert.Equal(sold.Order(StringComparer.Ordinal), rows.Select(CapturedLogLookups.SaleReservation).OfType<string>().Order(StringComparer.Ordinal));
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Reserve(released[0], 1, InTenMinutes));
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Commit(released[0], "order_fulfillment", null));
    }

    [Fact]
    public async Task A_saga_committing_again_after_a_deactivation_finds_its_sale_and_takes_no_stock_twice()
    {
        await Stocked(10);
        var reservation = SagaReservation();
        await Sell(reservation, 2);
        await Deactivate(Inventory);

        var again = await Inventory.Commit(reservation, "order_fulfillment", null);

        Assert.Equal((8L, 8L), (again.QuantityOnHand, again.QuantityAvailable));
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Reserve(reservation, 2, InTenMinutes));
        Assert.Single((await Inventory.History(_productId, 10, null)).Items, c => c.ChangeReason == "order_fulfillment");
        Assert.True(Asked > 0);
    }

    [Fact]
    public async Task A_sale_more_than_a_thousand_sales_old_is_recognised_when_its_saga_commits_again()
    {
        await Stocked(2_000);
        var reservation = SagaReservation();
        await Sell(reservation, 3);
        var askedBefore = Asked;

        foreach (var burst in Enumerable.Range(0, 1_100).Select(_ => SagaReservation()).Chunk(100))
            await Task.WhenAll(burst.Select(r => Sell(r)));
        Assert.Equal(askedBefore, Asked);

        var again = await Inventory.Commit(reservation, "order_fulfillment", null);

        Assert.Equal(2_000 - 3 - 1_100, again.QuantityOnHand);
        Assert.Equal(askedBefore + 1, Asked);
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Reserve(reservation, 3, InTenMinutes));
        Assert.Equal(2_000 - 3 - 1_100, (await Inventory.GetStock()).QuantityOnHand);
    }

    [Fact]
    public async Task A_variant_stored_with_its_finished_reservations_moves_them_to_rows_when_activated_and_answers_the_same()
    {
        var committed = SagaReservation();
        var released = SagaReservation();
        var expired = SagaReservation();
        // As stored before finished reservations were rows (the JSON of StoredStateTests, with real ids).
        LogCapturingStorage.Plant(Tenant.GrainKey(_variantId), StoredJson.Load<InventoryState>($$"""
            {
              "product_id": "{{_productId}}", "on_hand": 7, "enforce_limit": true, "sellable": true, "reservations": {},
              "finished": {
                "{{committed}}": { "outcome": "committed", "quantity": 2, "at": "2026-11-23T09:15:00.000Z" },
                "{{released}}": { "outcome": "released", "quantity": 1, "at": "2026-11-23T09:15:01.000Z" },
                "{{expired}}": { "outcome": "expired", "quantity": 3, "at": "2026-11-23T09:15:02.000Z" }
              },
              "history": [], "updated_at": "2026-11-23T09:15:02.000Z", "applied_changes": {}, "version": 5
            }
            """));

        Assert.Equal(7, (await Inventory.GetStock(_productId)).QuantityOnHand);

        var stored = LogCapturingStorage.Stored<InventoryState>(Tenant.GrainKey(_variantId));
        Assert.Empty(stored.Finished);
        Assert.Equal(5, stored.Version);
        Assert.Equal(3, LogCapturingStorage.Of(_variantId).Count(r => r.Kind == IFinishedReservations.LogKind));
        Assert.Equal(7, (await Inventory.Commit(committed, "order_fulfillment", null)).QuantityOnHand);
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Reserve(released, 1, InTenMinutes));
        await AssertFails("RESERVATION_FINISHED", () => Inventory.Commit(released, "order_fulfillment", null));
        await AssertFails("RESERVATION_NOT_FOUND", () => Inventory.Commit(expired, "order_fulfillment", null));
        // A new reservation is known not to have finished: no look-up.
        var asked = Asked;
        await Sell(SagaReservation());
        Assert.Equal((6L, asked), ((await Inventory.GetStock()).QuantityOnHand, Asked));
    }
}
