using System.Diagnostics.Metrics;
using System.Text.Json;
using Flint.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Flint.Persistence.Idempotency;

/// <summary>The in-flight row a request with an Idempotency-Key inserts before it runs. <paramref name="Owner"/> names the
/// silo that runs it, so that a retry can tell a request still running from one that died with its silo.</summary>
public sealed record IdempotencyClaim(string MerchantId, string Environment, string Key, byte[] Hash, string Method, string Path,
    string? Owner = null);

/// <summary>The response stored for the request that holds a key (the row is completed only while
/// <paramref name="Owner"/> still holds it).</summary>
public sealed record IdempotencyCompletion(string MerchantId, string Environment, string Key, int Status, byte[] Body, string HeadersJson,
    string? Owner = null);

/// <summary>A stored request: the hash of what was asked and, once it finished, its response (Status null while the
/// first request still runs, on the silo named by Owner).</summary>
public sealed record IdempotencyRecord(byte[] Hash, int? Status, byte[] Body, Dictionary<string, string> Headers, string? Owner = null);

/// <summary>The idempotency records (flint_idempotency) behind the host's Idempotency-Key handling, kept in PostgreSQL
/// so replays survive restarts and work across silos.</summary>
public interface IIdempotencyRecords
{
    /// <summary>Inserts the in-flight row; true when this request owns the key now (the row is durable), false
    /// when a row for the key exists already (or another request of the same group got it first).</summary>
    Task<bool> TryClaim(IdempotencyClaim claim);

    /// <summary>Stores the response of the request that holds the key; returns once it is durable.</summary>
    Task Complete(IdempotencyCompletion completion);

    /// <summary>Takes over an in-flight row whose request died, for <paramref name="newOwner"/>: one still held by
    /// <paramref name="deadOwner"/> (a silo the cluster declared dead; null when the caller knows of none), or any older
    /// than <see cref="IdempotencyRecords.StaleInFlight"/>. False when another request holds it now (e.g. took it over
    /// first).</summary>
    Task<bool> TryTakeOver(string merchantId, string environment, string key, string? deadOwner, string? newOwner, CancellationToken ct);

    Task<IdempotencyRecord?> Load(string merchantId, string environment, string key, CancellationToken ct);

    /// <summary>Removes the in-flight row of a request whose answer is not kept (5xx, retryable), so it can be retried;
    /// only while <paramref name="owner"/> still holds it.</summary>
    Task Forget(string merchantId, string environment, string key, string? owner = null);

    /// <summary>The deployment's key for request fingerprints (deploy/sql/020_deployment_secrets.sql), read once.</summary>
    Task<byte[]> FingerprintKey(CancellationToken ct);
}

/// <summary>
/// Claims and completions go through a <see cref="GroupCommit{TItem,TResult}"/> each, so N concurrent requests cost
/// one multi-row INSERT and one multi-row UPDATE (one transaction each) instead of N of each. The rare paths (loading
/// a finished or in-flight row, taking over a stale one, removing the row of a 5xx) stay single statements. One
/// instance per host (a DI singleton over the host's <see cref="NpgsqlDataSource"/>).
/// </summary>
public sealed class IdempotencyRecords : IIdempotencyRecords
{
    /// <summary>An in-flight row older than this belongs to a request whose process died; it may be taken over.
    /// Longer than any request can run (grain calls time out after 30 s). The fallback for rows without an owner, or
    /// whose owner the cluster does not know as dead (e.g. forgotten by it); a dead owner's rows go at once.</summary>
    public static readonly TimeSpan StaleInFlight = TimeSpan.FromSeconds(45);

    /// <summary>In-flight rows taken over, tagged <c>reason</c>: <c>owner_dead</c> (its silo was declared dead) or
    /// <c>stale</c> (older than <see cref="StaleInFlight"/>).</summary>
    private static readonly Counter<long> TakeOvers = FlintMeter.Instance.CreateCounter<long>("flint.idempotency.takeovers", "{request}",
        "In-flight idempotency records taken over by a retry because the request holding them died.");

    /// <summary>One item's outcome inside a group flush: an item that fails on its own (found by re-running the
    /// items one by one after the group statement failed) fails only its own request.</summary>
    private readonly record struct Outcome(bool Ok, Exception? Error);

    private readonly NpgsqlDataSource _db;
    private readonly GroupCommit<IdempotencyClaim, Outcome> _claims;
    private readonly GroupCommit<IdempotencyCompletion, Outcome> _completions;

    private byte[]? _fingerprintKey;

