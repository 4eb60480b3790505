using Flint.Domain.Catalog;
using Flint.Domain.Inventory;

namespace Flint.Domain.Tests.Common;

public sealed class SnakeCaseTests
{
    [Theory]
    [InlineData("PhysicalGoods", "physical_goods")]
    [InlineData("Saas", "saas")]
    [InlineData("Active", "active")]
    [InlineData("ProfessionalServices", "professional_services")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("Level2Support", "level2_support")]
    public void Pascal_names_become_lowercase_snake_case(string pascal, string snake) =>
        Assert.Equal(snake, SnakeCase.ToSnake(pascal));

    [Theory]
    [InlineData("physical_goods", "PhysicalGoods")]
    [InlineData("saas", "Saas")]
    public void Snake_names_become_pascal_case(string snake, string pascal) =>
        Assert.Equal(pascal, SnakeCase.ToPascal(snake));

    [Fact]
    public void Enum_values_have_their_snake_case_wire_form()
    {
        Assert.Equal("physical_goods", SnakeCase.ToSnake(TaxCategory.PhysicalGoods));
        Assert.Equal("prepared_food", SnakeCase.ToSnake(TaxCategory.PreparedFood));
        Assert.Equal("received_stock", SnakeCase.ToSnake(InventoryChangeReason.ReceivedStock));
        Assert.Equal("deleted", SnakeCase.ToSnake(CatalogStatus.Deleted));
    }

    [Fact]
    public void Every_enum_member_round_trips_through_its_wire_form()
    {
        foreach (var category in Enum.GetValues<TaxCategory>())
        {
            Assert.True(SnakeCase.TryParse<TaxCategory>(SnakeCase.ToSnake(category), out var parsed));
            Assert.Equal(category, parsed);
        }
    }

    [Theory]
    [InlineData("PhysicalGoods")]
    [InlineData("PHYSICAL_GOODS")]
    [InlineData("physical-goods")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_the_exact_snake_case_spelling_parses(string? value) =>
        Assert.False(SnakeCase.TryParse<TaxCategory>(value, out _));

    [Fact]
    public void A_wire_name_Flint_wrote_parses_back_and_compares_to_its_member()
    {
        Assert.Equal(TaxCategory.PhysicalGoods, SnakeCase.Parse<TaxCategory>("physical_goods"));
        Assert.Throws<ArgumentException>(() => SnakeCase.Parse<TaxCategory>("Physical"));
        Assert.True(SnakeCase.Is("physical_goods", TaxCategory.PhysicalGoods));
        Assert.False(SnakeCase.Is("physical_goods", TaxCategory.PreparedFood));
        Assert.False(SnakeCase.Is("PhysicalGoods", TaxCategory.PhysicalGoods));
        Assert.False(SnakeCase.Is(null, TaxCategory.PhysicalGoods));
    }

    [Fact]
    public void Names_are_listed_in_declaration_order() =>
        Assert.Equal(["physical", "service", "fee", "digital"], SnakeCase.Names<ProductType>());
}
