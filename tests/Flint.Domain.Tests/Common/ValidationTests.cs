using Flint.Domain.Catalog;

namespace Flint.Domain.Tests.Common;

public sealed class ValidationTests
{
    [Fact]
    public void A_missing_required_string_is_MISSING_REQUIRED_FIELD_at_its_path()
    {
        var error = Expect.Error("MISSING_REQUIRED_FIELD", () => Validation.RequireLength(null, "name", 1, 255));
        Assert.Equal("name", error.Param);
    }

    [Fact]
    public void An_empty_string_where_one_character_is_needed_is_FIELD_TOO_SHORT() =>
        Expect.Error("FIELD_TOO_SHORT", () => Validation.RequireLength("", "name", 1, 255));

    [Fact]
    public void A_256_character_name_with_limit_255_is_FIELD_TOO_LONG()
    {
        Assert.Equal(new string('a', 255), Validation.RequireLength(new string('a', 255), "name", 1, 255));
        var error = Expect.Error("FIELD_TOO_LONG", () => Validation.RequireLength(new string('a', 256), "variants[1].sku", 1, 255));
        Assert.Equal("variants[1].sku", error.Param);
    }

    [Fact]
    public void Length_counts_an_emoji_as_one_character()
    {
        var threeEmoji = "😀😀😀"; // 6 UTF-16 units
        Assert.Equal(3, Validation.CharacterCount(threeEmoji));
        Assert.Equal(threeEmoji, Validation.RequireLength(threeEmoji, "name", 1, 3));
    }

    [Fact]
    public void A_NUL_character_is_INVALID_FIELD_because_PostgreSQL_text_cannot_hold_it() =>
        Expect.Error("INVALID_FIELD", () => Validation.RequireLength("a\0b", "name", 1, 255));

    [Fact]
    public void A_number_outside_its_bounds_is_VALUE_OUT_OF_RANGE()
    {
        Assert.Equal(5, Validation.RequireRange(5, 1, 10, "quantity"));
        Assert.Equal(1, Validation.RequireRange(1, 1, 10, "quantity"));
        Assert.Equal(10, Validation.RequireRange(10, 1, 10, "quantity"));
        var error = Expect.Error("VALUE_OUT_OF_RANGE", () => Validation.RequireRange(0, 1, 10, "quantity"));
        Assert.Equal("quantity", error.Param);
        Expect.Error("VALUE_OUT_OF_RANGE", () => Validation.RequireRange(11, 1, 10, "quantity"));
    }

    [Fact]
    public void A_snake_case_enum_value_parses() =>
        Assert.Equal(TaxCategory.DigitalGoods, Validation.ParseSnakeEnum<TaxCategory>("digital_goods", "tax_category"));

    [Fact]
    public void An_unknown_enum_value_is_INVALID_ENUM_VALUE_listing_the_allowed_values()
    {
        var error = Expect.Error("INVALID_ENUM_VALUE", () => Validation.ParseSnakeEnum<ProductType>("Physical", "type"));

        Assert.Equal("type", error.Param);
        Assert.Contains("physical, service, fee, digital", error.Message);
    }

    [Fact]
    public void A_value_outside_the_allowed_subset_is_INVALID_ENUM_VALUE()
    {
        CatalogStatus[] settable = [CatalogStatus.Active, CatalogStatus.Inactive];

        Assert.Equal(CatalogStatus.Inactive, Validation.ParseSnakeEnum("inactive", "status", settable));
        var error = Expect.Error("INVALID_ENUM_VALUE", () => Validation.ParseSnakeEnum("deleted", "status", settable));
        Assert.Contains("active, inactive", error.Message);
        Assert.DoesNotContain("deleted,", error.Message);
    }

    [Fact]
    public void A_missing_enum_value_is_MISSING_REQUIRED_FIELD() =>
        Expect.Error("MISSING_REQUIRED_FIELD", () => Validation.ParseSnakeEnum<ProductType>(null, "type"));
}
