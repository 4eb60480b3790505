using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Api.Users;
using Flint.Domain;
using Flint.Persistence.Merchants;
using Flint.Persistence.Users;
using Microsoft.Extensions.Caching.Memory;

namespace Flint.Api.Merchants;

public sealed record NewApiKey(ApiKeyRecord Key, string Secret);

/// <summary>Merchants and their secret keys. Keys are stored as SHA-256 hashes (rows of the
/// <see cref="IMerchantDirectory"/>); the secret exists only in the response that creates it.</summary>
/// <remarks>
/// Authentication results are cached in memory by key hash, so a busy key costs one lookup per
/// <see cref="OkTtl"/> instead of one per request. The cache is this instance's own (bounded) <see cref="MemoryCache"/>,
/// so test hosts in one process never share it. Revoking a key through this process evicts it at once (the next
/// request is refused); another silo keeps accepting a revoked key for at most <see cref="OkTtl"/>.
/// </remarks>
public sealed class MerchantStore(IMerchantDirectory directory, UserAccounts users, TimeProvider clock) : IDisposable
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

    /// <summary>The merchant, its first test and live keys, and (with <paramref name="owner"/>: an email and password
    /// that passed <see cref="Flint.Domain.Users.UserRules"/>) its first dashboard user, all or nothing: 409 EMAIL_TAKEN
    /// when an active user has the owner's email, and then no merchant exists.</summary>
    public async Task<(string MerchantId, string Name, DateTimeOffset CreatedAt, NewApiKey Test, NewApiKey Live, UserRecord? Owner)> CreateMerchant(
        string name, (string Email, string Password)? owner, CancellationToken ct)
    {
        var id = FlintId.New(IdPrefix.Merchant);
        var now = clock.GetUtcNow();
        var test = NewKey(id, Tenant.Test, "default", now);
        var live = NewKey(id, Tenant.Live, "default", now);
        var ownerRow = owner is { } o ? users.Draft(id, o.Email, o.Password) : null;
        if (!await directory.CreateMerchant(id, name, now, [Row(test), Row(live)], ownerRow, ct)) throw UserAccounts.EmailTaken();
        return (id, name, now, test, live, ownerRow?.User);
    }

    public async Task<NewApiKey> CreateKey(Tenant tenant, string? name, CancellationToken ct)
    {
        var key = NewKey(tenant.MerchantId, tenant.Environment, name, clock.GetUtcNow());
        await directory.AddKey(Row(key), ct);
        return key;
    }

    public async Task<ApiKeyRecord?> Revoke(Tenant tenant, string keyId, CancellationToken ct)
    {
        if (await directory.Revoke(tenant, keyId, clock.GetUtcNow(), ct) is not { } revoked) return null;
        // The revocation is durable: from now on this process refuses the key. Bump first, then evict, so a lookup
        // that read the row before the update and caches "ok" after this eviction sees the bump and drops it.
        Interlocked.Increment(ref _revocations);
        _cache.Remove(CacheKey(revoked.SecretHash));
        return revoked.Key;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListKeys(Tenant tenant, CancellationToken ct) => directory.Keys(tenant, ct);

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

    private async Task<AuthResult> Lookup(byte[] hash, CancellationToken ct) => await directory.OwnerOf(hash, ct) switch
    {
        null => new AuthResult(AuthOutcome.Unknown, null, null),
        { Revoked: true } => new AuthResult(AuthOutcome.Revoked, null, null),
        var owner => new AuthResult(AuthOutcome.Ok, owner.Tenant, owner.KeyId),
    };

    private static string CacheKey(byte[] hash) => Convert.ToBase64String(hash);

    public void Dispose() => _cache.Dispose();

    private static NewApiKey NewKey(string merchantId, string environment, string? name, DateTimeOffset now)
    {
        var secret = $"sk_{environment}_{RandomSecret(32)}";
        return new NewApiKey(new ApiKeyRecord(FlintId.New(IdPrefix.ApiKey), merchantId, environment, secret[..16], name, now, null), secret);
    }

    private static NewKeyRow Row(NewApiKey key) => new(key.Key, Hash(key.Secret));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string RandomSecret(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
