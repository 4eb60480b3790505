using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Api.Merchants;
using Flint.Domain.Apps;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Who calls /v1 — every caller resolves to a principal: a tenant (merchant and environment), an actor for audit trails,
/// and the scopes it may use (null: all of them). The merchant's secret keys (all scopes), a partner app's access token
/// (the scopes the merchant granted, checked by <see cref="Apps.EndpointScopes"/>), and the operator's admin token for
/// the bootstrap endpoint.
/// </summary>
public static class Authentication
{
    private const string TenantKey = "flint.tenant";
    private const string ActorKey = "flint.actor";
    private const string ScopesKey = "flint.scopes";
    private const string DeviceKey = "flint.device";
    public const string AdminScope = "admin";

    public static Tenant TenantOf(HttpContext ctx) =>
        ctx.Items[TenantKey] as Tenant ?? throw ApiException.Unauthenticated("UNAUTHENTICATED", "Missing API key.");

    /// <summary>The merchant the call is made for; null for a call made without a merchant's key (pairing a device,
    /// creating a merchant with the operator's token).</summary>
    public static Tenant? TryTenantOf(HttpContext ctx) => ctx.Items[TenantKey] as Tenant;

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
        // A device pairs with its code alone: it has no key yet.
        if (ctx.Request.Path.Equals(Devices.DeviceEndpoints.PairPath, StringComparison.OrdinalIgnoreCase) && bearer is null)
        {
            await next(ctx);
            return;
        }
        if (bearer is null)
            throw ApiException.Unauthenticated("UNAUTHENTICATED", "Send your secret key as 'Authorization: Bearer sk_…'.");
        var principal = AppCredential.LooksLikeDeviceToken(bearer) ? await DevicePrincipal(ctx, bearer)
            : AppCredential.LooksLikeAccessToken(bearer) ? await AppPrincipal(ctx, bearer)
            : await KeyPrincipal(ctx, bearer);
        ctx.Items[TenantKey] = principal.Tenant;
        ctx.Items[ActorKey] = principal.Actor;
        if (principal.Scopes is { } scopes) ctx.Items[ScopesKey] = scopes;
        // Set here, not inside the awaited methods: the request context is an AsyncLocal, which a value set in a callee
        // does not carry back out.
        if (principal.Device is { } device)
        {
            ctx.Items[DeviceKey] = device;
            Actors.SetDevice(device.DeviceId, device.LocationId);
        }
        else
        {
            Actors.Set(principal.Actor);
        }
        await next(ctx);
    });

    /// <summary>Who calls: the tenant acted on, the actor of audit trails and created_by, the scopes (null: all), and for
    /// a paired device, which one and where it works.</summary>
    private sealed record Principal(Tenant Tenant, string Actor, IReadOnlyList<string>? Scopes, CallingDevice? Device = null);

    /// <summary>The merchant's own secret key: every scope.</summary>
    private static async Task<Principal> KeyPrincipal(HttpContext ctx, string bearer)
    {
        var store = ctx.RequestServices.GetRequiredService<MerchantStore>();
        var (outcome, tenant, keyId) = await store.Authenticate(bearer, ctx.RequestAborted);
        return outcome switch
        {
            MerchantStore.AuthOutcome.Revoked => throw ApiException.Unauthenticated("API_KEY_REVOKED", "This API key was revoked."),
            MerchantStore.AuthOutcome.Unknown => throw ApiException.Unauthenticated("UNAUTHENTICATED", "Unknown API key."),
            _ => new Principal(tenant!, $"api_key:{keyId}", null),
        };
    }

    /// <summary>A partner app's access token: valid only while its installation says so (asked on every call, so an
    /// uninstall or a revocation holds at once on every silo).</summary>
    private static async Task<Principal> AppPrincipal(HttpContext ctx, string bearer)
    {
        var (token, tenant) = Held(bearer, AppCredentialKind.AccessToken, "Unknown access token.");
        var access = await Grains(ctx).GetGrain<IInstallationGrain>(tenant.GrainKey(token.HolderId)).Authenticate(token.Hash)
            ?? throw ApiException.Unauthenticated("UNAUTHENTICATED", "This access token is expired, revoked or unknown (refresh it, or install the app again).");
        return new Principal(tenant, $"app:{access.PartnerAppId}", access.Scopes);
    }

    /// <summary>A paired device's token: valid only while its device grain says so (unpairing holds at once).</summary>
    private static async Task<Principal> DevicePrincipal(HttpContext ctx, string bearer)
    {
        var (token, tenant) = Held(bearer, AppCredentialKind.DeviceToken, "Unknown device token.");
        var access = await Grains(ctx).GetGrain<Flint.Abstractions.Devices.IDeviceGrain>(tenant.GrainKey(token.HolderId)).Authenticate(token.Hash)
            ?? throw ApiException.Unauthenticated("UNAUTHENTICATED", "This device is not paired (any more); pair it again with a new code.");
        return new Principal(tenant, $"device:{token.HolderId}", access.Scopes, new CallingDevice(token.HolderId, access.LocationId));
    }

    /// <summary>A credential's parts and the tenant it names (which its holder grain then confirms or refuses).</summary>
    private static (AppCredential Token, Tenant Tenant) Held(string bearer, AppCredentialKind kind, string unknown)
    {
        var token = AppCredential.Parse(bearer, kind) ?? throw ApiException.Unauthenticated("UNAUTHENTICATED", unknown);
        return (token, new Tenant(token.MerchantId, token.Environment));
    }

    private static IGrainFactory Grains(HttpContext ctx) => ctx.RequestServices.GetRequiredService<IGrainFactory>();

    /// <summary>The scopes the caller may use; null for the merchant's own keys (all of them).</summary>
    public static IReadOnlyList<string>? ScopesOf(HttpContext ctx) => ctx.Items[ScopesKey] as IReadOnlyList<string>;

    /// <summary>The paired device that calls, or null for every other caller.</summary>
    public static CallingDevice? DeviceOf(HttpContext ctx) => ctx.Items[DeviceKey] as CallingDevice;

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

/// <summary>A paired POS device calling, and the location it works at (<see cref="Devices.DeviceReach"/>).</summary>
public sealed record CallingDevice(string DeviceId, string LocationId);
