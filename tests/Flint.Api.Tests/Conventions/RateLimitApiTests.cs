using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>Per-key rate limiting (FLINT_RATE_LIMIT_PER_SECOND / FLINT_RATE_LIMIT_BURST) on a host of its own with a
/// tiny limit: 429 RATE_LIMITED with Retry-After and the error envelope, one key's burst leaves other keys alone,
/// a throttled request is not remembered under its Idempotency-Key, and health probes are never limited.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitApiTests(ApiFixture f)
{
    private const int Burst = 3;

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_Retry_After_and_other_keys_are_not_affected()
    {
        await using var host = await FlintTestHost.StartAsync(await f.Postgres.CreateDatabaseAsync(), overrides: new Dictionary<string, string?>
        {
            ["FLINT_RATE_LIMIT_PER_SECOND"] = "1",
            ["FLINT_RATE_LIMIT_BURST"] = Burst.ToString(),
        });
        // The admin bootstrap is limited per client address, like every request without an API key.
        var admin = new ApiClient(host.Client, FlintTestHost.AdminToken);
        var shopA = await admin.Post("/v1/merchants", """{"name":"Limited A"}""");
        var shopB = await admin.Post("/v1/merchants", """{"name":"Limited B"}""");
        Assert.True(shopA.Status == 201 && shopB.Status == 201, $"{shopA} / {shopB}");
        var a = new ApiClient(host.Client, shopA.Data["api_keys"]!["test"]!.GetValue<string>());
        var aLive = new ApiClient(host.Client, shopA.Data["api_keys"]!["live"]!.GetValue<string>());
        var b = new ApiClient(host.Client, shopB.Data["api_keys"]!["test"]!.GetValue<string>());

        // The burst is served; then (allowing for one refill tick in between) the key is throttled.
        for (var i = 0; i < Burst; i++)
        {
            var ok = await a.Get("/v1/settings");
            Assert.True(ok.Status == 200, $"request {i + 1} of the burst: {ok}");
        }
        ApiResponse? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var r = await a.Get("/v1/settings");
            if (r.Status == 429) limited = r;
        }
        Assert.NotNull(limited);
        limited.AssertError(429, "RATE_LIMITED");
        Assert.Equal("rate_limit", limited.Body!["error"]!.Str("type"));
        Assert.False(string.IsNullOrWhiteSpace(limited.Body!["error"]!.Str("message")));
        Assert.Equal(limited.Header("X-Request-Id"), limited.Body!.Str("request_id"));
        Assert.StartsWith("application/json", limited.ContentType);
        var retryAfter = limited.Header("Retry-After");
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds >= 1, $"Retry-After: {retryAfter}");

        // Other keys, of another merchant and of the same merchant, have buckets of their own.
        Assert.Equal(200, (await b.Get("/v1/settings")).Status);
        Assert.Equal(200, (await aLive.Get("/v1/settings")).Status);

        // Health probes are never throttled.
        for (var i = 0; i < 2 * Burst; i++)
            Assert.Equal(200, (await a.Send(HttpMethod.Get, "/health/live", null)).Status);

        // A throttled mutation is not stored as the answer to its Idempotency-Key: once the key has tokens again,
        // the same request runs for real.
        const string body = """{"name":"Limited","default_variant":{"unit_price_money":{"amount":100,"currency":"USD"}}}""";
        ApiResponse? throttled = null;
        string? key = null;
        for (var i = 0; i < 4 * Burst && throttled is null; i++)
        {
            key = $"rate-limited-create-{i}";
            var r = await a.Post("/v1/products", body, key);
            if (r.Status == 429) throttled = r;
            else Assert.True(r.Status == 201, r.ToString());
        }
        Assert.NotNull(throttled);
        await Task.Delay(TimeSpan.FromSeconds(int.Parse(throttled.Header("Retry-After")!)) + TimeSpan.FromMilliseconds(300));
        var created = await a.Post("/v1/products", body, key);
        Assert.True(created.Status == 201, created.ToString());
        Assert.Null(created.Header("Idempotent-Replayed"));
    }
}
