using Flint.Abstractions;
using Flint.Persistence.Users;
using Npgsql;

namespace Flint.Persistence.Merchants;

/// <summary>An API key as listed (never its secret, which is not stored).</summary>
public sealed record ApiKeyRecord(string Id, string MerchantId, string Environment, string KeyPrefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key to store: its record and the SHA-256 hash of its secret.</summary>
public sealed record NewKeyRow(ApiKeyRecord Key, byte[] SecretHash);

/// <summary>What a secret's hash belongs to: the key and its tenant, or a revoked key.</summary>
public sealed record KeyOwner(string KeyId, Tenant Tenant, bool Revoked);

/// <summary>Merchants and their API keys (flint_merchants, flint_api_keys). Keys are found by the hash of their
/// secret only.</summary>
public interface IMerchantDirectory
{
    /// <summary>The merchant, its first keys and its owner (a dashboard user, when given), in one transaction. False
    /// (nothing written) when an active user already has the owner's email.</summary>
    Task<bool> CreateMerchant(string merchantId, string name, DateTimeOffset createdAt, IReadOnlyList<NewKeyRow> keys, NewUserRow? owner, CancellationToken ct);

    Task AddKey(NewKeyRow key, CancellationToken ct);

    /// <summary>Revokes the tenant's key (a key revoked before keeps its first revocation time); null when the tenant
    /// has no such key. Returns the key and the hash of its secret.</summary>
    Task<(ApiKeyRecord Key, byte[] SecretHash)?> Revoke(Tenant tenant, string keyId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The tenant's keys, newest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> Keys(Tenant tenant, CancellationToken ct);

    Task<KeyOwner?> OwnerOf(byte[] secretHash, CancellationToken ct);
}

internal sealed class MerchantDirectory(NpgsqlDataSource db) : IMerchantDirectory
{
    public async Task<bool> CreateMerchant(string merchantId, string name, DateTimeOffset createdAt, IReadOnlyList<NewKeyRow> keys, NewUserRow? owner, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("INSERT INTO flint_merchants (id, name, created_at) VALUES (@id, @name, @now)", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", merchantId);
            cmd.Parameters.AddWithValue("name", name);
            cmd.Parameters.AddWithValue("now", createdAt);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var key in keys) await InsertKey(conn, tx, key, ct);
        if (owner is not null && !await UserDirectory.TryInsert(conn, tx, owner, ct))
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task AddKey(NewKeyRow key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await InsertKey(conn, null, key, ct);
    }

    public async Task<(ApiKeyRecord Key, byte[] SecretHash)?> Revoke(Tenant tenant, string keyId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_api_keys SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @id AND merchant_id = @m AND environment = @e
            RETURNING id, merchant_id, environment, key_prefix, name, created_at, revoked_at, key_hash
            """);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("id", keyId);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (Read(r), (byte[])r[7]);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> Keys(Tenant tenant, CancellationToken ct)
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

    public async Task<KeyOwner?> OwnerOf(byte[] secretHash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, merchant_id, environment, revoked_at FROM flint_api_keys WHERE key_hash = @h");
        cmd.Parameters.AddWithValue("h", secretHash);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new KeyOwner(r.GetString(0), new Tenant(r.GetString(1), r.GetString(2)), Revoked: !r.IsDBNull(3));
    }

    private static async Task InsertKey(NpgsqlConnection conn, NpgsqlTransaction? tx, NewKeyRow row, CancellationToken ct)
    {
        var key = row.Key;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO flint_api_keys (id, merchant_id, environment, key_hash, key_prefix, name, created_at)
            VALUES (@id, @m, @e, @h, @p, @n, @now)
            """, conn, tx);
        cmd.Parameters.AddWithValue("id", key.Id);
        cmd.Parameters.AddWithValue("m", key.MerchantId);
        cmd.Parameters.AddWithValue("e", key.Environment);
        cmd.Parameters.AddWithValue("h", row.SecretHash);
        cmd.Parameters.AddWithValue("p", key.KeyPrefix);
        cmd.Parameters.AddWithValue("n", (object?)key.Name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", key.CreatedAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static ApiKeyRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));
}
