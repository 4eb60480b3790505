using Flint.Api.Tests.Infrastructure;
using static Flint.Api.Tests.Orders.OrderData;

namespace Flint.Api.Tests.Orders;

/// <summary>Tax on orders: the rates whose jurisdiction matches the order's tax_location stack, each rounded half
/// to even once on its aggregate base; inclusive rates are carved out of the price; no location, no tax; a rate
/// changed after an order left the open state does not change that order. Each test has a merchant of its own,
/// since every rate of a merchant applies to all its orders.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderTaxApiTests(ApiFixture f)
{
    private async Task<ApiClient> Shop() => (await f.NewMerchant(CatalogData.Unique("Tax"))).Test;

    private const string SanFrancisco = "\"tax_location\":{\"country\":\"US\",\"region\":\"CA\",\"postal_code\":\"94103\"}";

    [Fact]
    public async Task A_state_rate_and_a_country_wide_rate_both_matching_the_location_stack_each_rounded_half_to_even()
    {
        var api = await Shop();
        var california = await api.CreateTaxRate("""{"name":"California","percentage":"6","jurisdiction":{"country":"US","region":"CA"}}""");
        var federal = await api.CreateTaxRate("""{"name":"US","percentage":"2.5","jurisdiction":{"country":"US"}}""");
        var newYork = await api.CreateTaxRate("""{"name":"New York","percentage":"4","jurisdiction":{"country":"US","region":"NY"}}""");
        var losAngeles = await api.CreateTaxRate("""{"name":"LA","percentage":"1","jurisdiction":{"country":"US","region":"CA","postal_code_prefixes":["900"]}}""");
        var canada = await api.CreateTaxRate("""{"name":"GST","percentage":"5","jurisdiction":{"country":"CA"}}""");

        var o = await api.CreateOrderWith(SanFrancisco, AdHoc("Chair", 10000), AdHoc("Cushion", 3300));

        // CA 6 % of 133.00 = 7.98 (6.00 / 1.98); US 2.5 % = 3.325 → 3.32 half to even (2.4962 : 0.8237 → 2.50 / 0.82).
        Assert.Equal((13300L, 0L, 1130L, 14430L, 14430L), o.Amounts());
        Assert.Equal(2, o.Arr("applied_taxes").Count);
        Assert.Equal(798, o.AppliedTax(california));
        Assert.Equal(332, o.AppliedTax(federal));
        var ids = o.Arr("applied_taxes").Select(t => t!.Str("tax_rate_id")).ToList();
        Assert.DoesNotContain(newYork, ids);
        Assert.DoesNotContain(losAngeles, ids);
        Assert.DoesNotContain(canada, ids);
        var us = o.Arr("applied_taxes").Single(t => t!.Str("tax_rate_id") == federal)!;
        Assert.Equal(("US", "2.5", "additive"), (us.Str("name"), us.Str("percentage"), us.Str("inclusion")));

        var chair = o.Line("Chair");
        Assert.Equal((10000L, 0L, 850L, 10850L), chair.LineAmounts());
        Assert.Equal(600, chair.Arr("applied_taxes").Single(t => t!.Str("id") == california)!["applied_money"]!.Long("amount"));
        Assert.Equal(250, chair.Arr("applied_taxes").Single(t => t!.Str("id") == federal)!["applied_money"]!.Long("amount"));
        Assert.Equal((3300L, 0L, 280L, 3580L), o.Line("Cushion").LineAmounts());

        // Moving the order to Los Angeles brings in the city rate: 1 % of 133.00 = 1.33.
        var la = await api.Patch($"/v1/orders/{o.Str("order_id")}", """{"tax_location":{"country":"US","region":"CA","postal_code":"90012"}}""");
        Assert.Equal(200, la.Status);
        Assert.Equal(3, la.Data.Arr("applied_taxes").Count);
        Assert.Equal(133, la.Data.AppliedTax(losAngeles));
        Assert.Equal((13300L, 0L, 1263L, 14563L, 14563L), la.Data.Amounts());

        // And to New York swaps the state rate.
        var ny = await api.Patch($"/v1/orders/{o.Str("order_id")}", """{"tax_location":{"country":"US","region":"NY"}}""");
        Assert.Equal(532, ny.Data.AppliedTax(newYork));
        Assert.Equal((13300L, 0L, 864L, 14164L, 14164L), ny.Data.Amounts());
    }

    [Fact]
    public async Task Taxes_are_computed_after_discounts()
    {
        var api = await Shop();
        var rate = await api.CreateTaxRate("""{"name":"Sales","percentage":"9","jurisdiction":{"country":"US"}}""");
        var o = await api.CreateOrderWith(SanFrancisco, AdHoc("Coffee", 1999, 2), AdHoc("Mug", 2400));

        var r = await api.Post($"/v1/orders/{o.Str("order_id")}/discounts", """{"name":"Spring","percentage":"20"}""");

        // The README's worked example: 63.98 − 12.80 = 51.18; 9 % = 4.6062 → 4.61; total 55.79.
        Assert.Equal((6398L, 1280L, 461L, 5579L, 5579L), r.Data.Amounts());
        Assert.Equal(461, r.Data.AppliedTax(rate));
        Assert.Equal((3998L, 800L, 288L, 3486L), r.Data.Line("Coffee").LineAmounts());
        Assert.Equal((2400L, 480L, 173L, 2093L), r.Data.Line("Mug").LineAmounts());
    }

    [Fact]
    public async Task A_rate_limited_to_tax_categories_only_taxes_those_lines_and_non_taxable_items_get_none()
    {
        var api = await Shop();
        var clothingRate = await api.CreateTaxRate("""{"name":"Clothing","percentage":"5","tax_categories":["clothing"],"jurisdiction":{"country":"US"}}""");
        var generalRate = await api.CreateTaxRate("""{"name":"General","percentage":"10","tax_categories":["general"],"jurisdiction":{"country":"US"}}""");
        var shirt = await api.CreateProduct("Shirt", 5000, taxCategory: "clothing");
        var cardResponse = await api.Post("/v1/products", """
            {"name":"Gift card","default_variant":{"unit_price_money":{"amount":2000,"currency":"USD"},"taxable":false}}
            """);
        Assert.Equal(201, cardResponse.Status);

        var o = await api.CreateOrderWith(SanFrancisco, VariantLine(shirt.VariantId), AdHoc("Repair", 4000),
            VariantLine(cardResponse.Data.Str("default_variant_id")));

        Assert.Equal((5000L, 0L, 250L, 5250L), o.Line("Shirt").LineAmounts());
        Assert.Equal((4000L, 0L, 400L, 4400L), o.Line("Repair").LineAmounts());
        Assert.Equal((2000L, 0L, 0L, 2000L), o.Line("Gift card").LineAmounts());
        Assert.False(o.Line("Gift card").Bool("taxable"));
        Assert.Equal(250, o.AppliedTax(clothingRate));
        Assert.Equal(400, o.AppliedTax(generalRate));
        Assert.Equal((11000L, 0L, 650L, 11650L, 11650L), o.Amounts());
    }

    [Fact]
    public async Task An_inclusive_rate_is_carved_out_of_the_price_and_does_not_change_the_total()
    {
        var api = await Shop();
        var vat = await api.CreateTaxRate("""{"name":"VAT","percentage":"20","inclusion":"inclusive","jurisdiction":{"country":"GB"}}""");

        var o = await api.CreateOrder($$"""
            {"line_items":[{{AdHoc("Teapot", 1200, currency: "GBP")}},{{AdHoc("Tea", 999, currency: "GBP")}}],"tax_location":{"country":"GB","postal_code":"SW1A 1AA"} }
            """);

        // 21.99 × 20 / 120 = 3.665 → 3.66 half to even, split 1.9972 : 1.6627 → 2.00 / 1.66.
        Assert.Equal("GBP", o.Str("currency"));
        Assert.Equal((2199L, 0L, 366L, 2199L, 2199L), o.Amounts());
        Assert.Equal(366, o.AppliedTax(vat));
        Assert.Equal("inclusive", o.Arr("applied_taxes")[0]!.Str("inclusion"));
        Assert.Equal((1200L, 0L, 200L, 1200L), o.Line("Teapot").LineAmounts());
        Assert.Equal((999L, 0L, 166L, 999L), o.Line("Tea").LineAmounts());
        Assert.Equal("SW1A1AA", o["tax_location"]!.Str("postal_code"));
    }

    [Fact]
    public async Task An_order_without_a_tax_location_is_not_taxed_until_it_gets_one()
    {
        var api = await Shop();
        var rate = await api.CreateTaxRate("""{"name":"US","percentage":"7","jurisdiction":{"country":"US"}}""");

        var o = await api.CreateOrderWith("", AdHoc("Lamp", 4999));

        Assert.Null(o["tax_location"]);
        Assert.Empty(o.Arr("applied_taxes"));
        Assert.Equal((4999L, 0L, 0L, 4999L, 4999L), o.Amounts());

        // 7 % of 49.99 = 3.4993 → 3.50
        var located = await api.Patch($"/v1/orders/{o.Str("order_id")}", """{"tax_location":{"country":"US"}}""");
        Assert.Equal(350, located.Data.AppliedTax(rate));
        Assert.Equal((4999L, 0L, 350L, 5349L, 5349L), located.Data.Amounts());

        var abroad = await api.Patch($"/v1/orders/{o.Str("order_id")}", """{"tax_location":{"country":"FR"}}""");
        Assert.Empty(abroad.Data.Arr("applied_taxes"));
        Assert.Equal(4999, abroad.Data.Net("total"));
    }

    [Fact]
    public async Task An_inactive_rate_does_not_apply()
    {
        var api = await Shop();
        await api.CreateTaxRate("""{"name":"Paused","percentage":"7","status":"inactive","jurisdiction":{"country":"US"}}""");

        var o = await api.CreateOrderWith(SanFrancisco, AdHoc("Lamp", 4999));

        Assert.Empty(o.Arr("applied_taxes"));
        Assert.Equal(0, o.Net("tax"));
    }

    [Fact]
    public async Task A_rate_changed_after_an_order_was_canceled_does_not_change_that_order_but_reprices_open_ones_on_their_next_change()
    {
        var api = await Shop();
        var rate = await api.CreateTaxRate("""{"name":"US","percentage":"6","jurisdiction":{"country":"US"}}""");
        var open = await api.CreateOrderWith(SanFrancisco, AdHoc("Desk", 10000));
        var canceled = await api.CreateOrderWith(SanFrancisco, AdHoc("Desk", 10000));
        Assert.Equal(600, canceled.Net("tax"));
        Assert.Equal(200, (await api.Post($"/v1/orders/{canceled.Str("order_id")}/cancel")).Status);
        var frozen = await api.GetOrder(canceled.Str("order_id"));

        var changed = await api.Patch($"/v1/tax-rates/{rate}", """{"percentage":"10"}""");
        Assert.Equal(200, changed.Status);

        var after = await api.GetOrder(canceled.Str("order_id"));
        Assert.Equal(frozen.ToJsonString(), after.ToJsonString());
        Assert.Equal((10000L, 0L, 600L, 10600L, 10600L), after.Amounts());
        Assert.Equal("6", after.Arr("applied_taxes")[0]!.Str("percentage"));
        // A metadata change of the canceled order keeps its frozen tax.
        var noted = await api.Patch($"/v1/orders/{canceled.Str("order_id")}", """{"metadata":{"note":"after rate change"}}""");
        Assert.Equal(200, noted.Status);
        Assert.Equal(600, noted.Data.Net("tax"));

        var repriced = await api.Patch($"/v1/orders/{open.Str("order_id")}", """{"metadata":{"note":"touch"}}""");
        Assert.Equal((10000L, 0L, 1000L, 11000L, 11000L), repriced.Data.Amounts());
        Assert.Equal("10", repriced.Data.Arr("applied_taxes")[0]!.Str("percentage"));
    }
}
