using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Idempotency-Key handling for every mutating /v1 call, stored in PostgreSQL so replays survive restarts and
/// work across silos. The first request with a key inserts an in-flight row; a concurrent one with the same key
/// finds it and gets 409; later ones get the stored response byte for byte (or 422 if the request differs).
/// 5xx responses (and "in progress, retry" conflicts) are not kept, so the client may retry them.
/// The claim and the completion of concurrent requests are grouped into one statement each (see
/// <see cref="IdempotencyStore"/>); every request still waits for its own row to be durable: the handler runs only
/// after its claim committed, and the response is sent only after its completion committed.
/// </summary>
public static class Idempotency
{
    public static IApplicationBuilder UseFlintIdempotency(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var method = ctx.Request.Method;
        var mutating = HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        if (!mutating || !ctx.Request.Path.StartsWithSegments("/v1") || !ctx.Request.Headers.TryGetValue("Idempotency-Key", out var values))
        {
            await ErrorHandling.Run(ctx, next);
            return;
        }
        var key = values.ToString();
        if (key.Length is < 1 or > 255 || key.Any(c => c < 0x20 || c > 0x7e))
            throw ApiException.Invalid("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1–255 printable ASCII characters.");
        ctx.Features.Set(new AcceptedKey(key));
        var tenant = Authentication.TenantOf(ctx);
        var body = await JsonBody.ReadBytes(ctx);
        byte[] hash;
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{method}\n{ctx.Request.Path}{ctx.Request.QueryString}\n"));
            sha.AppendData(body);
            hash = sha.GetHashAndReset();
        }
        var store = ctx.RequestServices.GetRequiredService<IdempotencyStore>();
        var ct = ctx.RequestAborted;

        // Not cancelled with the request: the claim is part of a group statement, and a claim that committed must be
        // followed by its completion or its removal below.
        if (!await store.TryClaim(new IdempotencyStore.Claim(tenant.MerchantId, tenant.Environment, key, hash, method, ctx.Request.Path.ToString())))
        {
            var existing = await store.Load(tenant.MerchantId, tenant.Environment, key, ct);
            if (existing is null)
            {
                // The holder finished with a 5xx and removed its row between our insert and read.
                throw new ApiException(409, "conflict", "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress; retry shortly.");
            }
            if (!existing.Value.Hash.AsSpan().SequenceEqual(hash))
                throw new ApiException(422, "invalid_request", "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
            if (existing.Value.Status is null)
            {
                if (!await store.TryTakeOver(tenant.MerchantId, tenant.Environment, key, ct))
                    throw new ApiException(409, "conflict", "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress; retry shortly.");
            }
            else
            {
                ctx.Response.StatusCode = existing.Value.Status.Value;
                foreach (var (name, value) in existing.Value.Headers) ctx.Response.Headers[name] = value;
                ctx.Response.Headers["Idempotent-Replayed"] = "true";
                await ctx.Response.Body.WriteAsync(existing.Value.Body, ct);
                return;
            }
        }

        var original = ctx.Response.Body;
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        var stored = false;
        try
        {
            await ErrorHandling.Run(ctx, next);
            var status = ctx.Response.StatusCode;
            if (status < 500 && !ErrorMapper.IsRetryable(ctx))
            {
                var headers = new Dictionary<string, string>();
                if (ctx.Response.ContentType is { } type) headers["Content-Type"] = type;
                if (ctx.Response.Headers.Location.ToString() is { Length: > 0 } location) headers["Location"] = location;
                if (ctx.Response.Headers["X-Request-Id"].ToString() is { Length: > 0 } rid) headers["X-Request-Id"] = rid;
                else headers["X-Request-Id"] = RequestIds.Of(ctx);
                await store.Complete(new IdempotencyStore.Completion(tenant.MerchantId, tenant.Environment, key, status, buffer.ToArray(),
                    JsonSerializer.Serialize(headers)));
                stored = true;
            }
        }
        finally
        {
            if (!stored) await store.Forget(tenant.MerchantId, tenant.Environment, key);
            ctx.Response.Body = original;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, ct);
    });

    /// <summary>The Idempotency-Key this layer accepted for the request (null without one). Only for an endpoint whose
    /// grain must itself recognise a retry: a pay whose answer was lost with its process (the stored response above
    /// cannot help, it was never stored).</summary>
    public static string? KeyOf(HttpContext ctx) => ctx.Features.Get<AcceptedKey>()?.Value;

    private sealed record AcceptedKey(string Value);
}

/// <summary>
/// The rows behind <see cref="Idempotency"/>. Claims and completions go through a <see cref="GroupCommit{TItem,TResult}"/>
/// each, so N concurrent requests cost one multi-row INSERT and one multi-row UPDATE (one transaction each) instead of
/// N of each. The rare paths (loading a finished or in-flight row, taking over a stale one, removing the row of a 5xx)
/// stay single statements. One instance per host (a DI singleton over the host's <see cref="NpgsqlDataSource"/>).
/// </summary>
public sealed class IdempotencyStore
{
    /// <summary>An in-flight row older than this belongs to a request whose process died; it may be taken over.
    /// Longer than any request can run (grain calls time out after 30 s).</summary>
    public static readonly TimeSpan StaleInFlight = TimeSpan.FromSeconds(45);

    public sealed record Claim(string MerchantId, string Environment, string Key, byte[] Hash, string Method, string Path);
    public sealed record Completion(string MerchantId, string Environment, string Key, int Status, byte[] Body, string HeadersJson);

