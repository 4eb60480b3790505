using System.Security.Cryptography;
using System.Text;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Merchants;

/// <summary>Secret keys, the operator's bootstrap endpoint, rolling and revoking keys.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthenticationApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_request_without_a_key_is_401_UNAUTHENTICATED()
    {
        var r = await f.Anonymous.Get("/v1/products");
        r.AssertError(401, "UNAUTHENTICATED");
        Assert.Equal("authentication", r.Body!["error"]!.Str("type"));
        Assert.Equal(r.Header("X-Request-Id"), r.Body!.Str("request_id"));
    }

    [Fact]
    public async Task A_mutation_without_a_key_is_401_and_creates_nothing()
    {
        var name = CatalogData.Unique("Anon");
        var r = await f.Anonymous.Post("/v1/products", CatalogData.SimpleProductJson(name));
        r.AssertError(401, "UNAUTHENTICATED");
        Assert.Empty((await f.A.Get($"/v1/products?query={name}")).Data.AsArray());
    }

    [Theory]
    [InlineData("sk_test_thisKeyWasNeverIssued0000000000")]
    [InlineData("sk_live_thisKeyWasNeverIssued0000000000")]
    [InlineData("not-a-key")]
    public async Task An_unknown_key_is_401_UNAUTHENTICATED(string key)
    {
        var r = await f.With(key).Get("/v1/products");
        r.AssertError(401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task The_admin_token_is_not_a_merchant_key()
    {
        var r = await f.Admin.Get("/v1/products");
        r.AssertError(401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_merchant_key_cannot_create_merchants()
    {
        var r = await f.A.Post("/v1/merchants", """{"name":"Sneaky"}""");
        r.AssertError(401, "UNAUTHENTICATED");
        (await f.Anonymous.Post("/v1/merchants", """{"name":"Sneaky"}""")).AssertError(401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task The_admin_bootstrap_returns_a_merchant_with_a_test_and_a_live_key()
    {
        var r = await f.Admin.Post("/v1/merchants", """{"name":"Corner Shop"}""");
        Assert.Equal(201, r.Status);
        Assert.StartsWith("mer_", r.Data.Str("merchant_id"));
        Assert.Equal("Corner Shop", r.Data.Str("name"));
        var test = r.Data["api_keys"]!.Str("test");
        var live = r.Data["api_keys"]!.Str("live");
        Assert.StartsWith("sk_test_", test);
        Assert.StartsWith("sk_live_", live);
        Assert.Equal(200, (await f.With(test).Get("/v1/products")).Status);
        Assert.Equal(200, (await f.With(live).Get("/v1/products")).Status);
    }

    [Fact]
    public async Task The_admin_bootstrap_requires_a_name()
    {
        (await f.Admin.Post("/v1/merchants", "{}")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await f.Admin.Post("/v1/merchants", """{"name":""}""")).AssertError(400, "FIELD_TOO_SHORT", "name");
        (await f.Admin.Post("/v1/merchants", """{"name":"x","plan":"gold"}""")).AssertError(400, "UNKNOWN_FIELD", "plan");
    }

    [Fact]
    public async Task Rolling_a_key_shows_the_secret_once_the_new_key_works_and_a_revoked_key_gets_API_KEY_REVOKED()
    {
        var (old, _, _) = await f.NewMerchant("Roll");
        var created = await old.Post("/v1/api-keys", """{"name":"ci"}""");
        Assert.Equal(201, created.Status);
        var secret = created.Data.Str("secret");
        Assert.StartsWith("sk_test_", secret);
        Assert.StartsWith("key_", created.Data.Str("api_key_id"));
        Assert.Equal("test", created.Data.Str("environment"));
        Assert.Equal("ci", created.Data.Str("name"));
        Assert.Null(created.Data["revoked_at"]);

        var fresh = f.With(secret);
        Assert.Equal(200, (await fresh.Get("/v1/products")).Status);

        var list = await fresh.Get("/v1/api-keys");
        Assert.Equal(200, list.Status);
        var keys = list.Data.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Null(k!["secret"]));
        Assert.DoesNotContain(secret, list.Raw);
        Assert.DoesNotContain(old.Key!, list.Raw);
        Assert.Contains(keys, k => k!.Str("api_key_id") == created.Data.Str("api_key_id"));
        var oldKey = keys.Single(k => k!.Str("api_key_id") != created.Data.Str("api_key_id"))!;
        Assert.StartsWith(oldKey.Str("key_prefix"), old.Key!);

        var revoked = await fresh.Delete($"/v1/api-keys/{oldKey.Str("api_key_id")}");
        Assert.Equal(200, revoked.Status);
        Assert.NotNull(revoked.Data["revoked_at"]);
        Assert.Null(revoked.Data["secret"]);

        var refused = await old.Get("/v1/products");
        refused.AssertError(401, "API_KEY_REVOKED");
        Assert.Equal("authentication", refused.Body!["error"]!.Str("type"));
        Assert.Equal(200, (await fresh.Get("/v1/products")).Status);

        var after = await fresh.Get("/v1/api-keys");
        Assert.NotNull(after.Data.AsArray().Single(k => k!.Str("api_key_id") == oldKey.Str("api_key_id"))!["revoked_at"]);
    }

    [Fact]
    public async Task A_live_key_rolls_a_live_key_and_lists_only_live_keys()
    {
        var (_, live, _) = await f.NewMerchant("Live roll");
        var created = await live.Post("/v1/api-keys");
        Assert.Equal(201, created.Status);
        Assert.StartsWith("sk_live_", created.Data.Str("secret"));
        Assert.Equal("live", created.Data.Str("environment"));
        var keys = (await live.Get("/v1/api-keys")).Data.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Equal("live", k!.Str("environment")));
    }

    [Fact]
    public async Task A_merchant_cannot_revoke_another_merchants_key()
    {
        var (victim, _, _) = await f.NewMerchant("Victim");
        var victimKeyId = (await victim.Get("/v1/api-keys")).Data.AsArray().Single()!.Str("api_key_id");
        (await f.B.Delete($"/v1/api-keys/{victimKeyId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal(200, (await victim.Get("/v1/products")).Status);
    }

    [Fact]
    public async Task Revoking_an_unknown_or_malformed_key_id_is_404()
    {
        (await f.A.Delete($"/v1/api-keys/{CatalogData.UnknownId("key")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete("/v1/api-keys/not-a-key-id")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Keys_are_stored_only_as_SHA_256_hashes()
    {
        var m = await f.CreateMerchant("Hashed");
        await using var connection = new NpgsqlConnection(f.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key_hash, row_to_json(k)::text FROM flint_api_keys k WHERE merchant_id = @m", connection);
        command.Parameters.AddWithValue("m", m.Id);
        var rows = new List<(byte[] Hash, string Row)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(((byte[])reader[0], reader.GetString(1)));
        Assert.Equal(2, rows.Count);
        foreach (var secret in new[] { m.Test, m.Live })
        {
            Assert.Contains(rows, r => r.Hash.AsSpan().SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
            Assert.All(rows, r => Assert.DoesNotContain(secret, r.Row));
        }
    }
}
