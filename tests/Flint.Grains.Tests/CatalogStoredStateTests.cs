using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Catalog;
using Flint.Grains.Coupons;
using Flint.Grains.Customers;
using Flint.Grains.Tax;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests;

/// <summary>
/// States as they are stored today (captured from the grain storage's serializer before the catalog lifecycle moved
/// into <c>CatalogObjectState</c> and statuses became enums) still load, field for field, and are written back with
/// the same fields and values: moving a property into a base class keeps its JSON name, and an enum keeps its
/// snake_case string. Only the order of the keys may differ.
/// </summary>
public sealed class CatalogStoredStateTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 9, 15, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset Updated = new(2026, 3, 2, 10, 0, 0, 456, TimeSpan.Zero);

    private static T Load<T>(string stored)
    {
        // Through the serializer the host gives the grain storage (StoredJson).
        var state = StoredJson.Load<T>(stored);
        var written = JsonNode.Parse(StoredJson.Of(state));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored), written), $"written back differently:\n{stored}\n{written!.ToJsonString()}");
        return state;
    }

    [Fact]
    public void A_stored_product_loads_with_its_status_metadata_and_timestamps()
    {
        var s = Load<ProductState>("""
        {"name":"Tee","description":"Cotton","product_type":"physical","status":"inactive","categories":["shirts"],"options":[{"name":"Size","values":["S","M"]}],"variants":[{"variant_id":"var_01","name":null,"option_values":{"Size":"S"},"unit_price_money":{"amount":2000,"currency":"USD"},"sku":"TEE-S","barcode":null,"tax_category":"clothing","taxable":true,"enforce_inventory_limit":true,"deleted":false,"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z"},{"variant_id":"var_02","name":"Medium","option_values":{"Size":"M"},"unit_price_money":{"amount":2200,"currency":"USD"},"sku":null,"barcode":null,"tax_category":"general","taxable":true,"enforce_inventory_limit":false,"deleted":true,"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z"}],"default_variant_id":null,"modifier_set_ids":["mset_01"],"metadata":{"origin":"pt"},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","pending_inventory":{"var_01":3},"version":4}
        """);

        Assert.Equal((4L, "Tee", CatalogStatus.Inactive), (s.Version, s.Name, s.Status));
        Assert.Equal(new Dictionary<string, string> { ["origin"] = "pt" }, s.Metadata);
        Assert.Equal((Created, Updated), (s.CreatedAt, s.UpdatedAt));
        Assert.Equal(["var_01", "var_02"], s.Variants.Select(v => v.VariantId));
        Assert.True(s.Variants[1].Deleted);
        Assert.Equal(3, s.PendingInventory["var_01"]);
    }

    [Fact]
    public void A_stored_deleted_bundle_loads_deleted()
    {
        var s = Load<BundleState>("""
        {"name":"Pair","description":null,"sku":"PAIR","barcode":"123","unit_price_money":{"amount":4000,"currency":"USD"},"tax_category":"general","taxable":false,"status":"deleted","categories":["gifts"],"components":[{"bundle_component_id":"bcmp_01","variant_id":"var_01","product_id":"prod_01","quantity":2,"position":0}],"modifier_set_ids":[],"metadata":{"k":"v"},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","version":2}
        """);

        Assert.Equal((2L, "Pair", CatalogStatus.Deleted), (s.Version, s.Name, s.Status));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, s.Metadata);
        Assert.Equal((Created, Updated), (s.CreatedAt, s.UpdatedAt));
        Assert.Equal(new Money(4000, "USD"), s.UnitPriceMoney);
        Assert.Equal(2, s.Components.Single().Quantity);
    }

    [Fact]
    public void A_stored_modifier_set_loads()
    {
        var s = Load<ModifierSetState>("""
        {"name":"Milk","min_selections":0,"max_selections":1,"options":[{"modifier_option_id":"mopt_01","name":"Oat","price_adjustment_money":{"amount":50,"currency":"USD"}}],"status":"active","metadata":{},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-01T09:15:00.123Z","version":1}
        """);

        Assert.Equal((1L, "Milk", CatalogStatus.Active), (s.Version, s.Name, s.Status));
        Assert.Empty(s.Metadata);
        Assert.Equal((Created, Created), (s.CreatedAt, s.UpdatedAt));
        Assert.Equal("Oat", s.Options.Single().Name);
    }

    [Fact]
    public void A_stored_coupon_loads_with_its_redemptions()
    {
        var s = Load<CouponState>("""
        {"code":"SPRING20","name":"Spring","discount_type":"percentage","percent_off":"20","amount_off":null,"max_redemptions":50,"per_customer_limit":1,"starts_at":"2026-03-01T09:15:00.123Z","expires_at":null,"minimum_subtotal_money":{"amount":1000,"currency":"USD"},"product_ids":["prod_01"],"categories":[],"stackable":true,"status":"inactive","metadata":{"campaign":"spring"},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","redemptions":{"ord_01":{"customer_id":"cus_01","redeemed_at":"2026-03-02T10:00:00.456Z"}},"version":3}
        """);

        Assert.Equal((3L, "SPRING20", CatalogStatus.Inactive), (s.Version, s.Code, s.Status));
        Assert.Equal(new Dictionary<string, string> { ["campaign"] = "spring" }, s.Metadata);
        Assert.Equal((Created, Updated), (s.CreatedAt, s.UpdatedAt));
        Assert.Equal("cus_01", s.Redemptions["ord_01"].CustomerId);
    }

    [Fact]
    public void A_stored_deleted_customer_loads_deleted_and_is_still_stored_without_a_status()
    {
        var s = Load<CustomerState>("""
        {"email":"ada@example.com","name":"Ada","phone":"\u002B1 415","addresses":[{"line1":"1 Main","line2":null,"city":"SF","region":null,"postal_code":null,"country":"US"}],"metadata":{"vip":"yes"},"deleted":true,"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","processor_customer_id":"cus_sim_1","payment_methods":[{"customer_payment_method_id":"cpm_01","processor_payment_method_id":"pm_1","brand":"visa","last4":"4242","exp_month":12,"exp_year":2030,"created_at":"2026-03-01T09:15:00.123Z"}],"version":2}
        """);

        Assert.Equal((2L, "Ada", true, CatalogStatus.Deleted), (s.Version, s.Name, s.Deleted, s.Status));
        Assert.Equal(new Dictionary<string, string> { ["vip"] = "yes" }, s.Metadata);
        Assert.Equal((Created, Updated), (s.CreatedAt, s.UpdatedAt));
        Assert.Equal("4242", s.PaymentMethods.Single().Last4);

        s.Status = CatalogStatus.Active;
        Assert.False(s.Deleted);
        Assert.Null(JsonNode.Parse(StoredJson.Of(s))!["status"]);
    }

    [Fact]
    public void Stored_tax_rates_load_with_their_statuses()
    {
        var s = Load<TaxRatesState>("""
        {"rates":[{"id":"tax_01","name":"Sales tax","percentage":"8.875","inclusion":"additive","tax_categories":["general"],"country":"US","region":"NY","postal_code_prefixes":["100"],"status":"deleted","metadata":{"a":"b"},"created_at":"2026-03-01T09:15:00.123Z","updated_at":"2026-03-02T10:00:00.456Z","version":3}],"version":5}
        """);

        var rate = s.Rates.Single();
        Assert.Equal((5L, 3L, CatalogStatus.Deleted), (s.Version, rate.Version, rate.Status));
        Assert.Equal((Created, Updated), (rate.CreatedAt, rate.UpdatedAt));
    }
}
