namespace Flint.Domain.Tests.Common;

public sealed class TextTests
{
    [Fact]
    public void An_omitted_clearable_string_keeps_the_current_value() =>
        Assert.Equal("Old description", Text.Clearable(null, "Old description"));

    [Fact]
    public void An_empty_clearable_string_clears_the_value() =>
        Assert.Null(Text.Clearable("", "Old description"));

    [Fact]
    public void A_present_clearable_string_replaces_the_value() =>
        Assert.Equal("New", Text.Clearable("New", "Old description"));

    [Fact]
    public void A_clearable_string_over_its_limit_is_FIELD_TOO_LONG()
    {
        Assert.Null(Text.Clearable("", "x", "description", 5));
        Assert.Equal("12345", Text.Clearable("12345", "x", "description", 5));
        var error = Expect.Error("FIELD_TOO_LONG", () => Text.Clearable("123456", "x", "description", 5));
        Assert.Equal("description", error.Param);
    }

    [Fact]
    public void An_omitted_required_string_keeps_the_current_value() =>
        Assert.Equal("T-shirt", Text.Required(null, "T-shirt", "name", 1, 255));

    [Fact]
    public void A_present_required_string_replaces_the_value() =>
        Assert.Equal("Hoodie", Text.Required("Hoodie", "T-shirt", "name", 1, 255));

    [Fact]
    public void An_empty_string_cannot_clear_a_required_field() =>
        Expect.Error("FIELD_TOO_SHORT", () => Text.Required("", "T-shirt", "name", 1, 255));

    [Fact]
    public void A_required_string_over_its_limit_is_FIELD_TOO_LONG() =>
        Expect.Error("FIELD_TOO_LONG", () => Text.Required(new string('x', 256), "T-shirt", "name", 1, 255));
}
