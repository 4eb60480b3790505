namespace Flint.Domain.Catalog;

/// <summary>How tax rules classify a product; wire form snake_case (<c>physical_goods</c>, <c>prepared_food</c>, …).</summary>
public enum TaxCategory
{
    General,
    PhysicalGoods,
    DigitalGoods,
    Software,
    Saas,
    Services,
    ProfessionalServices,
    Food,
    PreparedFood,
    Clothing,
    MedicalGoods,
    Admission,
}
