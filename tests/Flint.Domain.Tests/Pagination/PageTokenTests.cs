using System.Buffers.Text;
using System.Text;

namespace Flint.Domain.Tests.Pagination;

public sealed class PageTokenTests
{
    private static readonly PageCursor Cursor = new(
        "created_at", "desc", "fp1", "2026-11-23T09:15:00.000Z", "prod_01JD3XK5W4Q8Z6N2R7B9C1V0TE");

    [Fact]
    public void A_token_decodes_to_the_cursor_it_was_made_from()
    {
        var token = PageToken.Encode(Cursor);

        Assert.Equal(Cursor, PageToken.Decode(token, "created_at", "desc", "fp1"));
    }

    [Fact]
    public void A_token_survives_awkward_sort_values()
    {
        var cursor = Cursor with { LastSortValue = "Ünïcødé \"quoted\" / + = & ?", SortBy = "name" };

        Assert.Equal(cursor, PageToken.Decode(PageToken.Encode(cursor), "name", "desc", "fp1"));
    }

    [Fact]
    public void A_token_is_url_safe() =>
        Assert.Matches("^[A-Za-z0-9_-]+$", PageToken.Encode(Cursor));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_token_means_the_first_page(string? token) =>
        Assert.Null(PageToken.Decode(token, "created_at", "desc", "fp1"));

    [Theory]
    [InlineData("abc")]
    [InlineData("!!!not-base64!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJzIjoiY3JlYXRlZF9hdCJ9")] // plain JSON, no version or MAC
    public void Garbage_is_INVALID_PAGE_TOKEN(string token)
    {
        var error = Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(token, "created_at", "desc", "fp1"));
        Assert.Equal("page_token", error.Param);
    }

    [Fact]
    public void Changing_any_byte_of_a_token_makes_it_INVALID_PAGE_TOKEN()
    {
        var bytes = Base64Url.DecodeFromChars(PageToken.Encode(Cursor));
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;

            Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(Base64Url.EncodeToString(tampered), "created_at", "desc", "fp1"));
        }
    }

    [Fact]
    public void Editing_the_last_id_inside_the_payload_is_detected()
    {
        var bytes = Base64Url.DecodeFromChars(PageToken.Encode(Cursor));
        var text = Encoding.Latin1.GetString(bytes).Replace("prod_01JD3", "prod_01JD4", StringComparison.Ordinal);

        Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(Base64Url.EncodeToString(Encoding.Latin1.GetBytes(text)), "created_at", "desc", "fp1"));
    }

    [Fact]
    public void A_token_used_with_another_sort_by_is_INVALID_PAGE_TOKEN()
    {
        var error = Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(PageToken.Encode(Cursor), "name", "desc", "fp1"));
        Assert.Contains("sort_by=created_at", error.Message);
    }

    [Fact]
    public void A_token_used_with_another_sort_direction_is_INVALID_PAGE_TOKEN() =>
        Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(PageToken.Encode(Cursor), "created_at", "asc", "fp1"));

    [Fact]
    public void A_token_used_with_other_filters_is_INVALID_PAGE_TOKEN() =>
        Expect.Error("INVALID_PAGE_TOKEN", () => PageToken.Decode(PageToken.Encode(Cursor), "created_at", "desc", "fp2"));

    [Fact]
    public void The_filter_fingerprint_ignores_order_and_unset_filters()
    {
        var a = PageToken.Fingerprint([new("status", "active"), new("query", "shirt"), new("created_after", null)]);
        var b = PageToken.Fingerprint([new("query", "shirt"), new("status", "active")]);

        Assert.Equal(a, b);
        Assert.NotEqual(a, PageToken.Fingerprint([new("query", "shirts"), new("status", "active")]));
        Assert.NotEqual(
            PageToken.Fingerprint([new("a", "b=c")]),
            PageToken.Fingerprint([new("a", "b"), new("c", "")]));
    }
}

public sealed class PageSizeTests
{
    [Theory]
    [InlineData(null, 20)]
    [InlineData("", 20)]
    [InlineData("1", 1)]
    [InlineData("50", 50)]
    [InlineData("100", 100)]
    public void Valid_page_sizes_parse_and_absent_means_20(string? raw, int expected) =>
        Assert.Equal(expected, PageSize.Parse(raw));

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5.0")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    public void Other_page_sizes_are_INVALID_PAGE_SIZE(string raw)
    {
        var error = Expect.Error("INVALID_PAGE_SIZE", () => PageSize.Parse(raw));
        Assert.Equal("page_size", error.Param);
    }
}
