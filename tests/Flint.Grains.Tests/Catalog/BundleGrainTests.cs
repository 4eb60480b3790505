using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests.Catalog;

public sealed class BundleGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _bundleId = FlintId.New(IdPrefix.Bundle);

    private IBundleGrain NewBundle() => Grain<IBundleGrain>(_bundleId);

    /// <summary>A simple product with enforced stock; returns (product id, variant id).</summary>
    private async Task<(string ProductId, string VariantId)> Stocked(long quantity)
    {
        var productId = FlintId.New(IdPrefix.Product);
        var product = await Grain<IProductGrain>(productId).Create(Simple(initialQuantity: quantity, enforce: true));
        return (productId, product.DefaultVariantId!);
    }

    private static BundleComponentInput Component(string variantId, long quantity) => new() { VariantId = variantId, Quantity = quantity };

    private static CreateBundleRequest Request(params BundleComponentInput[] components) => new()
    {
        Name = "Starter kit",
        UnitPriceMoney = Usd(5000),
        Components = [.. components],
    };

    [Fact]
    public async Task A_bundle_sells_as_many_as_its_scarcest_component_allows_and_follows_the_stock()
    {
        var a = await Stocked(10);
        var b = await Stocked(4);
        var bundle = NewBundle();

        var created = await bundle.Create(Request(Component(a.VariantId, 1), Component(b.VariantId, 2)));

        Assert.Equal((2L, true), (created.QuantityAvailable, created.AvailableForSale));
        Assert.Equal([10L, 4L], created.Components.Select(c => c.QuantityAvailable));
        Assert.Equal([a.ProductId, b.ProductId], created.Components.Select(c => c.ProductId));
        Assert.Equal([0, 1], created.Components.Select(c => c.Position));
        Assert.Equal(1, created.Version);

        await Grain<IVariantInventoryGrain>(b.VariantId).Adjust(b.ProductId, new InventoryAdjustmentRequest { QuantityDelta = -3, ChangeReason = "damage" }, null);

        var after = await bundle.Get();
        Assert.Equal((0L, false), (after.QuantityAvailable, after.AvailableForSale));
        Assert.Equal([10L, 1L], after.Components.Select(c => c.QuantityAvailable));
    }

    [Fact]
    public async Task A_component_whose_product_is_no_longer_active_makes_the_bundle_unavailable()
    {
        var a = await Stocked(10);
        var bundle = NewBundle();
        await bundle.Create(Request(Component(a.VariantId, 1)));

        await Grain<IProductGrain>(a.ProductId).Update(new UpdateProductRequest { Status = "inactive" });

        var view = await bundle.Get();
        Assert.Equal((0L, false), (view.QuantityAvailable, view.AvailableForSale));
    }

    [Fact]
    public async Task A_component_must_name_an_existing_sellable_variant_once()
    {
        var a = await Stocked(10);
        var bundle = NewBundle();

        var unknown = await AssertFails("INVALID_VARIANT", () => bundle.Create(Request(Component(FlintId.New(IdPrefix.Variant), 1))));
        Assert.Equal("components[0].variant_id", unknown.Param);
        await AssertFails("INVALID_ID", () => bundle.Create(Request(Component("not-a-variant", 1))));
        var duplicate = await AssertFails("DUPLICATE_COMPONENT", () => bundle.Create(Request(Component(a.VariantId, 1), Component(a.VariantId, 2))));
        Assert.Equal("components[1].variant_id", duplicate.Param);
        await AssertFails("VALUE_OUT_OF_RANGE", () => bundle.Create(Request(Component(a.VariantId, 0))));
        await AssertFails("RESOURCE_NOT_FOUND", () => bundle.Get());

        var inactive = FlintId.New(IdPrefix.Product);
        var hidden = await Grain<IProductGrain>(inactive).Create(Simple(initialQuantity: 5, status: "inactive"));
        await AssertFails("ITEM_NOT_SELLABLE", () => bundle.Create(Request(Component(hidden.DefaultVariantId!, 1))));

        await bundle.Create(Request(Component(a.VariantId, 1)));
        await AssertFails("DUPLICATE_COMPONENT", () => bundle.AddComponent(Component(a.VariantId, 3)));
        await AssertFails("INVALID_VARIANT", () => bundle.AddComponent(Component(FlintId.New(IdPrefix.Variant), 1)));
    }

    [Fact]
    public async Task Components_can_be_updated_and_removed_and_availability_follows()
    {
        var a = await Stocked(10);
        var b = await Stocked(4);
        var bundle = NewBundle();
        var created = await bundle.Create(Request(Component(a.VariantId, 1), Component(b.VariantId, 2)));
        var componentB = created.Components.Single(c => c.VariantId == b.VariantId).BundleComponentId;

        var updated = await bundle.UpdateComponent(componentB, new UpdateBundleComponentRequest { Quantity = 1 });
        Assert.Equal(4, updated.QuantityAvailable);
        Assert.Equal(1, updated.Components.Single(c => c.BundleComponentId == componentB).Quantity);

        var componentA = created.Components.Single(c => c.VariantId == a.VariantId).BundleComponentId;
        var moved = await bundle.UpdateComponent(componentA, new UpdateBundleComponentRequest { Position = 5 });
        Assert.Equal([b.VariantId, a.VariantId], moved.Components.Select(c => c.VariantId));
        await AssertFails("NO_FIELDS_TO_UPDATE", () => bundle.Update(new UpdateBundleRequest()));

        await AssertFails("NO_FIELDS_TO_UPDATE", () => bundle.UpdateComponent(componentB, new UpdateBundleComponentRequest()));
        await AssertFails("VALUE_OUT_OF_RANGE", () => bundle.UpdateComponent(componentB, new UpdateBundleComponentRequest { Quantity = 0 }));
        await AssertFails("RESOURCE_NOT_FOUND", () => bundle.UpdateComponent(FlintId.New(IdPrefix.BundleComponent), new UpdateBundleComponentRequest { Quantity = 1 }));

        var removed = await bundle.RemoveComponent(componentB);
        Assert.Equal([a.VariantId], removed.Components.Select(c => c.VariantId));
        Assert.Equal(10, removed.QuantityAvailable);
        await AssertFails("RESOURCE_NOT_FOUND", () => bundle.RemoveComponent(componentB));
        Assert.Equal(10, (await bundle.Get()).QuantityAvailable);
    }

    [Fact]
    public async Task Adding_a_component_answers_with_the_availability_that_includes_it()
    {
        var a = await Stocked(10);
        var b = await Stocked(4);
        var bundle = NewBundle();
        await bundle.Create(Request(Component(a.VariantId, 1)));

        var added = await bundle.AddComponent(Component(b.VariantId, 2));

        Assert.Equal(4, added.Components.Single(c => c.VariantId == b.VariantId).QuantityAvailable);
        Assert.Equal((2L, true), (added.QuantityAvailable, added.AvailableForSale));
        Assert.Equal(2, (await bundle.Get()).QuantityAvailable);
    }

    [Fact]
    public async Task A_bundle_without_components_cannot_be_sold()
    {
        var view = await NewBundle().Create(Request());
        Assert.Equal((0L, false), (view.QuantityAvailable, view.AvailableForSale));
    }

    [Fact]
    public async Task A_deleted_bundle_is_not_for_sale_and_refuses_changes()
    {
        var a = await Stocked(10);
        var bundle = NewBundle();
        var created = await bundle.Create(Request(Component(a.VariantId, 1)));

        var deleted = await bundle.Delete();

        Assert.Equal(("deleted", false), (deleted.Status, deleted.AvailableForSale));
        await AssertFails("BUNDLE_DELETED", () => bundle.Update(new UpdateBundleRequest { Name = "x" }));
        await AssertFails("BUNDLE_DELETED", () => bundle.RemoveComponent(created.Components[0].BundleComponentId));
        await AssertFails("BUNDLE_DELETED", () => bundle.AddComponent(Component(a.VariantId, 1)));
        Assert.Equal("deleted", (await bundle.Get()).Status);
    }

    [Fact]
    public async Task A_bundle_needs_a_name_and_a_price()
    {
        var bundle = NewBundle();
        await AssertFails("MISSING_REQUIRED_FIELD", () => bundle.Create(new CreateBundleRequest { Name = "Kit" }));
        await AssertFails("MISSING_REQUIRED_FIELD", () => bundle.Create(new CreateBundleRequest { UnitPriceMoney = Usd(100) }));
        await AssertFails("INVALID_CURRENCY", () => bundle.Create(new CreateBundleRequest { Name = "Kit", UnitPriceMoney = new() { Amount = 1, Currency = "ABC" } }));
    }
}
