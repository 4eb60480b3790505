using System.Net.Http.Headers;
using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Domain.Apps;
using Flint.Persistence.Lists;

namespace Flint.Api.Apps;

/// <summary>
/// The OAuth 2.0 endpoints an app's server calls: <c>POST /oauth/token</c> (RFC 6749 §4.1.3 code exchange, §6 refresh)
/// and <c>POST /oauth/revoke</c> (RFC 7009). They speak OAuth, not the /v1 envelope: form-encoded requests, answers
/// <c>{access_token, token_type, expires_in, refresh_token, scope}</c> (plus <c>merchant_id</c>, <c>environment</c>,
/// <c>installation_id</c>) or <c>{error, error_description}</c>, never cached. The client authenticates with its
/// client_secret (HTTP Basic or form fields) and/or, for a code issued with PKCE, the code_verifier.
/// </summary>
public static class OAuthEndpoints
{
    public static void MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/oauth").ExcludeFromDescription();
        g.MapPost("/token", async (HttpContext ctx, IGrainFactory grains, IObjectTenants tenants) =>
        {
            var (call, refusal) = await ClientCall.Read(ctx, grains, tenants);
            if (call is null) return refusal!;
            var (form, clientId, secret, client) = call;
            if (client is null || !await client.IsActive()) return Error(401, "invalid_client", "Unknown client_id (or the app was deleted).");
            var authenticated = secret is not null && await client.VerifyClient(secret);
            if (secret is not null && !authenticated) return Error(401, "invalid_client", "The client_secret is wrong.");

            var grantType = form["grant_type"].ToString();
            TokenAnswer answer;
            if (grantType == "authorization_code")
            {
                var code = AppCredential.Parse(form["code"].ToString(), AppCredentialKind.Code);
                if (code is null) return Error(400, "invalid_grant", "The code is unknown, expired or was issued to another app.");
                answer = await Installation(grains, code).ExchangeCode(new CodeExchange(code.Hash, clientId,
                    Field(form, "redirect_uri"), Field(form, "code_verifier"), authenticated));
            }
            else if (grantType == "refresh_token")
            {
                var refresh = AppCredential.Parse(form["refresh_token"].ToString(), AppCredentialKind.RefreshToken);
                if (refresh is null) return Error(400, "invalid_grant", "The refresh token is unknown or revoked.");
                answer = await Installation(grains, refresh).Refresh(refresh.Hash, clientId, authenticated);
            }
            else
            {
                return Error(400, "unsupported_grant_type", "grant_type is authorization_code or refresh_token.");
            }

            if (answer.Refusal is { } r) return Error(r.Error == "invalid_client" ? 401 : 400, r.Error, r.Description);
            var t = answer.Grant!;
            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = t.AccessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = t.ExpiresIn,
                ["refresh_token"] = t.RefreshToken,
                ["scope"] = string.Join(' ', t.Scopes),
                ["merchant_id"] = t.MerchantId,
                ["environment"] = t.Environment,
                ["installation_id"] = t.InstallationId,
            });
        });

        // RFC 7009: the answer is 200 whether or not the token was known (nothing is learned by guessing).
        g.MapPost("/revoke", async (HttpContext ctx, IGrainFactory grains, IObjectTenants tenants) =>
        {
            var (call, refusal) = await ClientCall.Read(ctx, grains, tenants);
            if (call is null) return refusal!;
            var (form, clientId, secret, client) = call;
            if (client is null || (secret is not null && !await client.VerifyClient(secret))) return Error(401, "invalid_client", "Unknown client or wrong client_secret.");
            var token = form["token"].ToString();
            var credential = AppCredential.Parse(token, AppCredentialKind.AccessToken) ?? AppCredential.Parse(token, AppCredentialKind.RefreshToken);
            if (credential is not null) await Installation(grains, credential).Revoke(credential.Hash, clientId);
            return Results.Ok();
        });
    }

    private static IInstallationGrain Installation(IGrainFactory grains, AppCredential c) =>
        grains.GetGrain<IInstallationGrain>(new Tenant(c.MerchantId, c.Environment).GrainKey(c.HolderId));

    /// <summary>The app named by its client_id (its id), wherever its developer is; null when there is none.</summary>
    internal static async Task<IPartnerAppGrain?> App(IGrainFactory grains, IObjectTenants tenants, string clientId, CancellationToken ct)
    {
        if (!Flint.Domain.FlintId.IsValid(clientId, Flint.Domain.IdPrefix.PartnerApp)) return null;
        var tenant = await tenants.TenantOf(PartnerAppProjection.Kind, clientId, ct);
        return tenant is null ? null : grains.GetGrain<IPartnerAppGrain>(tenant.GrainKey(clientId));
    }

    /// <summary>What both endpoints start with: an answer that is never cached, a form-encoded request, and the client
    /// it names (<see cref="App"/>: null when there is no such app; each endpoint says so in its own words).</summary>
    private sealed record ClientCall(IFormCollection Form, string ClientId, string? Secret, IPartnerAppGrain? App)
    {
        /// <summary>The call, or why it is refused.</summary>
        public static async Task<(ClientCall? Call, IResult? Refusal)> Read(HttpContext ctx, IGrainFactory grains, IObjectTenants tenants)
        {
            NoStore(ctx);
            if (!ctx.Request.HasFormContentType)
                return (null, Error(400, "invalid_request", "Send the request as application/x-www-form-urlencoded."));
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var (clientId, secret) = Client(ctx, form);
            if (clientId is null) return (null, Error(401, "invalid_client", "Name the client: client_id (or HTTP Basic authentication)."));
            return (new ClientCall(form, clientId, secret, await OAuthEndpoints.App(grains, tenants, clientId, ctx.RequestAborted)), null);
        }
    }

    /// <summary>RFC 6749 §2.3.1: HTTP Basic (client_id:client_secret, form-URL-encoded) or the form's fields.</summary>
    private static (string? ClientId, string? Secret) Client(HttpContext ctx, IFormCollection form)
    {
        if (AuthenticationHeaderValue.TryParse(ctx.Request.Headers.Authorization.ToString(), out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } encoded)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = pair.IndexOf(':');
                if (colon > 0) return (Uri.UnescapeDataString(pair[..colon]), Uri.UnescapeDataString(pair[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (Field(form, "client_id"), Field(form, "client_secret"));
    }

    private static string? Field(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } v ? v : null;

    private static void NoStore(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers.Pragma = "no-cache";
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
