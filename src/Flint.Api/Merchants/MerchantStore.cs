using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Domain;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Flint.Api.Merchants;

public sealed record ApiKeyRecord(string Id, string MerchantId, string Environment, string KeyPrefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
public sealed record NewApiKey(ApiKeyRecord Key, string Secret);

/// <summary>Merchants and their secret keys. Keys are stored as SHA-256 hashes; the secret exists only in the
/// response that creates it.</summary>
/// <remarks>
/// Authentication results are cached in memory by key hash, so a busy key costs one lookup per
/// <see cref="OkTtl"/> instead of one per request. The cache is this instance's own (bounded) <see cref="MemoryCache"/>,
/// so test hosts in one process never share it. Revoking a key through this process evicts it at once (the next
/// request is refused); another silo keeps accepting a revoked key for at most <see cref="OkTtl"/>.
/// </remarks>
public sealed class MerchantStore(NpgsqlDataSource db, TimeProvider clock) : IDisposable
{
    public enum AuthOutcome { Ok, Unknown, Revoked }

    /// <summary>How long a working key is trusted without asking the database: the window in which a key revoked
    /// on another silo still works here.</summary>
    public static readonly TimeSpan OkTtl = TimeSpan.FromSeconds(10);

    /// <summary>A revoked key never comes back (revoked_at is only ever set), so its refusal may be kept longer.</summary>
    public static readonly TimeSpan RevokedTtl = TimeSpan.FromSeconds(60);

    /// <summary>Unknown keys are cached briefly so a flood of bad keys does not become a flood of queries. Safe: a
    /// new key is a fresh 190-bit random secret, and its creator learns it only after the insert committed, so no
    /// one can present it (and get its hash cached as unknown) before it exists. Kept short anyway, because a key
    /// row could in principle appear by other means (restore, manual insert).</summary>
    public static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(2);

    /// <summary>Entries are counted, not weighed: enough for every live key many times over, and a cap on what
    /// random garbage keys can make us hold.</summary>
    private const int CacheEntries = 100_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheEntries, CompactionPercentage = 0.25 });

    /// <summary>Bumped by every revocation; a lookup that overlapped one drops what it cached (see Authenticate).</summary>
    private long _revocations;

    private sealed record AuthResult(AuthOutcome Outcome, Tenant? Tenant, string? KeyId);

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
        ApiKeyRecord? record;
        byte[]? hash;
        await using (var cmd = db.CreateCommand("""
            UPDATE flint_api_keys SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @id AND merchant_id = @m AND environment = @e
            RETURNING id, merchant_id, environment, key_prefix, name, created_at, revoked_at, key_hash
            """))
        {
            cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
            cmd.Parameters.AddWithValue("id", keyId);
            cmd.Parameters.AddWithValue("m", tenant.MerchantId);
            cmd.Parameters.AddWithValue("e", tenant.Environment);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            record = Read(r);
            hash = (byte[])r[7];
        }
        // The revocation is durable: from now on this process refuses the key. Bump first, then evict, so a lookup
        // that read the row before the update and caches "ok" after this eviction sees the bump and drops it.
        Interlocked.Increment(ref _revocations);
        _cache.Remove(CacheKey(hash));
        return record;
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

    /// <summary>Looks a secret up by its SHA-256 hash, from the cache when it is there (see the class remarks). The
    /// secret itself is never compared or kept: only its hash is a cache key, so a timing difference in the lookup
    /// tells nothing about any stored key.</summary>
    public async Task<(AuthOutcome Outcome, Tenant? Tenant, string? KeyId)> Authenticate(string secret, CancellationToken ct)
    {
        var hash = Hash(secret);
        var cacheKey = CacheKey(hash);
        if (_cache.TryGetValue(cacheKey, out AuthResult? cached) && cached is not null)
            return (cached.Outcome, cached.Tenant, cached.KeyId);

        var revocationsBefore = Interlocked.Read(ref _revocations);
        var result = await Lookup(hash, ct);
        var ttl = result.Outcome switch
        {
            AuthOutcome.Ok => OkTtl,
            AuthOutcome.Revoked => RevokedTtl,
            _ => UnknownTtl,
        };
        _cache.Set(cacheKey, result, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = 1 });
        // Set, then re-check: a revocation that committed while we were reading may have evicted before our Set.
        // It bumped the counter before evicting, so either we see the bump here and drop our entry, or its
        // eviction came after our Set and removed it.
        if (result.Outcome == AuthOutcome.Ok && Interlocked.Read(ref _revocations) != revocationsBefore)
            _cache.Remove(cacheKey);
        return (result.Outcome, result.Tenant, result.KeyId);
    }

    private async Task<AuthResult> Lookup(byte[] hash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, merchant_id, environment, revoked_at FROM flint_api_keys WHERE key_hash = @h");
        cmd.Parameters.AddWithValue("h", hash);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new AuthResult(AuthOutcome.Unknown, null, null);
        if (!r.IsDBNull(3)) return new AuthResult(AuthOutcome.Revoked, null, null);
        return new AuthResult(AuthOutcome.Ok, new Tenant(r.GetString(1), r.GetString(2)), r.GetString(0));
    }

    private static string CacheKey(byte[] hash) => Convert.ToBase64String(hash);

    public void Dispose() => _cache.Dispose();

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
