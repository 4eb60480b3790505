namespace Flint.Domain.Tests.Common;

public sealed class MetadataTests
{
    private static Dictionary<string, string> Keys(int count, string value = "v") =>
        Enumerable.Range(0, count).ToDictionary(i => $"key{i}", _ => value);

    [Fact]
    public void Omitted_metadata_is_valid() => Metadata.Validate(null);

    [Fact]
    public void Fifty_keys_are_allowed_and_fifty_one_are_INVALID_METADATA()
    {
        Metadata.Validate(Keys(50));
        var error = Expect.Error("INVALID_METADATA", () => Metadata.Validate(Keys(51)));
        Assert.Equal("metadata", error.Param);
    }

    [Fact]
    public void A_key_of_40_characters_is_allowed_and_41_is_INVALID_METADATA()
    {
        Metadata.Validate(new Dictionary<string, string> { [new string('k', 40)] = "v" });
        var key = new string('k', 41);
        var error = Expect.Error("INVALID_METADATA", () => Metadata.Validate(new Dictionary<string, string> { [key] = "v" }));
        Assert.Equal($"metadata.{key}", error.Param);
    }

    [Fact]
    public void An_empty_key_is_INVALID_METADATA() =>
        Expect.Error("INVALID_METADATA", () => Metadata.Validate(new Dictionary<string, string> { [""] = "v" }));

    [Fact]
    public void A_value_of_500_characters_is_allowed_and_501_is_INVALID_METADATA()
    {
        Metadata.Validate(new Dictionary<string, string> { ["note"] = new string('v', 500) });
        var error = Expect.Error(
            "INVALID_METADATA",
            () => Metadata.Validate(new Dictionary<string, string> { ["note"] = new string('v', 501) }, "line_items[0].metadata"));
        Assert.Equal("line_items[0].metadata.note", error.Param);
    }

    [Fact]
    public void An_empty_patch_clears_all_metadata() =>
        Assert.Empty(Metadata.Merge(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, new Dictionary<string, string>()));

    [Fact]
    public void Merging_sets_new_keys_overwrites_existing_ones_and_keeps_the_rest()
    {
        var current = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        var merged = Metadata.Merge(current, new Dictionary<string, string> { ["b"] = "20", ["c"] = "3" });

        Assert.Equal([new("a", "1"), new("b", "20"), new KeyValuePair<string, string>("c", "3")], merged.ToList());
        Assert.Equal("2", current["b"]); // the current value is not mutated
    }

    [Fact]
    public void An_empty_string_value_deletes_that_key()
    {
        var merged = Metadata.Merge(
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
            new Dictionary<string, string> { ["a"] = "" });

        Assert.Equal([new KeyValuePair<string, string>("b", "2")], merged.ToList());
    }

    [Fact]
    public void Deleting_a_key_that_does_not_exist_is_harmless() =>
        Assert.Empty(Metadata.Merge(Metadata.Empty, new Dictionary<string, string> { ["ghost"] = "" }));

    [Fact]
    public void A_merge_that_would_leave_51_keys_is_INVALID_METADATA() =>
        Expect.Error("INVALID_METADATA", () => Metadata.Merge(Keys(50), new Dictionary<string, string> { ["extra"] = "v" }));

    [Fact]
    public void A_merge_that_deletes_as_many_keys_as_it_adds_stays_within_50()
    {
        var patch = new Dictionary<string, string> { ["key0"] = "", ["extra"] = "v" };

        var merged = Metadata.Merge(Keys(50), patch);

        Assert.Equal(50, merged.Count);
        Assert.False(merged.ContainsKey("key0"));
        Assert.Equal("v", merged["extra"]);
    }

    [Fact]
    public void A_patch_value_over_500_characters_is_INVALID_METADATA() =>
        Expect.Error("INVALID_METADATA", () => Metadata.Merge(Metadata.Empty, new Dictionary<string, string> { ["k"] = new string('v', 501) }));
}
