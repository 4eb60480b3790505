using Flint.Domain.Catalog;

namespace Flint.Domain.Tests.Catalog;

public sealed class ProductOptionsTests
{
    private static readonly ProductOption Size = new("Size", ["S", "M", "L"]);
    private static readonly ProductOption Color = new("Color", ["Red", "Blue"]);

    private static IReadOnlyDictionary<string, string> Pick(params (string Option, string Value)[] picks) =>
        picks.ToDictionary(p => p.Option, p => p.Value);

    [Fact]
    public void Variants_covering_distinct_combinations_are_valid() =>
        ProductOptions.Validate(
            [Size, Color],
            [Pick(("Size", "S"), ("Color", "Red")), Pick(("Size", "S"), ("Color", "Blue")), Pick(("Size", "L"), ("Color", "Red"))]);

    [Fact]
    public void A_product_without_options_can_have_one_variant() =>
        ProductOptions.Validate([], [Pick()]);

    [Fact]
    public void A_product_without_options_cannot_have_two_variants() =>
        Expect.Error("DUPLICATE_VARIANT_COMBINATION", () => ProductOptions.Validate([], [Pick(), Pick()]));

    [Fact]
    public void Two_variants_with_the_same_combination_are_DUPLICATE_VARIANT_COMBINATION_at_the_later_one()
    {
        var error = Expect.Error(
            "DUPLICATE_VARIANT_COMBINATION",
            () => ProductOptions.Validate(
                [Size, Color],
                [Pick(("Size", "S"), ("Color", "Red")), Pick(("Size", "M"), ("Color", "Red")), Pick(("Color", "Red"), ("Size", "S"))]));

        Assert.Equal("variants[2].option_values", error.Param);
        Assert.Contains("Size=S / Color=Red", error.Message);
    }

    [Fact]
    public void A_variant_without_a_value_for_every_option_is_MISSING_OPTION_VALUE()
    {
        var error = Expect.Error(
            "MISSING_OPTION_VALUE",
            () => ProductOptions.Validate([Size, Color], [Pick(("Size", "S"), ("Color", "Red")), Pick(("Size", "M"))]));

        Assert.Equal("variants[1].option_values", error.Param);
        Assert.Contains("\"Color\"", error.Message);
    }

    [Fact]
    public void A_value_the_option_does_not_offer_is_UNKNOWN_OPTION_VALUE()
    {
        var error = Expect.Error(
            "UNKNOWN_OPTION_VALUE",
            () => ProductOptions.Validate([Size, Color], [Pick(("Size", "XL"), ("Color", "Red"))]));

        Assert.Equal("variants[0].option_values.Size", error.Param);
        Assert.Contains("S, M, L", error.Message);
    }

    [Fact]
    public void Option_values_must_match_exactly_including_case() =>
        Expect.Error("UNKNOWN_OPTION_VALUE", () => ProductOptions.Validate([Color], [Pick(("Color", "red"))]));

    [Fact]
    public void A_variant_naming_an_option_the_product_lacks_is_UNKNOWN_OPTION()
    {
        var error = Expect.Error(
            "UNKNOWN_OPTION",
            () => ProductOptions.Validate([Size], [Pick(("Size", "S"), ("Material", "Wool"))]));

        Assert.Equal("variants[0].option_values.Material", error.Param);
    }

    [Fact]
    public void Four_options_are_TOO_MANY_OPTIONS()
    {
        ProductOption[] options = [Size, Color, new("Material", ["Wool"]), new("Fit", ["Slim"])];

        Expect.Error("TOO_MANY_OPTIONS", () => ProductOptions.Validate(options, []));
    }

    [Fact]
    public void Option_names_differing_only_in_case_are_DUPLICATE_OPTION_NAME()
    {
        var error = Expect.Error("DUPLICATE_OPTION_NAME", () => ProductOptions.Validate([Size, new("size", ["XS"])], []));
        Assert.Equal("options[1].name", error.Param);
    }

    [Fact]
    public void An_option_without_values_is_INVALID_OPTION_VALUES()
    {
        var error = Expect.Error("INVALID_OPTION_VALUES", () => ProductOptions.Validate([new("Size", [])], []));
        Assert.Equal("options[0].values", error.Param);
    }

    [Fact]
    public void An_option_with_101_values_is_INVALID_OPTION_VALUES() =>
        Expect.Error(
            "INVALID_OPTION_VALUES",
            () => ProductOptions.Validate([new("Size", Enumerable.Range(0, 101).Select(i => $"v{i}").ToList())], []));

    [Fact]
    public void An_option_listing_a_value_twice_is_DUPLICATE_OPTION_VALUE()
    {
        var error = Expect.Error("DUPLICATE_OPTION_VALUE", () => ProductOptions.Validate([new("Color", ["Red", "RED"])], []));
        Assert.Equal("options[0].values[1]", error.Param);
    }

    [Fact]
    public void An_option_name_of_256_characters_is_FIELD_TOO_LONG()
    {
        var error = Expect.Error("FIELD_TOO_LONG", () => ProductOptions.Validate([new(new string('n', 256), ["a"])], []));
        Assert.Equal("options[0].name", error.Param);
    }

    [Fact]
    public void An_empty_option_value_is_FIELD_TOO_SHORT() =>
        Expect.Error("FIELD_TOO_SHORT", () => ProductOptions.Validate([new("Color", ["Red", ""])], []));

    [Fact]
    public void Values_containing_separator_like_text_do_not_collide()
    {
        ProductOption a = new("A", ["x", "x:1"]);
        ProductOption b = new("B", ["1:y", "y"]);

        ProductOptions.Validate([a, b], [Pick(("A", "x"), ("B", "1:y")), Pick(("A", "x:1"), ("B", "y"))]);
    }
}
