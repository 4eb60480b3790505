using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Inventory;

public sealed class VariantInventoryTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _productId = FlintId.New(IdPrefix.Product);

    private IVariantInventoryGrain NewVariant(out string variantId)
    {
        variantId = FlintId.New(IdPrefix.Variant);
        return Grain<IVariantInventoryGrain>(variantId);
    }

    private static InventoryAdjustmentRequest Remove(long units) =>
        new() { QuantityDelta = -units, ChangeReason = "manual_adjustment" };

    [Fact]
    public async Task Two_hundred_concurrent_single_unit_removals_from_100_enforced_units_sell_exactly_100()
    {
        var inventory = NewVariant(out _);
        var configured = await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: true, Sellable: true), 100, null);
        Assert.Equal(100, configured.QuantityAvailable);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            try
            {
                var result = await inventory.Adjust(_productId, Remove(1), "test");
                return (Ok: true, Code: (string?)null, After: result.Change.QuantityAfter);
            }
            catch (Flint.Abstractions.FlintException e)
            {
                return (Ok: false, Code: e.Code, After: -1L);
            }
        }));

        Assert.Equal(100, outcomes.Count(o => o.Ok));
        Assert.Equal(100, outcomes.Count(o => o.Code == "INSUFFICIENT_INVENTORY"));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), outcomes.Where(o => o.Ok).Select(o => o.After).Order());

        var stock = await inventory.GetStock(_productId);
        Assert.Equal(0, stock.QuantityOnHand);
        Assert.Equal(0, stock.QuantityReserved);
        Assert.Equal(0, stock.QuantityAvailable);

        var history = new List<InventoryChangeView>();
        var pageSizes = new List<int>();
        string? token = null;
        do
        {
            var page = await inventory.History(_productId, 30, token);
            pageSizes.Add(page.Items.Count);
            history.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal([30, 30, 30, 11], pageSizes);
        Assert.Equal(101, history.Count);
        Assert.Equal(101, history.Select(c => c.InventoryChangeId).Distinct().Count());
        // Newest first: the n-th entry from the top left n units on hand.
        for (var i = 0; i < history.Count; i++) Assert.Equal(i, history[i].QuantityAfter);
        for (var i = 0; i < history.Count - 1; i++)
        {
            Assert.Equal(history[i + 1].QuantityAfter, history[i].QuantityBefore);
            Assert.Equal(history[i].QuantityBefore + history[i].QuantityDelta, history[i].QuantityAfter);
            Assert.True(string.CompareOrdinal(history[i].InventoryChangeId, history[i + 1].InventoryChangeId) > 0);
            Assert.True(history[i].CreatedAt >= history[i + 1].CreatedAt);
        }
        Assert.All(history.Take(100), c =>
        {
            Assert.Equal(-1, c.QuantityDelta);
            Assert.Equal("manual_adjustment", c.ChangeReason);
            Assert.Equal("test", c.Actor);
        });
        var initial = history[^1];
        Assert.Equal("received_stock", initial.ChangeReason);
        Assert.Equal(100, initial.QuantityDelta);
        Assert.Equal(0, initial.QuantityBefore);
        Assert.Equal(100, initial.QuantityAfter);
    }

    [Fact]
    public async Task Without_the_inventory_limit_stock_on_hand_may_go_negative()
    {
        var inventory = NewVariant(out _);
        await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: false, Sellable: true), 2, null);

        var result = await inventory.Adjust(_productId, Remove(5), "test");

        Assert.Equal(2, result.Change.QuantityBefore);
        Assert.Equal(-3, result.Change.QuantityAfter);
        Assert.Equal(-3, result.Stock.QuantityAvailable);
        Assert.Equal(-3, (await inventory.GetStock(_productId)).QuantityOnHand);
    }

    [Fact]
    public async Task With_the_inventory_limit_a_removal_beyond_the_available_stock_is_refused_and_changes_nothing()
    {
        var inventory = NewVariant(out _);
        await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: true, Sellable: true), 2, null);

        await AssertFails("INSUFFICIENT_INVENTORY", () => inventory.Adjust(_productId, Remove(3), "test"));

        Assert.Equal(2, (await inventory.GetStock(_productId)).QuantityOnHand);
        Assert.Single((await inventory.History(_productId, 10, null)).Items);
        // Receiving stock is never refused.
        var received = await inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = 8, ChangeReason = "received_stock", Note = "pallet" }, "test");
        Assert.Equal(10, received.Stock.QuantityAvailable);
        Assert.Equal("pallet", received.Change.Note);
    }

    [Fact]
    public async Task An_adjustment_is_validated_before_anything_changes()
    {
        var inventory = NewVariant(out _);
        await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: false, Sellable: true), 4, null);

        await AssertFails("INVALID_QUANTITY_DELTA", () => inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = 0, ChangeReason = "damage" }, null));
        await AssertFails("MISSING_REQUIRED_FIELD", () => inventory.Adjust(_productId, new InventoryAdjustmentRequest { ChangeReason = "damage" }, null));
        await AssertFails("MISSING_REQUIRED_FIELD", () => inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -1 }, null));
        await AssertFails("INVALID_ENUM_VALUE", () => inventory.Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -1, ChangeReason = "stolen" }, null));
        await AssertFails("RESOURCE_NOT_FOUND", () => inventory.Adjust(FlintId.New(IdPrefix.Product), Remove(1), null));

        var stock = await inventory.GetStock(_productId);
        Assert.Equal(4, stock.QuantityOnHand);
        Assert.Single((await inventory.History(_productId, 10, null)).Items);
    }

    [Fact]
    public async Task A_variant_that_was_never_configured_or_belongs_to_another_product_is_not_found()
    {
        var inventory = NewVariant(out _);
        await AssertFails("RESOURCE_NOT_FOUND", () => inventory.GetStock());
        await AssertFails("RESOURCE_NOT_FOUND", () => inventory.Adjust(_productId, Remove(1), null));

        await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: false, Sellable: true), 1, null);
        await AssertFails("RESOURCE_NOT_FOUND", () => inventory.GetStock(FlintId.New(IdPrefix.Product)));
        await AssertFails("RESOURCE_NOT_FOUND", () => inventory.Configure(new VariantPolicy(FlintId.New(IdPrefix.Product), false, true), 5, null));
        Assert.Equal(1, (await inventory.GetStock()).QuantityOnHand);
    }

    [Fact]
    public async Task Configuring_again_changes_the_policy_but_never_the_initial_stock()
    {
        var inventory = NewVariant(out _);
        await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: false, Sellable: true), 6, null);

        var again = await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: true, Sellable: false), 50, null);

        Assert.Equal(6, again.QuantityOnHand);
        Assert.True(again.EnforceInventoryLimit);
        Assert.False(again.Sellable);
        Assert.Single((await inventory.History(_productId, 10, null)).Items);
    }

    [Fact]
    public async Task Grains_take_the_time_from_the_injected_clock()
    {
        var inventory = NewVariant(out _);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var now = Clock.GetUtcNow();
        var expected = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

        var stock = await inventory.Configure(new VariantPolicy(_productId, EnforceInventoryLimit: false, Sellable: true), 1, null);

        Assert.Equal(expected, stock.UpdatedAt);
        Assert.Equal(expected, (await inventory.History(_productId, 1, null)).Items[0].CreatedAt);
    }
}
