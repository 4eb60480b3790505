using System.Security.Cryptography;
using System.Text;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Users;

/// <summary>A request sent with an Idempotency-Key is fingerprinted with the deployment's secret (HMAC-SHA256), so a
/// body holding a password leaves no plain, fast hash of it in flint_idempotency.</summary>
[Collection(ApiCollection.Name)]
public sealed class PasswordFingerprintTests(ApiFixture f)
{
    [Fact]
    public async Task A_keyed_user_creation_is_stored_under_a_keyed_fingerprint_and_still_replays()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("Fingerprints"));
        var body = $$"""{"email":"fp-{{Guid.NewGuid():N}}@example.com","password":"a long enough password"}""";
        var first = await api.Post("/v1/users", body, idempotencyKey: "user-1");
        var again = await api.Post("/v1/users", body, idempotencyKey: "user-1");
        Assert.Equal((201, 201), (first.Status, again.Status));
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Equal(first.Data.Str("user_id"), again.Data.Str("user_id"));
        (await api.Post("/v1/users", body.Replace("a long enough", "another long"), idempotencyKey: "user-1")).AssertError(422, "IDEMPOTENCY_KEY_REUSED");

        await using var db = NpgsqlDataSource.Create(f.ConnectionString);
        await using var row = db.CreateCommand("SELECT request_hash FROM flint_idempotency WHERE merchant_id = @m AND idem_key = 'user-1'");
        row.Parameters.AddWithValue("m", merchantId);
        var stored = (byte[])(await row.ExecuteScalarAsync())!;
        await using var secret = db.CreateCommand("SELECT value FROM flint_deployment_secrets WHERE name = 'idempotency_fingerprint'");
        var key = (byte[])(await secret.ExecuteScalarAsync())!;
        var signed = Encoding.UTF8.GetBytes("POST\n/v1/users\n").Concat(Encoding.UTF8.GetBytes(body)).ToArray();

        Assert.Equal(32, key.Length);
        Assert.NotEqual(SHA256.HashData(signed), stored);
        Assert.Equal(HMACSHA256.HashData(key, signed), stored);
    }
}
