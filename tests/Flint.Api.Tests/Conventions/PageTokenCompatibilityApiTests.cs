using Flint.Api.Tests.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Tests.Conventions;

/// <summary>
/// A page token ties its cursor to the list's filters by a fingerprint. The lists moved from the host to
/// Flint.Persistence (issue #12); these fingerprints were computed by the host's list code before the move, so a
/// client walking a list across that upgrade keeps paging instead of getting 400 INVALID_PAGE_TOKEN.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PageTokenCompatibilityApiTests(ApiFixture f)
{
    public static TheoryData<string, string> IssuedBeforeTheMove => new()
    {
        { "/v1/products?", "product|0C76BB92E669A3FE" },
        {
            "/v1/products?query=Tee%2050%25_x&status=active&product_type=physical&category=shirts&only_in_stock=true" +
            "&created_after=2026-01-02T03:04:05Z&updated_before=2026-02-03T04:05:06.789%2B02:00&",
            "product|26A34CAE77FE5F63"
        },
        { "/v1/bundles?category=gifts&status=deleted&", "bundle|6FEDB055BFCA3A69" },
        { "/v1/modifier-sets?", "modifier_set|0C76BB92E669A3FE" },
        { "/v1/coupons?query=SPRING&", "coupon|2E50DDDDD6F01EE3" },
        { "/v1/customers?query=bob&created_before=2026-03-01T00:00:00Z&", "customer|188C782D99EE82AC" },
        { "/v1/orders?", "order|E3B0C44298FC1C14" },
        // The same filter as a customer's order history (GET /v1/customers/cus_1/orders?updated_after=…).
        { "/v1/orders?customer_id=cus_1&updated_after=2026-03-01T00:00:00Z&", "order|4349AD9E7F468DE8" },
        { "/v1/orders?status=paid&customer_id=cus_1&source=payment_link&", "order|AE5AB85F8F0BD496" },
        { "/v1/payments?status=succeeded&order_id=ord_1&customer_id=cus_2&", "payment|ABA75C060F3C0578" },
        { "/v1/refunds?", "refund|E3B0C44298FC1C14" },
    };

    [Theory]
    [MemberData(nameof(IssuedBeforeTheMove))]
    public async Task A_page_token_issued_before_the_lists_moved_still_pages_on(string listWithFilters, string fingerprint)
    {
        var before = Token(fingerprint);
        var r = await f.A.Get($"{listWithFilters}page_size=1&page_token={before}");
        Assert.True(r.Status == 200, r.ToString());

        // The check is live: the same cursor under other filters is refused.
        var other = Token(fingerprint + "0");
        (await f.A.Get($"{listWithFilters}page_size=1&page_token={other}")).AssertError(400, "INVALID_PAGE_TOKEN", "page_token");
    }

    private static string Token(string fingerprint) =>
        PageToken.Encode(new PageCursor("created_at", "desc", fingerprint, "2026-01-01T00:00:00.0000000Z", "x"));
}
