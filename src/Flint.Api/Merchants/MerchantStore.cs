using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Api.Merchants;

public sealed record ApiKeyRecord(string Id, string MerchantId, string Environment, string KeyPrefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
public sealed record NewApiKey(ApiKeyRecord Key, string Secret);

/// <summary>Merchants and their secret keys. Keys are stored as SHA-256 hashes; the secret exists only in the
/// response that creates it.</summary>
public sealed class MerchantStore(NpgsqlDataSource db, TimeProvider clock)
{
    public enum AuthOutcome { Ok, Unknown, Revoked }

    public async Task<(string MerchantId, string Name, DateTimeOffset CreatedAt, NewApiKey Test, NewApiKey Live)> CreateMerchant(string name, CancellationToken ct)
    {
        var id = FlintId.New(IdPrefix.Merchant);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("INSERT INTO flint_merchants (id, name, created_at) VALUES (@id, @name, @now)", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("name", name);
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var test = await InsertKey(conn, tx, id, Tenant.Test, "default", now, ct);
        var live = await InsertKey(conn, tx, id, Tenant.Live, "default", now, ct);
        await tx.CommitAsync(ct);
        return (id, name, now, test, live);
    }

    public async Task<NewApiKey> CreateKey(Tenant tenant, string? name, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await InsertKey(conn, null, tenant.MerchantId, tenant.Environment, name, clock.GetUtcNow(), ct);
    }

    public async Task<ApiKeyRecord?> Revoke(Tenant tenant, string keyId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_api_keys SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @id AND merchant_id = @m AND environment = @e
            RETURNING id, merchant_id, environment, key_prefix, name, created_at, revoked_at
            """);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("id", keyId);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeys(Tenant tenant, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, merchant_id, environment, key_prefix, name, created_at, revoked_at FROM flint_api_keys
            WHERE merchant_id = @m AND environment = @e ORDER BY created_at DESC, id DESC
            """);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiKeyRecord>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<(AuthOutcome Outcome, Tenant? Tenant, string? KeyId)> Authenticate(string secret, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, merchant_id, environment, revoked_at FROM flint_api_keys WHERE key_hash = @h");
        cmd.Parameters.AddWithValue("h", Hash(secret));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (AuthOutcome.Unknown, null, null);
        if (!r.IsDBNull(3)) return (AuthOutcome.Revoked, null, null);
        return (AuthOutcome.Ok, new Tenant(r.GetString(1), r.GetString(2)), r.GetString(0));
    }

    private static async Task<NewApiKey> InsertKey(NpgsqlConnection conn, NpgsqlTransaction? tx, string merchantId, string environment, string? name, DateTimeOffset now, CancellationToken ct)
    {
        var secret = $"sk_{environment}_{RandomSecret(32)}";
        var record = new ApiKeyRecord(FlintId.New(IdPrefix.ApiKey), merchantId, environment, secret[..16], name, now, null);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO flint_api_keys (id, merchant_id, environment, key_hash, key_prefix, name, created_at)
            VALUES (@id, @m, @e, @h, @p, @n, @now)
            """, conn, tx);
        cmd.Parameters.AddWithValue("id", record.Id);
        cmd.Parameters.AddWithValue("m", merchantId);
        cmd.Parameters.AddWithValue("e", environment);
        cmd.Parameters.AddWithValue("h", Hash(secret));
        cmd.Parameters.AddWithValue("p", record.KeyPrefix);
        cmd.Parameters.AddWithValue("n", (object?)name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
        return new NewApiKey(record, secret);
    }

    private static ApiKeyRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string RandomSecret(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
