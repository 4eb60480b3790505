using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests.Catalog;

public sealed class ModifierSetGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _setId = FlintId.New(IdPrefix.ModifierSet);

    private IModifierSetGrain Set => Grain<IModifierSetGrain>(_setId);

    private static ModifierOptionInput Choice(string name, long cents) => new() { Name = name, PriceAdjustmentMoney = Usd(cents) };

    private static ModifierSetRequest Milk(int? min = null, int? max = null) => new()
    {
        Name = "Milk",
        MinSelections = min,
        MaxSelections = max,
        Options = [Choice("Oat", 50), Choice("Soy", 40), Choice("Skim", -10)],
    };

    [Fact]
    public async Task A_modifier_set_keeps_its_options_and_by_default_allows_from_none_to_all_of_them()
    {
        var created = await Set.Create(Milk());

        Assert.Equal(_setId, created.ModifierSetId);
        Assert.Equal(("Milk", 0, 3, "active", 1L), (created.Name, created.MinSelections, created.MaxSelections, created.Status, created.Version));
        Assert.Equal(["Oat", "Soy", "Skim"], created.Options.Select(o => o.Name));
        Assert.Equal([50L, 40L, -10L], created.Options.Select(o => o.PriceAdjustmentMoney.Amount));
        Assert.All(created.Options, o => Assert.True(FlintId.IsValid(o.ModifierOptionId, IdPrefix.ModifierOption)));
        Assert.Equal(created.Options.Select(o => o.ModifierOptionId), (await Set.Get()).Options.Select(o => o.ModifierOptionId));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(0, 4)]
    [InlineData(-1, 2)]
    public async Task Selection_bounds_outside_zero_to_the_number_of_options_are_refused(int min, int max)
    {
        await AssertFails("INVALID_MODIFIER_SELECTION_RANGE", () => Set.Create(Milk(min, max)));
        await AssertFails("RESOURCE_NOT_FOUND", () => Set.Get());
    }

    [Fact]
    public async Task Replacing_options_keeps_the_ids_of_named_options_and_narrows_the_maximum()
    {
        var created = await Set.Create(Milk(min: 0, max: 2));
        var oat = created.Options[0].ModifierOptionId;

        var updated = await Set.Update(new ModifierSetRequest
        {
            Options = [new ModifierOptionInput { ModifierOptionId = oat, Name = "Oat milk", PriceAdjustmentMoney = Usd(60) }],
        });

        var option = Assert.Single(updated.Options);
        Assert.Equal((oat, "Oat milk", 60L), (option.ModifierOptionId, option.Name, option.PriceAdjustmentMoney.Amount));
        Assert.Equal((0, 1), (updated.MinSelections, updated.MaxSelections));
        await AssertFails("INVALID_MODIFIER_SELECTION_RANGE", () => Set.Update(new ModifierSetRequest { MinSelections = 2 }));
        await AssertFails("INVALID_ID", () => Set.Update(new ModifierSetRequest { Options = [new ModifierOptionInput { ModifierOptionId = FlintId.New(IdPrefix.ModifierOption), Name = "x", PriceAdjustmentMoney = Usd(1) }] }));
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Set.Update(new ModifierSetRequest()));
    }

    [Fact]
    public async Task Options_of_one_set_are_priced_in_one_currency()
    {
        var request = Milk();
        request.Options![1].PriceAdjustmentMoney = new MoneyInput { Amount = 40, Currency = "EUR" };
        await AssertFails("CURRENCY_MISMATCH", () => Set.Create(request));
    }

    [Fact]
    public async Task A_modifier_set_can_be_assigned_to_a_product_and_a_bundle()
    {
        await Set.Create(Milk());
        var productId = FlintId.New(IdPrefix.Product);
        var request = Simple();
        request.ModifierSetIds = [_setId, _setId];

        var product = await Grain<IProductGrain>(productId).Create(request);

        Assert.Equal([_setId], product.ModifierSetIds);
        var bundle = await Grain<IBundleGrain>(FlintId.New(IdPrefix.Bundle)).Create(new CreateBundleRequest
        {
            Name = "Kit",
            UnitPriceMoney = Usd(100),
            Components = [new BundleComponentInput { VariantId = product.DefaultVariantId, Quantity = 1 }],
            ModifierSetIds = [_setId],
        });
        Assert.Equal([_setId], bundle.ModifierSetIds);
    }

    [Fact]
    public async Task Assigning_an_unknown_or_deleted_modifier_set_is_refused()
    {
        var product = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        await product.Create(Simple());

        await AssertFails("INVALID_MODIFIER_SET", () => product.Update(new UpdateProductRequest { ModifierSetIds = [_setId] }));

        await Set.Create(Milk());
        Assert.Equal([_setId], (await product.Update(new UpdateProductRequest { ModifierSetIds = [_setId] })).ModifierSetIds);

        var deleted = await Set.Delete();
        Assert.Equal("deleted", deleted.Status);
        await AssertFails("MODIFIER_SET_DELETED", () => Set.Update(new ModifierSetRequest { Name = "Milks" }));
        await AssertFails("INVALID_MODIFIER_SET", () => product.Update(new UpdateProductRequest { ModifierSetIds = [_setId] }));
        var fresh = Simple();
        fresh.ModifierSetIds = [_setId];
        await AssertFails("INVALID_MODIFIER_SET", () => Grain<IProductGrain>(FlintId.New(IdPrefix.Product)).Create(fresh));
        await AssertFails("INVALID_ID", () => product.Update(new UpdateProductRequest { ModifierSetIds = ["milk"] }));
        // Clearing the assignment needs no set to exist.
        Assert.Empty((await product.Update(new UpdateProductRequest { ModifierSetIds = [] })).ModifierSetIds);
    }
}
