using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Api.Merchants;

namespace Flint.Api.Infrastructure;

/// <summary>Bearer secret keys for /v1, the operator's admin token for the bootstrap endpoint.</summary>
public static class Authentication
{
    private const string TenantKey = "flint.tenant";
    private const string ActorKey = "flint.actor";
    public const string AdminScope = "admin";

    public static Tenant TenantOf(HttpContext ctx) =>
        ctx.Items[TenantKey] as Tenant ?? throw ApiException.Unauthenticated("UNAUTHENTICATED", "Missing API key.");

    public static bool IsAdminPath(PathString path) => path.Equals("/v1/merchants", StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseFlintAuthentication(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (!ctx.Request.Path.StartsWithSegments("/v1"))
        {
            await next(ctx);
            return;
        }
        var bearer = Bearer(ctx);
        if (IsAdminPath(ctx.Request.Path))
        {
            var settings = ctx.RequestServices.GetRequiredService<FlintSettings>();
            if (settings.AdminToken is null)
                throw ApiException.NotFound("The merchant bootstrap endpoint is off: FLINT_ADMIN_TOKEN is not set.");
            if (bearer is null || !FixedTimeEquals(bearer, settings.AdminToken))
                throw ApiException.Unauthenticated("UNAUTHENTICATED", "This endpoint needs the operator's admin token.");
            ctx.Items[TenantKey] = new Tenant(AdminScope, AdminScope);
            await next(ctx);
            return;
        }
        if (bearer is null)
            throw ApiException.Unauthenticated("UNAUTHENTICATED", "Send your secret key as 'Authorization: Bearer sk_…'.");
        var store = ctx.RequestServices.GetRequiredService<MerchantStore>();
        var (outcome, tenant, keyId) = await store.Authenticate(bearer, ctx.RequestAborted);
        switch (outcome)
        {
            case MerchantStore.AuthOutcome.Revoked:
                throw ApiException.Unauthenticated("API_KEY_REVOKED", "This API key was revoked.");
            case MerchantStore.AuthOutcome.Unknown:
                throw ApiException.Unauthenticated("UNAUTHENTICATED", "Unknown API key.");
        }
        ctx.Items[TenantKey] = tenant;
        ctx.Items[ActorKey] = $"api_key:{keyId}";
        await next(ctx);
    });

    /// <summary>Who made the change, for audit trails such as inventory history.</summary>
    public static string? ActorOf(HttpContext ctx) => ctx.Items[ActorKey] as string;

    public static string? Bearer(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
