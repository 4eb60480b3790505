using Flint.Domain.Catalog;

namespace Flint.Domain.Tests.Catalog;

public sealed class ModifierSetRulesTests
{
    private static readonly string[] Toppings = ["mopt_cheese", "mopt_onion", "mopt_bacon"];

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 3, 3)]
    [InlineData(1, 1, 3)]
    [InlineData(2, 3, 3)]
    public void Zero_up_to_min_up_to_max_up_to_option_count_is_a_valid_definition(int min, int max, int count) =>
        ModifierSetRules.ValidateDefinition(min, max, count);

    [Theory]
    [InlineData(-1, 1, 3, "min_selections")]
    [InlineData(2, 1, 3, "max_selections")]
    [InlineData(1, 4, 3, "max_selections")]
    public void Any_other_definition_is_INVALID_MODIFIER_SELECTION_RANGE(int min, int max, int count, string param)
    {
        var error = Expect.Error("INVALID_MODIFIER_SELECTION_RANGE", () => ModifierSetRules.ValidateDefinition(min, max, count));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Picking_within_the_range_from_the_set_is_valid() =>
        ModifierSetRules.ValidateSelection(1, 2, ["mopt_cheese", "mopt_bacon"], Toppings);

    [Fact]
    public void Picking_nothing_from_an_optional_set_is_valid() =>
        ModifierSetRules.ValidateSelection(0, 2, [], Toppings);

    [Fact]
    public void Picking_fewer_than_the_minimum_is_INVALID_MODIFIER_SELECTION()
    {
        var error = Expect.Error("INVALID_MODIFIER_SELECTION", () => ModifierSetRules.ValidateSelection(1, 2, [], Toppings, "line_items[0].modifiers"));
        Assert.Equal("line_items[0].modifiers", error.Param);
    }

    [Fact]
    public void Picking_more_than_the_maximum_is_INVALID_MODIFIER_SELECTION() =>
        Expect.Error("INVALID_MODIFIER_SELECTION", () => ModifierSetRules.ValidateSelection(0, 2, Toppings, Toppings));

    [Fact]
    public void Picking_an_option_of_another_set_is_UNKNOWN_MODIFIER_OPTION()
    {
        var error = Expect.Error("UNKNOWN_MODIFIER_OPTION", () => ModifierSetRules.ValidateSelection(0, 2, ["mopt_cheese", "mopt_ketchup"], Toppings));
        Assert.Equal("modifier_option_ids[1]", error.Param);
    }

    [Fact]
    public void Picking_the_same_option_twice_is_DUPLICATE_MODIFIER_OPTION() =>
        Expect.Error("DUPLICATE_MODIFIER_OPTION", () => ModifierSetRules.ValidateSelection(0, 3, ["mopt_cheese", "mopt_cheese"], Toppings));
}
