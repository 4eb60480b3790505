namespace Flint.Domain.Catalog;

/// <summary>One component of a bundle as availability sees it: how many go into one bundle, and its variant's stock.</summary>
/// <param name="Available">The variant's available stock (may be negative when it does not enforce its limit).</param>
/// <param name="Sellable">False for a variant of an inactive or deleted product, or one removed from it.</param>
public readonly record struct BundleComponentStock(long QuantityPerBundle, long Available, bool Sellable)
{
    /// <summary>What the component can supply: its stock while it is for sale, nothing otherwise. This is the
    /// component's <c>quantity_available</c> in a bundle.</summary>
    public long Supply => Sellable ? Available : 0;
}

/// <summary>A bundle's <c>quantity_available</c> and <c>available_for_sale</c>.</summary>
public readonly record struct BundleStock(long QuantityAvailable, bool AvailableForSale);

/// <summary>How many of a bundle can be sold, derived from its components' stock (a bundle holds no stock itself).
/// The one place this is decided: the bundle grain (reads by id) and the bundle list (from the inventory projections)
/// both ask <see cref="For"/>.</summary>
public static class BundleAvailability
{
    /// <summary>
    /// The bundle's availability: <see cref="Compute"/> over what each component can supply, and for sale only while
    /// the bundle itself is active.
    /// </summary>
    public static BundleStock For(CatalogStatus bundleStatus, IReadOnlyList<BundleComponentStock> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var (quantity, forSale) = Compute(components.Select(c => (checked((int)c.QuantityPerBundle), c.Supply)).ToList());
        return new BundleStock(quantity, forSale && bundleStatus == CatalogStatus.Active);
    }

    /// <summary>
    /// Quantity = min over components of floor(stock / quantity per bundle), with negative stock (possible when a
    /// variant does not enforce its limit) counted as 0. Available for sale only when every component can supply at
    /// least one bundle's worth. A bundle with no components cannot be sold: 0 / false.
    /// </summary>
    public static (long QuantityAvailable, bool AvailableForSale) Compute(
        IReadOnlyList<(int ComponentQuantity, long StockAvailable)> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == 0)
        {
            return (0, false);
        }

        var quantity = long.MaxValue;
        foreach (var (componentQuantity, stockAvailable) in components)
        {
            if (componentQuantity <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(components), componentQuantity, "A bundle component's quantity must be at least 1.");
            }

            quantity = Math.Min(quantity, Math.Max(stockAvailable, 0) / componentQuantity);
        }

        return (quantity, quantity > 0);
    }
}
