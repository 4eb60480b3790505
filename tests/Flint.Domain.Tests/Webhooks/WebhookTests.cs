using System.Net;
using Flint.Domain.Catalog;
using Flint.Domain.Webhooks;

namespace Flint.Domain.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Body = """{"id":"evt_1"}""";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void The_signature_is_hmac_sha256_of_t_dot_body_in_lower_hex()
    {
        // By hand: printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
        Assert.Equal("t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
            WebhookSignature.Sign(["whsec_test"], 1_700_000_000, Body));
    }

    [Fact]
    public void Verification_takes_any_of_the_signatures_and_refuses_other_bodies_secrets_and_old_timestamps()
    {
        var header = WebhookSignature.Sign(["whsec_new", "whsec_old"], 1_700_000_000, Body);

        Assert.True(WebhookSignature.Verify(header, Body, "whsec_new", At));
        Assert.True(WebhookSignature.Verify(header, Body, "whsec_old", At.AddMinutes(4)));
        Assert.False(WebhookSignature.Verify(header, Body + " ", "whsec_new", At));
        Assert.False(WebhookSignature.Verify(header, Body, "whsec_other", At));
        Assert.False(WebhookSignature.Verify(header, Body, "whsec_new", At.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify("v1=abc", Body, "whsec_new", At));
        Assert.False(WebhookSignature.Verify(null, Body, "whsec_new", At));
    }
}

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("https://hooks.example.com/flint", false)]
    [InlineData("http://127.0.0.1:8080/hooks", false)]
    [InlineData("https://hooks.example.com/flint", true)]
    [InlineData("https://93.184.216.34/flint", true)]
    public void Accepted(string url, bool live) => Assert.Equal(new Uri(url), WebhookUrl.Validate(url, live));

    [Theory]
    [InlineData("ftp://example.com/x", false)]
    [InlineData("/relative", false)]
    [InlineData("https://user:pw@example.com/x", false)]
    [InlineData("http://example.com/x", true)]
    [InlineData("https://localhost/x", true)]
    [InlineData("https://127.0.0.1/x", true)]
    [InlineData("https://10.0.0.8/x", true)]
    [InlineData("https://172.20.1.1/x", true)]
    [InlineData("https://192.168.1.1/x", true)]
    [InlineData("https://169.254.169.254/latest", true)]
    [InlineData("https://[::1]/x", true)]
    [InlineData("https://[fd00::1]/x", true)]
    public void Refused(string url, bool live) =>
        Assert.Equal("INVALID_URL", Assert.Throws<DomainException>(() => WebhookUrl.Validate(url, live)).Code);

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2606:4700::1111", true)]
    public void Public_addresses(string address, bool isPublic) => Assert.Equal(isPublic, WebhookUrl.IsPublic(IPAddress.Parse(address)));
}

public sealed class WebhookRetryTests
{
    private static readonly DateTimeOffset First = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Live_retries_double_from_a_minute_up_to_six_hours_apart_for_three_days()
    {
        Assert.Equal(First.AddMinutes(1), WebhookRetry.NextAttemptAt(First, 1, First, testMode: false));
        Assert.Equal(First.AddMinutes(10 + 8), WebhookRetry.NextAttemptAt(First, 4, First.AddMinutes(10), testMode: false));
        Assert.Equal(First.AddDays(1).AddHours(6), WebhookRetry.NextAttemptAt(First, 12, First.AddDays(1), testMode: false));
        Assert.Null(WebhookRetry.NextAttemptAt(First, 20, First.AddDays(3).AddHours(-1), testMode: false));
    }

    [Fact]
    public void Test_mode_runs_the_same_curve_in_seconds_for_five_minutes()
    {
        Assert.Equal(First.AddSeconds(1), WebhookRetry.NextAttemptAt(First, 1, First, testMode: true));
        Assert.Equal(First.AddSeconds(3 + 2), WebhookRetry.NextAttemptAt(First, 2, First.AddSeconds(3), testMode: true));
        Assert.Equal(First.AddSeconds(100 + 30), WebhookRetry.NextAttemptAt(First, 9, First.AddSeconds(100), testMode: true));
        Assert.Null(WebhookRetry.NextAttemptAt(First, 12, First.AddMinutes(4).AddSeconds(45), testMode: true));
    }
}

public sealed class WebhookEndpointStatusTests
{
    [Theory]
    [InlineData(CatalogStatus.Active, "enabled")]
    [InlineData(CatalogStatus.Inactive, "disabled")]
    [InlineData(CatalogStatus.Deleted, "deleted")]
    public void An_endpoint_shows_its_stored_lifecycle_as_enabled_disabled_or_deleted(CatalogStatus stored, string shown) =>
        Assert.Equal(shown, SnakeCase.ToSnake(WebhookEndpointStatuses.Of(stored)));

    [Fact]
    public void A_merchant_sets_enabled_or_disabled_and_nothing_else()
    {
        Assert.Equal(CatalogStatus.Active, WebhookEndpointStatuses.Settable("enabled", "status"));
        Assert.Equal(CatalogStatus.Inactive, WebhookEndpointStatuses.Settable("disabled", "status"));
        foreach (var refused in new[] { "deleted", "active", "Enabled", "paused", "" })
        {
            var error = Expect.Error("INVALID_ENUM_VALUE", () => WebhookEndpointStatuses.Settable(refused, "status"));
            Assert.Equal("status", error.Param);
        }
    }
}

