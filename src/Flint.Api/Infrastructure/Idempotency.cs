using System.Text;
using System.Text.Json;
using Flint.Persistence.Idempotency;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Idempotency-Key handling for every mutating /v1 call, stored in PostgreSQL so replays survive restarts and
/// work across silos. The first request with a key inserts an in-flight row; a concurrent one with the same key
/// finds it and gets 409; later ones get the stored response byte for byte (or 422 if the request differs).
/// Calls made without a merchant's key are not keyed (the key is ignored). 5xx responses (and "in progress, retry"
/// conflicts) are not kept, so the client may retry them. The row names the silo that runs the request
/// (<see cref="IdempotencyOwners"/>): a retry takes over the key of a request whose silo the cluster declared dead at
/// once, and any in-flight row after <see cref="IdempotencyRecords.StaleInFlight"/>.
/// The claim and the completion of concurrent requests are grouped into one statement each (see
/// <see cref="IdempotencyRecords"/>); every request still waits for its own row to be durable: the handler runs only
/// after its claim committed, and the response is sent only after its completion committed.
/// </summary>
public static class Idempotency
{
    public static IApplicationBuilder UseFlintIdempotency(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var method = ctx.Request.Method;
        var mutating = HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        // A key belongs to a merchant: a call made without a merchant's key (pairing a device with its one-time code,
        // the operator creating a merchant) runs unkeyed, its Idempotency-Key ignored.
        if (!mutating || !ctx.Request.Path.StartsWithSegments("/v1") || !ctx.Request.Headers.TryGetValue("Idempotency-Key", out var values)
            || Authentication.TryTenantOf(ctx) is null)
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
        var store = ctx.RequestServices.GetRequiredService<IIdempotencyRecords>();
        var hash = IdempotencyRecords.Fingerprint(await store.FingerprintKey(ctx.RequestAborted), method, $"{ctx.Request.Path}{ctx.Request.QueryString}", body);
        var owners = ctx.RequestServices.GetRequiredService<IdempotencyOwners>();
        var owner = owners.Self;
        var ct = ctx.RequestAborted;

        // Not cancelled with the request: the claim is part of a group statement, and a claim that committed must be
        // followed by its completion or its removal below.
        if (!await store.TryClaim(new IdempotencyClaim(tenant.MerchantId, tenant.Environment, key, hash, method, ctx.Request.Path.ToString(), owner)))
        {
            var existing = await store.Load(tenant.MerchantId, tenant.Environment, key, ct);
            if (existing is null)
            {
                // The holder finished with a 5xx and removed its row between our insert and read.
                throw new ApiException(409, "conflict", "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress; retry shortly.");
            }
            if (!existing.Hash.AsSpan().SequenceEqual(hash))
                throw new ApiException(422, "invalid_request", "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
            if (existing.Status is null)
            {
                var deadOwner = owners.IsDead(existing.Owner) ? existing.Owner : null;
                if (!await store.TryTakeOver(tenant.MerchantId, tenant.Environment, key, deadOwner, owner, ct))
                    throw new ApiException(409, "conflict", "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress; retry shortly.");
            }
            else
            {
                ctx.Response.StatusCode = existing.Status.Value;
                foreach (var (name, value) in existing.Headers) ctx.Response.Headers[name] = value;
                ctx.Response.Headers["Idempotent-Replayed"] = "true";
                await ctx.Response.Body.WriteAsync(existing.Body, ct);
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
                await store.Complete(new IdempotencyCompletion(tenant.MerchantId, tenant.Environment, key, status, buffer.ToArray(),
                    JsonSerializer.Serialize(headers), owner));
                stored = true;
            }
        }
        finally
        {
            if (!stored) await store.Forget(tenant.MerchantId, tenant.Environment, key, owner);
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
