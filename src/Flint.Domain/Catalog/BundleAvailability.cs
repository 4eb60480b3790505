namespace Flint.Domain.Catalog;

/// <summary>How many of a bundle can be sold, derived from its components' stock (a bundle holds no stock itself).</summary>
public static class BundleAvailability
{
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
