using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Catalog.CatalogRequests;

namespace Flint.Grains.Tests;

/// <summary>
/// The lifecycle products, bundles, modifier sets, coupons and customers share (one <c>CatalogGrain</c>): each kind
/// answers a missing object with <c>RESOURCE_NOT_FOUND</c> naming its kind, keeps a deleted object readable and refuses
/// to edit it with <c>{KIND}_DELETED</c>, and answers a second delete with the object as it is — except a customer,
/// which is gone once deleted.
/// </summary>
public sealed class CatalogLifecycleTests(ClusterFixture fixture) : GrainTest(fixture)
{
    [Fact]
    public async Task A_missing_object_of_every_kind_is_RESOURCE_NOT_FOUND_with_its_kind_in_the_message()
    {
        Assert.Equal("No such product.", (await AssertFails("RESOURCE_NOT_FOUND", () => Grain<IProductGrain>(FlintId.New(IdPrefix.Product)).Get())).Message);
        Assert.Equal("No such bundle.", (await AssertFails("RESOURCE_NOT_FOUND", () => Grain<IBundleGrain>(FlintId.New(IdPrefix.Bundle)).Get())).Message);
        Assert.Equal("No such modifier set.", (await AssertFails("RESOURCE_NOT_FOUND", () => Grain<IModifierSetGrain>(FlintId.New(IdPrefix.ModifierSet)).Delete())).Message);
        Assert.Equal("No such coupon.", (await AssertFails("RESOURCE_NOT_FOUND", () => Grain<ICouponGrain>(FlintId.New(IdPrefix.Coupon)).Update(new CouponRequest { Name = "x" }))).Message);
        Assert.Equal("No such customer.", (await AssertFails("RESOURCE_NOT_FOUND", () => Grain<ICustomerGrain>(FlintId.New(IdPrefix.Customer)).Get())).Message);
    }

    [Fact]
    public async Task A_deleted_catalog_object_stays_readable_refuses_edits_and_answers_a_second_delete_unchanged()
    {
        var set = Grain<IModifierSetGrain>(FlintId.New(IdPrefix.ModifierSet));
        await set.Create(new ModifierSetRequest { Name = "Milk", Options = [new() { Name = "Oat", PriceAdjustmentMoney = Usd(50) }] });
        var deleted = await set.Delete();

        Assert.Equal(("deleted", 2L), (deleted.Status, deleted.Version));
        Assert.Equal(FlintJson.Serialize(deleted), FlintJson.Serialize(await set.Delete()));
        Assert.Equal(FlintJson.Serialize(deleted), FlintJson.Serialize(await set.Get()));
        Assert.Equal("This modifier set is deleted.", (await AssertFails("MODIFIER_SET_DELETED", () => set.Update(new ModifierSetRequest { Name = "x" }))).Message);

        var product = Grain<IProductGrain>(FlintId.New(IdPrefix.Product));
        await product.Create(Simple());
        var gone = await product.Delete();
        Assert.Equal(gone.Version, (await product.Delete()).Version);
        Assert.Equal("This product is deleted; deletion is permanent.",
            (await AssertFails("PRODUCT_DELETED", () => product.ReplaceCategories(new ReplaceCategoriesRequest { Categories = [] }))).Message);
    }

    [Fact]
    public async Task A_deleted_customer_is_gone()
    {
        var customer = Grain<ICustomerGrain>(FlintId.New(IdPrefix.Customer));
        var created = await customer.Create(new CustomerRequest { Name = "Ada" });
        var deleted = await customer.Delete();

        Assert.Equal((true, created.Version + 1), (deleted.Deleted, deleted.Version));
        await AssertFails("RESOURCE_NOT_FOUND", () => customer.Get());
        await AssertFails("RESOURCE_NOT_FOUND", () => customer.Update(new CustomerRequest { Name = "Bob" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => customer.Delete());
        // A create retried for the same id still answers with what that id holds.
        Assert.Equal(FlintJson.Serialize(deleted), FlintJson.Serialize(await customer.Create(new CustomerRequest { Name = "Ada" })));
    }

    [Fact]
    public async Task A_retried_create_answers_with_the_object_that_exists_and_writes_nothing()
    {
        var coupon = Grain<ICouponGrain>(FlintId.New(IdPrefix.Coupon));
        var first = await coupon.Create(new CouponRequest { Code = "ONCE", DiscountType = "percentage", PercentOff = "10" });

        var again = await coupon.Create(new CouponRequest { Code = "OTHER", DiscountType = "percentage", PercentOff = "50" });

        Assert.Equal(FlintJson.Serialize(first), FlintJson.Serialize(again));
        Assert.Equal(1, (await coupon.Get()).Version);
    }
}
