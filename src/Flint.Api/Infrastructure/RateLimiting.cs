using System.Diagnostics.Metrics;
using System.Globalization;
using Flint.Abstractions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Per-key rate limiting with ASP.NET Core's rate limiter: one token bucket per API key (refilled with
/// <see cref="FlintSettings.RateLimitPerSecond"/> tokens every second, holding at most
/// <see cref="FlintSettings.RateLimitBurst"/>). The operator's admin token and unauthenticated requests (docs,
/// OpenAPI, dashboard) share a bucket per client IP. Health probes are never limited. Runs after authentication, so
/// the key is known, and before idempotency, so a 429 is never stored as the answer to an Idempotency-Key.
/// A rejected request gets 429 RATE_LIMITED with Retry-After (seconds).
/// </summary>
public static class RateLimiting
{
    /// <summary>Refusals, tagged <c>caller</c>: <c>api_key</c> or <c>ip</c> (admin token, unauthenticated). A rising
    /// count on a key is a client to talk to; the key itself is not a tag, so the series stay few.</summary>
    private static readonly Counter<long> Refusals = FlintMeter.Instance.CreateCounter<long>("flint.rate_limit.refusals", "{request}",
        "Requests refused with 429 RATE_LIMITED.");

    public static IServiceCollection AddFlintRateLimiting(this IServiceCollection services, FlintSettings settings) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (settings.RateLimitPerSecond <= 0 || ctx.Request.Path.StartsWithSegments("/health"))
                    return RateLimitPartition.GetNoLimiter("unlimited");
                return RateLimitPartition.GetTokenBucketLimiter(PartitionOf(ctx), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, settings.RateLimitBurst),
                    TokensPerPeriod = settings.RateLimitPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                var ctx = context.HttpContext;
                Refusals.Add(1, new KeyValuePair<string, object?>("caller", Authentication.ActorOf(ctx) is null ? "ip" : "api_key"));
                ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ErrorMapper.Write(ctx, StatusCodes.Status429TooManyRequests, new ErrorBody("rate_limit", "RATE_LIMITED",
                    $"Too many requests with this API key; retry after {seconds} s.", null));
            };
        });

    /// <summary>The authenticated API key, else the client address.</summary>
    public static string PartitionOf(HttpContext ctx) =>
        Authentication.ActorOf(ctx) is { } actor ? actor : $"ip:{ctx.Connection.RemoteIpAddress}";
}
