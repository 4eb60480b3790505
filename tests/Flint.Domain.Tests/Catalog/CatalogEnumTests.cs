using Flint.Domain.Catalog;

namespace Flint.Domain.Tests.Catalog;

public sealed class CatalogEnumTests
{
    [Fact]
    public void Tax_categories_have_their_documented_wire_names() =>
        Assert.Equal(
            ["general", "physical_goods", "digital_goods", "software", "saas", "services", "professional_services",
             "food", "prepared_food", "clothing", "medical_goods", "admission"],
            SnakeCase.Names<TaxCategory>());

    [Fact]
    public void Catalog_statuses_are_active_inactive_deleted() =>
        Assert.Equal(["active", "inactive", "deleted"], SnakeCase.Names<CatalogStatus>());
}
