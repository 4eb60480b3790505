using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests.Catalog;

public sealed class ProductGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _productId = FlintId.New(IdPrefix.Product);

    private IProductGrain Product => Grain<IProductGrain>(_productId);

    private IVariantInventoryGrain Inventory(string variantId) => Grain<IVariantInventoryGrain>(variantId);

    private Task<ProductView> CreateSizedTee() => Product.Create(new CreateProductRequest
    {
        Name = "Tee",
        Options = [Option("Size", "S", "M", "L"), Option("Color", "Red", "Blue")],
        Variants =
        [
            Variant(2000, 3, ("Size", "S"), ("Color", "Red")),
            Variant(2200, 4, ("Size", "M"), ("Color", "Red")),
        ],
    });

    [Fact]
    public async Task A_simple_product_gets_one_default_variant_whose_stock_starts_at_its_initial_quantity()
    {
        var request = Simple(price: 2500, initialQuantity: 7, enforce: true);
        request.DefaultVariant!.Sku = "TEE-1";
        request.Categories = ["shirts", "shirts", "summer"];

        var created = await Product.Create(request);

        Assert.Equal(_productId, created.ProductId);
        Assert.Equal(("Tee", "physical", "active", 1L), (created.Name, created.ProductType, created.Status, created.Version));
        Assert.Equal(["shirts", "summer"], created.Categories);
        Assert.Empty(created.Options);
        var variant = Assert.Single(created.Variants);
        Assert.Equal(variant.VariantId, created.DefaultVariantId);
        Assert.Equal(variant.VariantId, created.DefaultVariant!.VariantId);
        Assert.True(FlintId.IsValid(variant.VariantId, IdPrefix.Variant));
        Assert.Equal(new Money(2500, "USD"), variant.UnitPriceMoney);
        Assert.Equal(("TEE-1", "general", true, true, 7L), (variant.Sku, variant.TaxCategory, variant.Taxable, variant.EnforceInventoryLimit, variant.QuantityAvailable));

        var stock = await Inventory(variant.VariantId).GetStock(_productId);
        Assert.Equal((7L, true, true), (stock.QuantityAvailable, stock.EnforceInventoryLimit, stock.Sellable));
        Assert.Equal(7, (await Product.GetVariant(variant.VariantId)).QuantityAvailable);
        Assert.Equal(7, (await Product.Get()).DefaultVariant!.QuantityAvailable);
    }

    [Fact]
    public async Task Reading_a_product_shows_the_live_stock_of_its_variants()
    {
        var created = await Product.Create(Simple(initialQuantity: 7));
        var variantId = created.DefaultVariantId!;

        await Inventory(variantId).Adjust(_productId, new InventoryAdjustmentRequest { QuantityDelta = -2, ChangeReason = "damage" }, null);

        Assert.Equal(5, (await Product.Get()).Variants[0].QuantityAvailable);
        Assert.Equal(5, (await Product.GetVariant(variantId)).QuantityAvailable);
    }

    [Fact]
    public async Task Creating_the_same_product_twice_returns_the_first_one_and_does_not_add_stock()
    {
        var first = await Product.Create(Simple(initialQuantity: 3));
        var second = await Product.Create(Simple(name: "Other", initialQuantity: 9));

        Assert.Equal(first.DefaultVariantId, second.DefaultVariantId);
        Assert.Equal("Tee", second.Name);
        Assert.Equal(1, second.Version);
        Assert.Equal(3, second.DefaultVariant!.QuantityAvailable);
    }

    [Fact]
    public async Task A_product_with_options_lists_a_variant_per_combination_with_its_own_stock()
    {
        var created = await CreateSizedTee();

        Assert.Equal(["Size", "Color"], created.Options.Select(o => o.Name));
        Assert.Equal(["S", "M", "L"], created.Options[0].Values);
        Assert.Equal(2, created.Variants.Count);
        Assert.Null(created.DefaultVariantId);
        Assert.Equal("S", created.Variants[0].OptionValues["Size"]);
        Assert.Equal([3L, 4L], created.Variants.Select(v => v.QuantityAvailable));
        Assert.Equal([2000L, 2200L], created.Variants.Select(v => v.UnitPriceMoney.Amount));
        Assert.Equal(2, created.Variants.Select(v => v.VariantId).Distinct().Count());
        foreach (var v in created.Variants)
            Assert.Equal(v.QuantityAvailable, (await Inventory(v.VariantId).GetStock(_productId)).QuantityAvailable);
    }

    [Fact]
    public async Task Two_variants_with_the_same_option_combination_are_refused_and_nothing_is_created()
    {
        await AssertFails("DUPLICATE_VARIANT_COMBINATION", () => Product.Create(new CreateProductRequest
        {
            Name = "Tee",
            Options = [Option("Size", "S", "M")],
            Variants = [Variant(2000, 0, ("Size", "S")), Variant(2100, 0, ("Size", "S"))],
        }));

        await AssertFails("RESOURCE_NOT_FOUND", () => Product.Get());
    }

    [Fact]
    public async Task A_variant_without_a_price_is_refused_naming_the_field()
    {
        var request = Simple();
        request.DefaultVariant!.UnitPriceMoney = null;

        var e = await AssertFails("MISSING_REQUIRED_FIELD", () => Product.Create(request));

        Assert.Equal("default_variant.unit_price_money", e.Param);
        Assert.Equal(DomainErrorKind.InvalidRequest, e.Kind);
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.Get());
    }

    [Fact]
    public async Task A_price_in_an_unknown_currency_is_refused()
    {
        var request = Simple();
        request.DefaultVariant!.UnitPriceMoney = new MoneyInput { Amount = 100, Currency = "XYZ" };
        await AssertFails("INVALID_CURRENCY", () => Product.Create(request));

        request.DefaultVariant.UnitPriceMoney = new MoneyInput { Amount = 100, Currency = "usd" };
        await AssertFails("INVALID_CURRENCY", () => Product.Create(request));
    }

    [Fact]
    public async Task Variants_of_one_product_are_priced_in_one_currency_and_have_distinct_skus()
    {
        var mixed = new CreateProductRequest
        {
            Name = "Tee",
            Options = [Option("Size", "S", "M")],
            Variants = [Variant(2000, 0, ("Size", "S")), Variant(2100, 0, ("Size", "M"))],
        };
        mixed.Variants[1].UnitPriceMoney = new MoneyInput { Amount = 2100, Currency = "EUR" };
        await AssertFails("CURRENCY_MISMATCH", () => Product.Create(mixed));

        mixed.Variants[1].UnitPriceMoney = Usd(2100);
        mixed.Variants[0].Sku = "TEE";
        mixed.Variants[1].Sku = "TEE";
        await AssertFails("SKU_ALREADY_EXISTS", () => Product.Create(mixed));
    }

    [Fact]
    public async Task An_update_that_sends_no_field_is_refused()
    {
        await Product.Create(Simple());
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Product.Update(new UpdateProductRequest()));
        Assert.Equal(1, (await Product.Get()).Version);
    }

    [Fact]
    public async Task Metadata_updates_merge_key_by_key_an_empty_value_deletes_a_key_and_an_empty_object_clears_all()
    {
        var request = Simple();
        request.Metadata = new() { ["a"] = "1", ["b"] = "2", ["dropped"] = "" };
        var created = await Product.Create(request);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, created.Metadata);

        var merged = await Product.Update(new UpdateProductRequest { Metadata = new() { ["b"] = "", ["c"] = "3" } });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }, merged.Metadata);

        var overwritten = await Product.Update(new UpdateProductRequest { Metadata = new() { ["a"] = "9" } });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "9", ["c"] = "3" }, overwritten.Metadata);

        var renamed = await Product.Update(new UpdateProductRequest { Name = "Tee 2" });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "9", ["c"] = "3" }, renamed.Metadata);

        var cleared = await Product.Update(new UpdateProductRequest { Metadata = [] });
        Assert.Empty(cleared.Metadata);
        Assert.Empty((await Product.Get()).Metadata);
        Assert.Equal(5, cleared.Version);
    }

    [Fact]
    public async Task Deleting_a_product_is_permanent_stops_its_sales_and_refuses_further_changes()
    {
        var created = await Product.Create(Simple(initialQuantity: 2));
        var variantId = created.DefaultVariantId!;

        var deleted = await Product.Delete();

        Assert.Equal("deleted", deleted.Status);
        Assert.Equal("deleted", (await Product.Get()).Status);
        Assert.False((await Inventory(variantId).GetStock(_productId)).Sellable);
        await AssertFails("PRODUCT_DELETED", () => Product.Update(new UpdateProductRequest { Name = "Back" }));
        await AssertFails("PRODUCT_DELETED", () => Product.Update(new UpdateProductRequest { Status = "active" }));
        await AssertFails("PRODUCT_DELETED", () => Product.ReplaceCategories(new ReplaceCategoriesRequest { Categories = [] }));
        await AssertFails("PRODUCT_DELETED", () => Product.UpdateVariant(variantId, new UpdateVariantRequest { Name = "x" }));
        await AssertFails("PRODUCT_DELETED", () => Product.AddVariant(Variant(100)));
        await AssertFails("PRODUCT_DELETED", () => Product.RemoveVariant(variantId));
        Assert.Equal(deleted.Version, (await Product.Delete()).Version);
    }

    [Fact]
    public async Task The_status_deleted_cannot_be_set_by_an_update()
    {
        await Product.Create(Simple());
        await AssertFails("INVALID_STATUS", () => Product.Update(new UpdateProductRequest { Status = "deleted" }));
    }

    [Fact]
    public async Task Variants_can_be_added_updated_and_removed_but_the_last_one_stays()
    {
        var created = await CreateSizedTee();
        var small = created.Variants[0].VariantId;
        var medium = created.Variants[1].VariantId;

        var large = await Product.AddVariant(Variant(2400, 5, ("Size", "L"), ("Color", "Blue")));
        Assert.Equal(5, large.QuantityAvailable);
        Assert.Equal(_productId, large.ProductId);
        Assert.Equal(3, (await Product.Get()).Variants.Count);
        Assert.Equal(5, (await Inventory(large.VariantId).GetStock(_productId)).QuantityAvailable);

        await AssertFails("DUPLICATE_VARIANT_COMBINATION", () => Product.AddVariant(Variant(2400, 0, ("Size", "S"), ("Color", "Red"))));
        await AssertFails("UNKNOWN_OPTION_VALUE", () => Product.AddVariant(Variant(2400, 0, ("Size", "XL"), ("Color", "Red"))));
        await AssertFails("MISSING_OPTION_VALUE", () => Product.AddVariant(Variant(2400, 0, ("Size", "M"))));

        var updated = await Product.UpdateVariant(medium, new UpdateVariantRequest { Name = "Medium red", UnitPriceMoney = Usd(2300), EnforceInventoryLimit = true });
        Assert.Equal(("Medium red", 2300L, true, 4L), (updated.Name, updated.UnitPriceMoney.Amount, updated.EnforceInventoryLimit, updated.QuantityAvailable));
        Assert.Equal("Medium red", (await Product.GetVariant(medium)).Name);
        Assert.True((await Inventory(medium).GetStock(_productId)).EnforceInventoryLimit);
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Product.UpdateVariant(medium, new UpdateVariantRequest()));
        await AssertFails("DUPLICATE_VARIANT_COMBINATION", () => Product.UpdateVariant(medium, new UpdateVariantRequest { OptionValues = new() { ["Size"] = "S", ["Color"] = "Red" } }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.UpdateVariant(FlintId.New(IdPrefix.Variant), new UpdateVariantRequest { Name = "x" }));

        var afterRemove = await Product.RemoveVariant(large.VariantId);
        Assert.Equal([small, medium], afterRemove.Variants.Select(v => v.VariantId));
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.GetVariant(large.VariantId));
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.RemoveVariant(large.VariantId));
        Assert.False((await Inventory(large.VariantId).GetStock(_productId)).Sellable);

        await Product.RemoveVariant(small);
        var e = await AssertFails("LAST_VARIANT", () => Product.RemoveVariant(medium));
        Assert.Equal(DomainErrorKind.Conflict, e.Kind);
        Assert.Equal([medium], (await Product.Get()).Variants.Select(v => v.VariantId));
    }

    [Fact]
    public async Task Removing_the_default_variant_clears_the_default()
    {
        var created = await CreateSizedTee();
        var small = created.Variants[0].VariantId;
        Assert.Equal(small, (await Product.Update(new UpdateProductRequest { DefaultVariantId = small })).DefaultVariantId);
        await AssertFails("INVALID_DEFAULT_VARIANT", () => Product.Update(new UpdateProductRequest { DefaultVariantId = FlintId.New(IdPrefix.Variant) }));

        var after = await Product.RemoveVariant(small);

        Assert.Null(after.DefaultVariantId);
        Assert.Null(after.DefaultVariant);
    }

    [Fact]
    public async Task An_inactive_product_does_not_sell_its_variants_until_it_is_active_again()
    {
        var created = await Product.Create(Simple(initialQuantity: 4, status: "inactive"));
        var inventory = Inventory(created.DefaultVariantId!);
        Assert.Equal("inactive", created.Status);
        Assert.False((await inventory.GetStock(_productId)).Sellable);
        await AssertFails("ITEM_NOT_SELLABLE", () => inventory.Reserve("rsv_1", 1, Clock.GetUtcNow().AddMinutes(5)));

        await Product.Update(new UpdateProductRequest { Status = "active" });
        Assert.True((await inventory.GetStock(_productId)).Sellable);

        await Product.Update(new UpdateProductRequest { Status = "inactive" });
        Assert.False((await inventory.GetStock(_productId)).Sellable);
        Assert.Equal(4, (await inventory.GetStock(_productId)).QuantityAvailable);
    }

    [Fact]
    public async Task Every_write_raises_the_version_by_one_and_reads_do_not()
    {
        var created = await Product.Create(Simple());
        Assert.Equal(1, created.Version);
        await Product.Get();
        Assert.Equal(2, (await Product.ReplaceCategories(new ReplaceCategoriesRequest { Categories = ["a"] })).Version);
        // A refused change writes nothing: a product without options has exactly one variant.
        await AssertFails("DUPLICATE_VARIANT_COMBINATION", () => Product.AddVariant(Variant(100)));
        Assert.Equal(3, (await Product.Update(new UpdateProductRequest { Description = "soft" })).Version);
        Assert.Equal(3, (await Product.Get()).Version);
    }

    [Fact]
    public async Task A_product_that_was_never_created_is_not_found()
    {
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.Get());
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.Update(new UpdateProductRequest { Name = "x" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Product.Delete());
    }
}
