using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests;

/// <summary>What a grain acknowledged is in storage: a new activation reads back exactly the same object.</summary>
public sealed class PersistenceTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task Stock_history_and_sales_survive_deactivation_while_a_hold_is_memory_only()
    {
        var productId = FlintId.New(IdPrefix.Product);
        var inventory = Grain<IVariantInventoryGrain>(FlintId.New(IdPrefix.Variant));
        await inventory.Configure(new VariantPolicy(productId, EnforceInventoryLimit: true, Sellable: true), 10, "setup");
        await inventory.Adjust(productId, new InventoryAdjustmentRequest { QuantityDelta = -3, ChangeReason = "damage", Note = "dropped" }, "test");
        await inventory.Reserve("rsv_1", 2, Clock.GetUtcNow().AddMinutes(10));
        Assert.Equal(5, (await inventory.GetStock(productId)).QuantityAvailable);
        var historyBefore = await inventory.History(productId, 10, null);

        await Deactivate(inventory);

        // The hold was memory (a pay saga that loses it takes the stock again at commit, or gives the money back).
        var stockAfter = await inventory.GetStock(productId);
        Assert.Equal((7L, 0L, 7L), (stockAfter.QuantityOnHand, stockAfter.QuantityReserved, stockAfter.QuantityAvailable));
        var historyAfter = await inventory.History(productId, 10, null);
        Assert.Equal(historyBefore.Items, historyAfter.Items);
        Assert.Equal(2, historyAfter.Items.Count);
        Assert.Equal(("dropped", "test"), (historyAfter.Items[0].Note, historyAfter.Items[0].Actor));
        await AssertFails("RESERVATION_NOT_FOUND", () => inventory.Commit("rsv_1", "order_fulfillment", null));

        // A sale is durable, and its reservation id still deduplicates after a restart.
        await inventory.Reserve("rsv_2", 2, Clock.GetUtcNow().AddMinutes(10));
        Assert.Equal(5, (await inventory.Commit("rsv_2", "order_fulfillment", null)).QuantityOnHand);
        await Deactivate(inventory);
        Assert.Equal(5, (await inventory.Commit("rsv_2", "order_fulfillment", null)).QuantityOnHand);
        Assert.Equal(3, (await inventory.History(productId, 10, null)).Items.Count);
    }

    [Fact]
    public async Task A_product_survives_deactivation()
    {
        var product = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        var request = new CreateProductRequest
        {
            Name = "Tee",
            Description = "Cotton",
            Categories = ["shirts"],
            Options = [Option("Size", "S", "M")],
            Variants = [Variant(2000, 3, ("Size", "S")), Variant(2200, 4, ("Size", "M"))],
            Metadata = new() { ["origin"] = "pt" },
        };
        var created = await product.Create(request);
        await product.Update(new UpdateProductRequest { Metadata = new() { ["fit"] = "slim" }, Status = "inactive" });
        await product.RemoveVariant(created.Variants[0].VariantId);
        var before = await product.Get();

        await Deactivate(product);

        var after = await product.Get();
        Assert.Equal(FlintJson.Serialize(before), FlintJson.Serialize(after));
        Assert.Equal(("inactive", 3L), (after.Status, after.Version));
        Assert.Equal([created.Variants[1].VariantId], after.Variants.Select(v => v.VariantId));
        Assert.Equal(new Dictionary<string, string> { ["origin"] = "pt", ["fit"] = "slim" }, after.Metadata);
        Assert.Equal(4, after.Variants[0].QuantityAvailable);
        // Still the same product: another create is answered with it, not with a new one.
        Assert.Equal(created.Variants[1].VariantId, (await product.Create(request)).Variants.Single().VariantId);
    }

    [Fact]
    public async Task A_bundle_and_a_modifier_set_survive_deactivation()
    {
        var set = Grain<IModifierSetGrain>(FlintId.New(IdPrefix.ModifierSet));
        var setView = await set.Create(new ModifierSetRequest { Name = "Size", MinSelections = 1, MaxSelections = 1, Options = [new() { Name = "Large", PriceAdjustmentMoney = Usd(100) }] });
        var productId = FlintId.New(IdPrefix.Product);
        var variantId = (await Grain<IProductGrain>(productId).Create(Simple(initialQuantity: 6, enforce: true))).DefaultVariantId!;
        var bundle = Grain<IBundleGrain>(FlintId.New(IdPrefix.Bundle));
        await bundle.Create(new CreateBundleRequest
        {
            Name = "Pair",
            UnitPriceMoney = Usd(4000),
            Components = [new BundleComponentInput { VariantId = variantId, Quantity = 2 }],
            ModifierSetIds = [setView.ModifierSetId],
        });
        var bundleBefore = await bundle.Get();

        await Deactivate(set);
        await Deactivate(bundle);

        Assert.Equal(FlintJson.Serialize(setView), FlintJson.Serialize(await set.Get()));
        var bundleAfter = await bundle.Get();
        Assert.Equal(FlintJson.Serialize(bundleBefore), FlintJson.Serialize(bundleAfter));
        Assert.Equal(3, bundleAfter.QuantityAvailable);
    }
}
