using Flint.Domain.Catalog;

namespace Flint.Domain.Tests.Catalog;

public sealed class BundleAvailabilityTests
{
    [Fact]
    public void Ten_of_a_one_per_bundle_part_and_four_of_a_two_per_bundle_part_make_two_bundles() =>
        Assert.Equal((2L, true), BundleAvailability.Compute([(1, 10L), (2, 4L)]));

    [Fact]
    public void One_in_stock_of_a_part_needed_twice_makes_no_bundle() =>
        Assert.Equal((0L, false), BundleAvailability.Compute([(2, 1L)]));

    [Fact]
    public void Leftover_stock_is_floored() =>
        Assert.Equal((3L, true), BundleAvailability.Compute([(3, 11L)]));

    [Fact]
    public void Negative_stock_counts_as_zero() =>
        Assert.Equal((0L, false), BundleAvailability.Compute([(1, -5L), (1, 100L)]));

    [Fact]
    public void A_bundle_without_components_is_not_available() =>
        Assert.Equal((0L, false), BundleAvailability.Compute([]));

    [Fact]
    public void A_component_quantity_below_one_is_a_programming_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BundleAvailability.Compute([(0, 10L)]));

    [Fact]
    public void A_component_not_for_sale_supplies_nothing_and_keeps_the_bundle_off_sale()
    {
        BundleComponentStock[] parts = [new(1, 10, Sellable: true), new(2, 8, Sellable: false)];

        Assert.Equal([10L, 0L], parts.Select(p => p.Supply));
        Assert.Equal(new BundleStock(0, false), BundleAvailability.For(CatalogStatus.Active, parts));
    }

    [Fact]
    public void A_component_shows_its_negative_stock_but_supplies_no_bundle() =>
        Assert.Equal((-3L, new BundleStock(0, false)),
            (new BundleComponentStock(1, -3, true).Supply, BundleAvailability.For(CatalogStatus.Active, [new(1, -3, true)])));

    [Theory]
    [InlineData(CatalogStatus.Active, true)]
    [InlineData(CatalogStatus.Inactive, false)]
    [InlineData(CatalogStatus.Deleted, false)]
    public void Only_an_active_bundle_is_available_for_sale_but_its_quantity_counts_either_way(CatalogStatus status, bool forSale) =>
        Assert.Equal(new BundleStock(2, forSale), BundleAvailability.For(status, [new(1, 10, true), new(2, 4, true)]));
}
