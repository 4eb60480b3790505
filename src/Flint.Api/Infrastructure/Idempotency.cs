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
/// </summary>
public static class Idempotency
{
    /// <summary>An in-flight row older than this belongs to a request whose process died; it may be taken over.
    /// Longer than any request can run (grain calls time out after 30 s).</summary>
    private static readonly TimeSpan StaleInFlight = TimeSpan.FromSeconds(45);

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
        var tenant = Authentication.TenantOf(ctx);
        var body = await JsonBody.ReadBytes(ctx);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{method}\n{ctx.Request.Path}{ctx.Request.QueryString}\n").Concat(body).ToArray());
        var db = ctx.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var ct = ctx.RequestAborted;

        if (!await TryClaim(db, tenant.MerchantId, tenant.Environment, key, hash, method, ctx.Request.Path, ct))
        {
            var existing = await Load(db, tenant.MerchantId, tenant.Environment, key, ct);
            if (existing is null)
            {
                // The holder finished with a 5xx and removed its row between our insert and read.
                throw new ApiException(409, "conflict", "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress; retry shortly.");
            }
            if (!existing.Value.Hash.AsSpan().SequenceEqual(hash))
                throw new ApiException(422, "invalid_request", "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
            if (existing.Value.Status is null)
            {
                if (!await TryTakeOver(db, tenant.MerchantId, tenant.Environment, key, ct))
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
                await Complete(db, tenant.MerchantId, tenant.Environment, key, status, buffer.ToArray(), headers);
                stored = true;
            }
        }
        finally
        {
            if (!stored) await Forget(db, tenant.MerchantId, tenant.Environment, key);
            ctx.Response.Body = original;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, ct);
    });

    private static async Task<bool> TryClaim(NpgsqlDataSource db, string m, string e, string key, byte[] hash, string method, string path, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO flint_idempotency (merchant_id, environment, idem_key, request_hash, method, path, created_at)
            VALUES (@m, @e, @k, @h, @method, @path, now())
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.AddWithValue("h", hash);
        cmd.Parameters.AddWithValue("method", method);
        cmd.Parameters.AddWithValue("path", path);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<bool> TryTakeOver(NpgsqlDataSource db, string m, string e, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_idempotency SET created_at = now()
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL AND created_at < now() - @stale
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.AddWithValue("stale", StaleInFlight);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<(byte[] Hash, int? Status, byte[] Body, Dictionary<string, string> Headers)?> Load(NpgsqlDataSource db, string m, string e, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
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

    private static async Task Complete(NpgsqlDataSource db, string m, string e, string key, int status, byte[] body, Dictionary<string, string> headers)
    {
        // Not tied to the request's cancellation: once the effect happened, its record must be written.
        await using var cmd = db.CreateCommand("""
            UPDATE flint_idempotency SET status = @s, response_body = @b, response_headers = @hd, completed_at = now()
            WHERE merchant_id = @m AND environment = @e AND idem_key = @k
            """);
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.AddWithValue("s", status);
        cmd.Parameters.AddWithValue("b", body);
        cmd.Parameters.Add(new NpgsqlParameter("hd", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(headers) });
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static async Task Forget(NpgsqlDataSource db, string m, string e, string key)
    {
        await using var cmd = db.CreateCommand("DELETE FROM flint_idempotency WHERE merchant_id = @m AND environment = @e AND idem_key = @k AND status IS NULL");
        cmd.Parameters.AddWithValue("m", m);
        cmd.Parameters.AddWithValue("e", e);
        cmd.Parameters.AddWithValue("k", key);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
