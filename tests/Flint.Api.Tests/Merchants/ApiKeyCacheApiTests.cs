using System.Security.Cryptography;
using System.Text;
using Flint.Api.Merchants;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Merchants;

/// <summary>Authentication results are cached in memory per key hash; revocation through this host and new keys
/// must still take effect at once.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiKeyCacheApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_key_revoked_on_this_host_is_refused_at_once_even_though_it_was_just_used()
    {
        var (old, _, _) = await f.NewMerchant("Cached revoke");
        var fresh = f.With((await old.Post("/v1/api-keys")).Data.Str("secret"));
        // Warm the cache for the old key, with reads and a mutation.
        for (var i = 0; i < 3; i++) Assert.Equal(200, (await old.Get("/v1/products")).Status);
        Assert.Equal(201, (await old.Post("/v1/products", CatalogData.SimpleProductJson(CatalogData.Unique("Before")), $"idem-{Guid.NewGuid():N}")).Status);
        var oldId = (await fresh.Get("/v1/api-keys")).Data.AsArray().Single(k => old.Key!.StartsWith(k!.Str("key_prefix")))!.Str("api_key_id");

        Assert.Equal(200, (await fresh.Delete($"/v1/api-keys/{oldId}")).Status);

        (await old.Get("/v1/products")).AssertError(401, "API_KEY_REVOKED");
        var name = CatalogData.Unique("After");
        (await old.Post("/v1/products", CatalogData.SimpleProductJson(name), $"idem-{Guid.NewGuid():N}")).AssertError(401, "API_KEY_REVOKED");
        Assert.Empty((await fresh.Get($"/v1/products?query={name}")).Data.AsArray());
        Assert.Equal(200, (await fresh.Get("/v1/products")).Status);
    }

    [Fact]
    public async Task Revoking_while_the_key_is_in_use_leaves_no_cached_ok_behind()
    {
        var (old, _, _) = await f.NewMerchant("Busy revoke");
        var fresh = f.With((await old.Post("/v1/api-keys")).Data.Str("secret"));
        var oldId = (await fresh.Get("/v1/api-keys")).Data.AsArray().Single(k => old.Key!.StartsWith(k!.Str("key_prefix")))!.Str("api_key_id");

        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await old.Get("/v1/api-keys");
        });
        await Task.Delay(200);
        Assert.Equal(200, (await fresh.Delete($"/v1/api-keys/{oldId}")).Status);
        for (var i = 0; i < 20; i++) (await old.Get("/v1/products")).AssertError(401, "API_KEY_REVOKED");
        stop.Cancel();
        await traffic;
    }

    [Fact]
    public async Task A_new_merchants_key_works_at_once_after_requests_with_unknown_keys()
    {
        for (var i = 0; i < 3; i++)
            (await f.With($"sk_test_unknown{Guid.NewGuid():N}").Get("/v1/products")).AssertError(401, "UNAUTHENTICATED");
        var (test, live, _) = await f.NewMerchant("Right after");
        Assert.Equal(200, (await test.Get("/v1/products")).Status);
        Assert.Equal(200, (await live.Get("/v1/products")).Status);
        var rolled = f.With((await test.Post("/v1/api-keys")).Data.Str("secret"));
        Assert.Equal(200, (await rolled.Get("/v1/products")).Status);
    }

    /// <summary>The bound on negative caching: a hash that was unknown and then appears in the table (by a path that
    /// never hands out the secret first, like a manual insert) is accepted once the short unknown TTL has passed.</summary>
    [Fact]
    public async Task An_unknown_key_is_remembered_only_briefly()
    {
        var (_, _, merchantId) = await f.NewMerchant("Late row");
        var secret = $"sk_test_late{Guid.NewGuid():N}";
        (await f.With(secret).Get("/v1/products")).AssertError(401, "UNAUTHENTICATED");

        await using (var connection = new NpgsqlConnection(f.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO flint_api_keys (id, merchant_id, environment, key_hash, key_prefix, created_at)
                VALUES (@id, @m, 'test', @h, @p, now())
                """, connection);
            insert.Parameters.AddWithValue("id", CatalogData.UnknownId("key"));
            insert.Parameters.AddWithValue("m", merchantId);
            insert.Parameters.AddWithValue("h", SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
            insert.Parameters.AddWithValue("p", secret[..16]);
            await insert.ExecuteNonQueryAsync();
        }

        await Task.Delay(MerchantStore.UnknownTtl + TimeSpan.FromMilliseconds(500));
        Assert.Equal(200, (await f.With(secret).Get("/v1/products")).Status);
    }
}
