using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Orders;

namespace Flint.Grains.Tax;

/// <summary>A tax rate as the order calculator takes it.</summary>
public static class TaxRateTerms
{
    public static OrderTaxRate ToOrderTaxRate(this TaxRateView rate) => new(
        rate.TaxRateId,
        rate.Name,
        Percentage.Parse(rate.Percentage, "percentage", Percentage.TaxDecimals),
        Validation.ParseSnakeEnum<TaxInclusion>(rate.Inclusion, "inclusion"),
        rate.TaxCategories);
}