    /// <summary>What tells a replay from a reuse of a key with another request: HMAC-SHA256, keyed by the deployment's
    /// <see cref="FingerprintKey"/>, of the method, path and query, and body. Keyed so that a body holding a password
    /// (POST /v1/users) leaves no plain, fast hash of it.</summary>
    public static byte[] Fingerprint(byte[] key, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var mac = System.Security.Cryptography.IncrementalHash.CreateHMAC(System.Security.Cryptography.HashAlgorithmName.SHA256, key);
        mac.AppendData(System.Text.Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n"));
        mac.AppendData(body);
        return mac.GetHashAndReset();
    }

    public async Task<byte[]> FingerprintKey(CancellationToken ct)
    {
        if (_fingerprintKey is { } known) return known;
        await using var cmd = _db.CreateCommand("SELECT value FROM flint_deployment_secrets WHERE name = 'idempotency_fingerprint'");
        var value = await cmd.ExecuteScalarAsync(ct) as byte[]
            ?? throw new InvalidOperationException("flint_deployment_secrets has no idempotency_fingerprint (the schema scripts were not applied).");
        return _fingerprintKey = value;
    }

    public IdempotencyRecords(NpgsqlDataSource db)
    {
        _db = db;
        _claims = new GroupCommit<IdempotencyClaim, Outcome>(FlushClaims, maxBatch: 128, maxInFlight: 1);
        _completions = new GroupCommit<IdempotencyCompletion, Outcome>(FlushCompletions, maxBatch: 128, maxInFlight: 1);
    }

    public async Task<bool> TryClaim(IdempotencyClaim claim)
    {
        var outcome = await _claims.Submit(claim);
        if (outcome.Error is not null) throw Rethrown(outcome.Error);
        return outcome.Ok;
    }

    public async Task Complete(IdempotencyCompletion completion)
    {
        var outcome = await _completions.Submit(completion);
        if (outcome.Error is not null) throw Rethrown(outcome.Error);
    }

    private static Exception Rethrown(Exception e) =>
        // Several requests can share one exception object; each gets its own wrapper so their stack traces do not mix.
        e is PostgresException or NpgsqlException ? new NpgsqlException(e.Message, e) : new InvalidOperationException(e.Message, e);

    private async Task<IReadOnlyList<Outcome>> FlushClaims(IReadOnlyList<IdempotencyClaim> items)
    {
        try
        {
            return (await InsertClaims(items)).Select(ok => new Outcome(ok, null)).ToList();
        }
        catch (PostgresException) when (items.Count > 1)
        {
            // The server refused the statement, so none of it was written: claim one by one, so that only the item
            // that caused it fails. (Any other failure, e.g. a lost connection, may have happened after the commit;
            // it fails the whole group, as it would have failed a single claim.)
            return await OneByOne(items, async item => (await InsertClaims([item]))[0]);
        }
    }

    /// <summary>The fallback of a group statement that failed: each item on its own, so only a bad item fails.</summary>
    private static async Task<IReadOnlyList<Outcome>> OneByOne<T>(IReadOnlyList<T> items, Func<T, Task<bool>> alone)
    {
        var results = new List<Outcome>(items.Count);
        foreach (var item in items)
        {
            try { results.Add(new Outcome(await alone(item), null)); }
            catch (Exception e) { results.Add(new Outcome(false, e)); }
        }
        return results;
    }

    /// <summary>One INSERT for the whole group. Two requests with the same key in one group: only the first is
    /// sent, the others are "not claimed" and go on to find the row like any later request. Rows are inserted in
    /// key order, so two groups flushing at once on two connections wait for each other in one order, never in a
    /// cycle (no deadlock).</summary>
    private async Task<bool[]> InsertClaims(IReadOnlyList<IdempotencyClaim> items)
    {
        var claimed = new bool[items.Count];
        var firsts = new Dictionary<(string, string, string), int>();
        for (var i = 0; i < items.Count; i++) firsts.TryAdd((items[i].MerchantId, items[i].Environment, items[i].Key), i);
        var send = firsts.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal)
            .Select(kv => items[kv.Value]).ToList();

        await using var cmd = _db.CreateCommand("""
            INSERT INTO flint_idempotency (merchant_id, environment, idem_key, request_hash, method, path, owner, created_at)
            SELECT u.m, u.e, u.k, u.h, u.method, u.path, u.owner, now()
            FROM unnest(@m, @e, @k, @h, @method, @path, @owner) AS u(m, e, k, h, method, path, owner)
            ON CONFLICT DO NOTHING
            RETURNING merchant_id, environment, idem_key
            """);
        cmd.Parameters.Add(TextArray("m", send.Select(c => c.MerchantId)));
        cmd.Parameters.Add(TextArray("e", send.Select(c => c.Environment)));
        cmd.Parameters.Add(TextArray("k", send.Select(c => c.Key)));
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = send.Select(c => c.Hash).ToArray() });
        cmd.Parameters.Add(TextArray("method", send.Select(c => c.Method)));
        cmd.Parameters.Add(TextArray("path", send.Select(c => c.Path)));
        cmd.Parameters.Add(TextArray("owner", send.Select(c => c.Owner)));
        await using var r = await cmd.ExecuteReaderAsync(CancellationToken.None);
        while (await r.ReadAsync(CancellationToken.None))
            claimed[firsts[(r.GetString(0), r.GetString(1), r.GetString(2))]] = true;
        return claimed;
    }

    private async Task<IReadOnlyList<Outcome>> FlushCompletions(IReadOnlyList<IdempotencyCompletion> items)
    {
        try
        {
            await UpdateCompletions(items);
            return items.Select(_ => new Outcome(true, null)).ToList();
        }
        catch (Exception) when (items.Count > 1)
        {
            // Storing a response is idempotent (it sets the same values again), so after any failure each item is
            // simply written on its own: a bad item fails alone, a passing connection fault costs one retry.
            return await OneByOne(items, async item =>
            {
                await UpdateCompletions([item]);
                return true;
            });
        }
    }

    /// <summary>One UPDATE for the whole group. Each row is completed only by the request that claimed it, so
    /// two groups never hold the same row; a row another silo took over (its owner changed) is left to that silo.</summary>
    private async Task UpdateCompletions(IReadOnlyList<IdempotencyCompletion> items)
    {
        await using var cmd = _db.CreateCommand("""
            UPDATE flint_idempotency AS i
            SET status = u.s, response_body = u.b, response_headers = u.hd::jsonb, completed_at = now()
            FROM unnest(@m, @e, @k, @s, @b, @hd, @owner) AS u(m, e, k, s, b, hd, owner)
            WHERE i.merchant_id = u.m AND i.environment = u.e AND i.idem_key = u.k AND i.owner IS NOT DISTINCT FROM u.owner
            """);
        cmd.Parameters.Add(TextArray("m", items.Select(c => c.MerchantId)));
        cmd.Parameters.Add(TextArray("e", items.Select(c => c.Environment)));
        cmd.Parameters.Add(TextArray("k", items.Select(c => c.Key)));
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("s", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = items.Select(c => c.Status).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("b", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = items.Select(c => c.Body).ToArray() });
        cmd.Parameters.Add(TextArray("hd", items.Select(c => c.HeadersJson)));
        cmd.Parameters.Add(TextArray("owner", items.Select(c => c.Owner)));
        // Not tied to any request's cancellation: once the effect happened, its record must be written.
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static NpgsqlParameter<string?[]> TextArray(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() };

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>A compare-and-set on the owner: of two retries taking over the same dead owner's row, only the first
    /// matches it; the second finds the new (live) owner and answers 409 like any request that finds the key in use.</summary>
    public async Task<bool> TryTakeOver(string m, string e, string key, string? deadOwner, string? newOwner, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            UPDATE flint_idempotency SET created_at = now(), owner = @new
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL
              AND (owner = @dead OR created_at < now() - @stale)
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.Add(Text("dead", deadOwner));
        cmd.Parameters.Add(Text("new", newOwner));
        cmd.Parameters.AddWithValue("stale", StaleInFlight);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) return false;
        TakeOvers.Add(1, new KeyValuePair<string, object?>("reason", deadOwner is null ? "stale" : "owner_dead"));
        return true;
    }

    public async Task<IdempotencyRecord?> Load(string m, string e, string key, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT request_hash, status, response_body, response_headers, owner FROM flint_idempotency
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var headers = r.IsDBNull(3) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3)) ?? [];
        return new IdempotencyRecord((byte[])r[0], r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? [] : (byte[])r[2], headers,
            r.IsDBNull(4) ? null : r.GetString(4));
    }

    /// <summary>Only while <paramref name="owner"/> holds the row: a request that lost its key to a takeover must not
    /// free it under the request that runs it now (that would let a third one start).</summary>
    public async Task Forget(string m, string e, string key, string? owner = null)
    {
        await using var cmd = _db.CreateCommand("""
            DELETE FROM flint_idempotency
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL AND owner IS NOT DISTINCT FROM @owner
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.Add(Text("owner", owner));
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
