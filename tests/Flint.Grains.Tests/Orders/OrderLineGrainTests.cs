using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Orders;

/// <summary>Order lines: ad hoc, and from the catalog with price, name, SKU and tax treatment frozen when added;
/// modifiers; price overrides; unsellable items.</summary>
public sealed class OrderLineGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _orderId = FlintId.New(IdPrefix.Order);
    private readonly string _productId = FlintId.New(IdPrefix.Product);

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);
    private IProductGrain Product => Grain<IProductGrain>(_productId);

    private async Task<string> CreateProduct(CreateProductRequest request) => (await Product.Create(request)).DefaultVariantId!;

    private Task<OrderView> CreateEmptyOrder() => Order.Create(new CreateOrderRequest { Currency = "USD" });

    [Fact]
    public async Task An_ad_hoc_line_keeps_its_name_and_price_and_is_general_taxable_goods()
    {
        await CreateEmptyOrder();

        var order = await Order.AddLineItem(new AddLineItemRequest { Name = "Delivery", UnitPriceMoney = Money(1250), Quantity = 3, Note = "back door" });

        var line = Assert.Single(order.LineItems);
        Assert.True(FlintId.IsValid(line.LineItemId, IdPrefix.LineItem));
        Assert.Equal(("custom", "Delivery", (string?)null, (string?)null, (string?)null), (line.ItemType, line.Name, line.ProductId, line.VariantId, line.Sku));
        Assert.Equal((3L, "general", true, "back door"), (line.Quantity, line.TaxCategory, line.Taxable, line.Note));
        Assert.Equal(new Money(1250, "USD"), line.BasePriceMoney);
        Assert.Equal(new Money(1250, "USD"), line.UnitPriceMoney);
        Assert.Equal(new Money(3750, "USD"), line.GrossSalesMoney);
        Assert.Equal(new Money(3750, "USD"), line.TotalMoney);
        Assert.Equal(3750, order.NetAmounts.SubtotalMoney.Amount);
        Assert.Equal(3750, order.NetAmounts.TotalMoney.Amount);
    }

    [Fact]
    public async Task An_order_without_a_currency_takes_it_from_its_first_line()
    {
        var order = await Order.Create(new CreateOrderRequest { LineItems = [AdHoc("Service", 5000, currency: "EUR")] });

        Assert.Equal("EUR", order.Currency);
        Assert.Equal(new Money(5000, "EUR"), order.NetAmounts.TotalMoney);
    }

    [Fact]
    public async Task Ad_hoc_lines_are_refused_without_a_price_in_another_currency_with_modifiers_or_with_a_quantity_below_one()
    {
        await CreateEmptyOrder();

        await AssertFails("MISSING_REQUIRED_FIELD", () => Order.AddLineItem(new AddLineItemRequest { Name = "x", Quantity = 1 }));
        await AssertFails("CURRENCY_MISMATCH", () => Order.AddLineItem(AddAdHoc("x", 100, currency: "JPY")));
        await AssertFails("VALUE_OUT_OF_RANGE", () => Order.AddLineItem(AddAdHoc("x", 100, quantity: 0)));
        await AssertFails("MISSING_REQUIRED_FIELD", () => Order.AddLineItem(new AddLineItemRequest { Name = "x", UnitPriceMoney = Money(100) }));
        var modifier = new AddLineItemRequest
        {
            Name = "x", UnitPriceMoney = Money(100), Quantity = 1,
            Modifiers = [new LineModifierInput { ModifierOptionId = FlintId.New(IdPrefix.ModifierOption) }],
        };
        await AssertFails("INVALID_MODIFIER", () => Order.AddLineItem(modifier));

        var order = await Order.Get();
        Assert.Empty(order.LineItems);
        Assert.Equal(1, order.Version);
    }

    [Fact]
    public async Task A_variant_line_freezes_price_name_sku_and_tax_category_and_a_later_line_gets_the_new_ones()
    {
        var variantId = await CreateProduct(Product("Linen Shirt", 4500, sku: "SHIRT-1", taxCategory: "clothing"));
        await CreateEmptyOrder();

        var first = await Order.AddLineItem(AddVariant(variantId, 2));

        var line = Assert.Single(first.LineItems);
        Assert.Equal(("variant", _productId, variantId, "Linen Shirt", "SHIRT-1", "clothing"),
            (line.ItemType, line.ProductId, line.VariantId, line.Name, line.Sku, line.TaxCategory));
        Assert.Equal(new Money(4500, "USD"), line.BasePriceMoney);
        Assert.Equal(9000, line.GrossSalesMoney.Amount);

        await Product.UpdateVariant(variantId, new UpdateVariantRequest { UnitPriceMoney = Money(5200), Sku = "SHIRT-2", TaxCategory = "general" });
        await Product.Update(new UpdateProductRequest { Name = "Linen Shirt II" });

        var unchanged = Assert.Single((await Order.Get()).LineItems);
        Assert.Equal(("Linen Shirt", "SHIRT-1", "clothing", 4500L, 9000L),
            (unchanged.Name, unchanged.Sku, unchanged.TaxCategory, unchanged.UnitPriceMoney.Amount, unchanged.GrossSalesMoney.Amount));

        var second = await Order.AddLineItem(AddVariant(variantId, 1));

        var added = second.LineItems.Single(l => l.LineItemId != line.LineItemId);
        Assert.Equal(("Linen Shirt II", "SHIRT-2", "general", 5200L),
            (added.Name, added.Sku, added.TaxCategory, added.UnitPriceMoney.Amount));
        Assert.Equal(4500, second.LineItems.Single(l => l.LineItemId == line.LineItemId).UnitPriceMoney.Amount);
        Assert.Equal(9000 + 5200, second.NetAmounts.SubtotalMoney.Amount);
    }

    [Fact]
    public async Task An_inactive_product_is_ITEM_NOT_SELLABLE_and_nothing_is_added()
    {
        var variantId = await CreateProduct(Product("Old Mug", 1200, status: "inactive"));
        await CreateEmptyOrder();

        var e = await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(AddVariant(variantId)));

        Assert.Equal(DomainErrorKind.Conflict, e.Kind);
        Assert.Empty((await Order.Get()).LineItems);
        await AssertFails("ITEM_NOT_SELLABLE", () => Grain<IOrderGrain>(FlintId.New(IdPrefix.Order)).Create(Order(new LineItemInput { VariantId = variantId, Quantity = 1 })));
    }

    [Fact]
    public async Task A_product_made_inactive_after_a_line_was_added_refuses_new_lines_but_keeps_the_old_one()
    {
        var variantId = await CreateProduct(Product("Mug", 1200));
        await CreateEmptyOrder();
        await Order.AddLineItem(AddVariant(variantId));

        await Product.Update(new UpdateProductRequest { Status = "inactive" });

        await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(AddVariant(variantId)));
        Assert.Equal(1200, Assert.Single((await Order.Get()).LineItems).GrossSalesMoney.Amount);
    }

    [Fact]
    public async Task A_deleted_product_is_ITEM_NOT_SELLABLE()
    {
        var variantId = await CreateProduct(Product("Gone", 1200));
        await Product.Delete();
        await CreateEmptyOrder();

        await AssertFails("ITEM_NOT_SELLABLE", () => Order.AddLineItem(AddVariant(variantId)));
    }

    [Fact]
    public async Task A_variant_that_does_not_exist_is_INVALID_VARIANT()
    {
        await CreateEmptyOrder();

        var e = await AssertFails("INVALID_VARIANT", () => Order.AddLineItem(AddVariant(FlintId.New(IdPrefix.Variant))));

        Assert.Equal("variant_id", e.Param);
    }

    [Fact]
    public async Task A_caller_sent_price_on_a_catalog_line_is_PRICE_NOT_OVERRIDABLE_until_the_merchant_allows_overrides()
    {
        var variantId = await CreateProduct(Product("Tee", 2500));
        await CreateEmptyOrder();
        var request = AddVariant(variantId, 2);
        request.UnitPriceMoney = Money(1999);

        var e = await AssertFails("PRICE_NOT_OVERRIDABLE", () => Order.AddLineItem(request));
        Assert.Equal("unit_price_money", e.Param);
        Assert.Equal(DomainErrorKind.InvalidRequest, e.Kind);
        var onCreate = await AssertFails("PRICE_NOT_OVERRIDABLE", () => Grain<IOrderGrain>(FlintId.New(IdPrefix.Order)).Create(
            Order(new LineItemInput { VariantId = variantId, Quantity = 1, UnitPriceMoney = Money(1999) })));
        Assert.Equal("line_items[0].unit_price_money", onCreate.Param);
        Assert.Empty((await Order.Get()).LineItems);

        var settings = await Grain<IMerchantSettingsGrain>(IMerchantSettingsGrain.Key).Update(new MerchantSettingsRequest { AllowPriceOverride = true });
        Assert.True(settings.AllowPriceOverride);

        var order = await Order.AddLineItem(request);

        var line = Assert.Single(order.LineItems);
        Assert.Equal(("Tee", 1999L, 1999L, 3998L), (line.Name, line.BasePriceMoney.Amount, line.UnitPriceMoney.Amount, line.GrossSalesMoney.Amount));
        // A line without a price still takes the catalog's.
        var plain = await Order.AddLineItem(AddVariant(variantId));
        Assert.Equal(2500, plain.LineItems.Single(l => l.LineItemId != line.LineItemId).UnitPriceMoney.Amount);
    }

    private async Task<(string VariantId, ModifierSetView Set)> ProductWithToppings()
    {
        var set = await Grain<IModifierSetGrain>(FlintId.New(IdPrefix.ModifierSet)).Create(new ModifierSetRequest
        {
            Name = "Toppings",
            MinSelections = 1,
            MaxSelections = 2,
            Options =
            [
                new ModifierOptionInput { Name = "Cheese", PriceAdjustmentMoney = Money(75) },
                new ModifierOptionInput { Name = "Bacon", PriceAdjustmentMoney = Money(150) },
                new ModifierOptionInput { Name = "Egg", PriceAdjustmentMoney = Money(100) },
            ],
        });
        var variantId = await CreateProduct(Product("Burger", 1000, modifierSetIds: [set.ModifierSetId]));
        return (variantId, set);
    }

    [Fact]
    public async Task Picking_fewer_than_the_minimum_or_more_than_the_maximum_modifiers_is_refused()
    {
        var (variantId, set) = await ProductWithToppings();
        await CreateEmptyOrder();
        var all = set.Options.Select(o => o.ModifierOptionId).ToArray();

        await AssertFails("INVALID_MODIFIER_SELECTION", () => Order.AddLineItem(AddVariant(variantId, 1)));
        await AssertFails("INVALID_MODIFIER_SELECTION", () => Order.AddLineItem(AddVariant(variantId, 1, all)));
        await AssertFails("INVALID_MODIFIER", () => Order.AddLineItem(AddVariant(variantId, 1, FlintId.New(IdPrefix.ModifierOption))));

        var order = await Order.Get();
        Assert.Empty(order.LineItems);
        Assert.Equal(1, order.Version);
    }

    [Fact]
    public async Task Two_picked_modifiers_add_both_adjustments_to_the_unit_price()
    {
        var (variantId, set) = await ProductWithToppings();
        await CreateEmptyOrder();
        var cheese = set.Options.Single(o => o.Name == "Cheese").ModifierOptionId;
        var bacon = set.Options.Single(o => o.Name == "Bacon").ModifierOptionId;

        var order = await Order.AddLineItem(AddVariant(variantId, 2, cheese, bacon));

        var line = Assert.Single(order.LineItems);
        Assert.Equal(1000, line.BasePriceMoney.Amount);
        Assert.Equal(1000 + 75 + 150, line.UnitPriceMoney.Amount);
        Assert.Equal(2 * 1225, line.GrossSalesMoney.Amount);
        Assert.Equal(2450, order.NetAmounts.SubtotalMoney.Amount);
        Assert.Equal([("Bacon", 150L), ("Cheese", 75L)], line.Modifiers.Select(m => (m.Name, m.PriceAdjustmentMoney.Amount)).Order());
        Assert.All(line.Modifiers, m => Assert.Equal(set.ModifierSetId, m.ModifierSetId));
    }

    [Fact]
    public async Task Changing_a_lines_modifiers_reprices_it_and_respects_the_same_limits()
    {
        var (variantId, set) = await ProductWithToppings();
        await CreateEmptyOrder();
        var id = (string name) => set.Options.Single(o => o.Name == name).ModifierOptionId;
        var lineId = (await Order.AddLineItem(AddVariant(variantId, 1, id("Cheese")))).LineItems[0].LineItemId;

        var changed = await Order.UpdateLineItem(lineId, new UpdateLineItemRequest
        {
            Quantity = 3,
            Modifiers = [new LineModifierInput { ModifierOptionId = id("Egg") }, new LineModifierInput { ModifierOptionId = id("Bacon") }],
        });

        var line = Assert.Single(changed.LineItems);
        Assert.Equal((1250L, 3750L), (line.UnitPriceMoney.Amount, line.GrossSalesMoney.Amount));
        await AssertFails("INVALID_MODIFIER_SELECTION", () => Order.UpdateLineItem(lineId, new UpdateLineItemRequest { Modifiers = [] }));
        Assert.Equal(3750, (await Order.Get()).NetAmounts.SubtotalMoney.Amount);
    }

    [Fact]
    public async Task Updating_a_line_changes_only_what_was_sent_and_an_unknown_line_is_RESOURCE_NOT_FOUND()
    {
        var created = await Order.Create(Order(AdHoc("A", 1000), AdHoc("B", 300)));
        var lineA = created.LineItems[0].LineItemId;

        var updated = await Order.UpdateLineItem(lineA, new UpdateLineItemRequest { Note = "gift" });
        Assert.Equal((1L, "gift"), (updated.LineItems[0].Quantity, updated.LineItems[0].Note));
        updated = await Order.UpdateLineItem(lineA, new UpdateLineItemRequest { Quantity = 4 });
        Assert.Equal((4L, "gift"), (updated.LineItems[0].Quantity, updated.LineItems[0].Note));
        Assert.Equal(4300, updated.NetAmounts.TotalMoney.Amount);

        await AssertFails("NO_FIELDS_TO_UPDATE", () => Order.UpdateLineItem(lineA, new UpdateLineItemRequest()));
        await AssertFails("VALUE_OUT_OF_RANGE", () => Order.UpdateLineItem(lineA, new UpdateLineItemRequest { Quantity = 0 }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.UpdateLineItem(FlintId.New(IdPrefix.LineItem), new UpdateLineItemRequest { Quantity = 2 }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Order.RemoveLineItem(FlintId.New(IdPrefix.LineItem), null));

        var removed = await Order.RemoveLineItem(lineA, null);
        Assert.Equal(["B"], removed.LineItems.Select(l => l.Name));
        Assert.Equal(300, removed.NetAmounts.TotalMoney.Amount);
    }
}