    /// <summary>One item's outcome inside a group flush: an item that fails on its own (found by re-running the
    /// items one by one after the group statement failed) fails only its own request.</summary>
    private readonly record struct Outcome(bool Ok, Exception? Error);

    private readonly NpgsqlDataSource _db;
    private readonly GroupCommit<Claim, Outcome> _claims;
    private readonly GroupCommit<Completion, Outcome> _completions;

    public IdempotencyStore(NpgsqlDataSource db)
    {
        _db = db;
        _claims = new GroupCommit<Claim, Outcome>(FlushClaims, maxBatch: 128, maxInFlight: 1);
        _completions = new GroupCommit<Completion, Outcome>(FlushCompletions, maxBatch: 128, maxInFlight: 1);
    }

    /// <summary>Inserts the in-flight row; true when this request owns the key now (the row is durable), false
    /// when a row for the key exists already (or another request of the same group got it first).</summary>
    public async Task<bool> TryClaim(Claim claim)
    {
        var outcome = await _claims.Submit(claim);
        if (outcome.Error is not null) throw Rethrown(outcome.Error);
        return outcome.Ok;
    }

    /// <summary>Stores the response of the request that holds the key; returns once it is durable.</summary>
    public async Task Complete(Completion completion)
    {
        var outcome = await _completions.Submit(completion);
        if (outcome.Error is not null) throw Rethrown(outcome.Error);
    }

    private static Exception Rethrown(Exception e) =>
        // Several requests can share one exception object; each gets its own wrapper so their stack traces do not mix.
        e is PostgresException or NpgsqlException ? new NpgsqlException(e.Message, e) : new InvalidOperationException(e.Message, e);

    private async Task<IReadOnlyList<Outcome>> FlushClaims(IReadOnlyList<Claim> items)
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
    private async Task<bool[]> InsertClaims(IReadOnlyList<Claim> items)
    {
        var claimed = new bool[items.Count];
        var firsts = new Dictionary<(string, string, string), int>();
        for (var i = 0; i < items.Count; i++) firsts.TryAdd((items[i].MerchantId, items[i].Environment, items[i].Key), i);
        var send = firsts.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal)
            .Select(kv => items[kv.Value]).ToList();

        await using var cmd = _db.CreateCommand("""
            INSERT INTO flint_idempotency (merchant_id, environment, idem_key, request_hash, method, path, created_at)
            SELECT u.m, u.e, u.k, u.h, u.method, u.path, now()
            FROM unnest(@m, @e, @k, @h, @method, @path) AS u(m, e, k, h, method, path)
            ON CONFLICT DO NOTHING
            RETURNING merchant_id, environment, idem_key
            """);
        cmd.Parameters.Add(TextArray("m", send.Select(c => c.MerchantId)));
        cmd.Parameters.Add(TextArray("e", send.Select(c => c.Environment)));
        cmd.Parameters.Add(TextArray("k", send.Select(c => c.Key)));
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = send.Select(c => c.Hash).ToArray() });
        cmd.Parameters.Add(TextArray("method", send.Select(c => c.Method)));
        cmd.Parameters.Add(TextArray("path", send.Select(c => c.Path)));
        await using var r = await cmd.ExecuteReaderAsync(CancellationToken.None);
        while (await r.ReadAsync(CancellationToken.None))
            claimed[firsts[(r.GetString(0), r.GetString(1), r.GetString(2))]] = true;
        return claimed;
    }

    private async Task<IReadOnlyList<Outcome>> FlushCompletions(IReadOnlyList<Completion> items)
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
    /// two groups never hold the same row.</summary>
    private async Task UpdateCompletions(IReadOnlyList<Completion> items)
    {
        await using var cmd = _db.CreateCommand("""
            UPDATE flint_idempotency AS i
            SET status = u.s, response_body = u.b, response_headers = u.hd::jsonb, completed_at = now()
            FROM unnest(@m, @e, @k, @s, @b, @hd) AS u(m, e, k, s, b, hd)
            WHERE i.merchant_id = u.m AND i.environment = u.e AND i.idem_key = u.k
            """);
        cmd.Parameters.Add(TextArray("m", items.Select(c => c.MerchantId)));
        cmd.Parameters.Add(TextArray("e", items.Select(c => c.Environment)));
        cmd.Parameters.Add(TextArray("k", items.Select(c => c.Key)));
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("s", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = items.Select(c => c.Status).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("b", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = items.Select(c => c.Body).ToArray() });
        cmd.Parameters.Add(TextArray("hd", items.Select(c => c.HeadersJson)));
        // Not tied to any request's cancellation: once the effect happened, its record must be written.
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() };

    public async Task<bool> TryTakeOver(string m, string e, string key, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            UPDATE flint_idempotency SET created_at = now()
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL AND created_at < now() - @stale
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.AddWithValue("stale", StaleInFlight);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<(byte[] Hash, int? Status, byte[] Body, Dictionary<string, string> Headers)?> Load(string m, string e, string key, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT request_hash, status, response_body, response_headers FROM flint_idempotency
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var headers = r.IsDBNull(3) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3)) ?? [];
        return ((byte[])r[0], r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? [] : (byte[])r[2], headers);
    }

    /// <summary>Removes the in-flight row of a request whose answer is not kept (5xx, retryable), so it can be retried.</summary>
    public async Task Forget(string m, string e, string key)
    {
        await using var cmd = _db.CreateCommand("DELETE FROM flint_idempotency WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL");
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
