namespace Flint.Domain.Tests.Ids;

public sealed class FlintIdTests
{
    private const string UlidPattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$";

    [Fact]
    public void A_new_order_id_is_ord_underscore_and_26_Crockford_base32_characters()
    {
        var id = FlintId.New(IdPrefix.Order);

        Assert.StartsWith("ord_", id);
        Assert.Matches(UlidPattern, id[4..]);
        Assert.True(FlintId.IsValid(id, IdPrefix.Order));
    }

    [Fact]
    public void The_first_ten_characters_encode_the_millisecond_timestamp()
    {
        Assert.StartsWith("prod_0000000000", FlintId.New(IdPrefix.Product, new ManualClock(DateTimeOffset.UnixEpoch)));
        Assert.StartsWith("prod_76EZ91ZPZZ", FlintId.New(IdPrefix.Product, new ManualClock(DateTimeOffset.MaxValue)));
    }

    [Fact]
    public void A_hand_made_id_beyond_year_9999_is_well_formed_but_has_no_readable_timestamp()
    {
        const string id = "ord_7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

        Assert.True(FlintId.IsValid(id, IdPrefix.Order));
        Assert.False(FlintId.TryGetTimestamp(id, IdPrefix.Order, out _));
    }

    [Fact]
    public void The_timestamp_can_be_read_back()
    {
        var createdAt = new DateTimeOffset(2026, 11, 23, 9, 15, 0, 123, TimeSpan.Zero);
        var id = FlintId.New(IdPrefix.Payment, new ManualClock(createdAt));

        Assert.True(FlintId.TryGetTimestamp(id, IdPrefix.Payment, out var read));
        Assert.Equal(createdAt, read);
        Assert.False(FlintId.TryGetTimestamp("pay_nope", IdPrefix.Payment, out _));
    }

    [Fact]
    public void Ids_made_later_sort_after_ids_made_earlier()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var earlier = FlintId.New(IdPrefix.Customer, clock);
        clock.Now = clock.Now.AddMilliseconds(1);
        var later = FlintId.New(IdPrefix.Customer, clock);

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_keep_creation_order_and_never_repeat()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 10_000).Select(_ => FlintId.New(IdPrefix.Event, clock)).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_made_with_the_system_clock_in_a_tight_loop_are_strictly_increasing()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => FlintId.New(IdPrefix.LineItem)).ToList();

        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_from_many_threads_are_all_distinct()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 20_000, _ => ids.Add(FlintId.New(IdPrefix.Reservation)));

        Assert.Equal(20_000, ids.Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ord_")]
    [InlineData("var_01JD3XK5W4Q8Z6N2R7B9C1V0TE")] // other prefix
    [InlineData("ord01JD3XK5W4Q8Z6N2R7B9C1V0TE")] // no underscore
    [InlineData("ord_01jd3xk5w4q8z6n2r7b9c1v0te")] // lower case
    [InlineData("ord_01JD3XK5W4Q8Z6N2R7B9C1V0T")] // 25 characters
    [InlineData("ord_01JD3XK5W4Q8Z6N2R7B9C1V0TEE")] // 27 characters
    [InlineData("ord_01JD3XK5W4Q8Z6N2R7B9C1V0TI")] // I is not Crockford
    [InlineData("ord_01JD3XK5W4Q8Z6N2R7B9C1V0TU")] // U is not Crockford
    [InlineData("ord_81JD3XK5W4Q8Z6N2R7B9C1V0TE")] // more than 128 bits
    [InlineData(" ord_01JD3XK5W4Q8Z6N2R7B9C1V0TE")]
    public void Malformed_ids_are_not_valid(string? id) =>
        Assert.False(FlintId.IsValid(id, IdPrefix.Order));

    [Fact]
    public void A_well_formed_id_with_the_right_prefix_is_valid() =>
        Assert.True(FlintId.IsValid("ord_01JD3XK5W4Q8Z6N2R7B9C1V0TE", IdPrefix.Order));

    [Fact]
    public void Validating_a_body_reference_with_the_wrong_prefix_is_INVALID_ID()
    {
        Assert.Equal("prod_01JD3XK5W4Q8Z6N2R7B9C1V0TE", FlintId.Validate("prod_01JD3XK5W4Q8Z6N2R7B9C1V0TE", IdPrefix.Product, "product_id"));
        var error = Expect.Error("INVALID_ID", () => FlintId.Validate("var_01JD3XK5W4Q8Z6N2R7B9C1V0TE", IdPrefix.Product, "product_id"));
        Assert.Equal("product_id", error.Param);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ord")]
    [InlineData("ord_")]
    public void A_malformed_prefix_is_a_programming_error(string prefix) =>
        Assert.ThrowsAny<ArgumentException>(() => FlintId.New(prefix));

    [Fact]
    public void Every_prefix_constant_makes_valid_ids()
    {
        var prefixes = typeof(IdPrefix).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(32, prefixes.Count);
        Assert.Equal(prefixes.Count, prefixes.Distinct().Count());
        Assert.All(prefixes, p => Assert.True(FlintId.IsValid(FlintId.New(p), p)));
    }
}
