using Flint.Api.Infrastructure;
using Flint.Domain.Apps;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace Flint.Api.Apps;

/// <summary>
/// The scope each /v1 operation needs from a partner app's token, in one place: the operation's resource group (its
/// OpenAPI tag's, <see cref="AppScopes.Groups"/>) and whether it reads (GET) or writes. The merchant's own secret keys
/// may do everything; an app may call only what its granted scopes allow. Operations of no group — merchants, API keys,
/// settings, users, partner apps, installations, and changes to webhook endpoints (their secrets) — are for the
/// merchant's own keys only. The OpenAPI document lists the scope of each operation (security requirement
/// <c>app_token</c>).
/// </summary>
public static class EndpointScopes
{
    public const string SecretKeyScheme = "secret_key";
    public const string AppTokenScheme = "app_token";
    public const string DeviceTokenScheme = "device_token";

    /// <summary>The scope an operation with these tags and this method needs, or null: the merchant's keys only.</summary>
    public static string? Required(IEnumerable<string> tags, string method)
    {
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        foreach (var tag in tags)
        {
            if (tag == Devices.DeviceEndpoints.SelfTag) return Flint.Domain.Devices.DevicePairing.SelfScope;
            if (AppScopes.GroupOfTag(tag) is not { } group) continue;
            var scope = group + (read ? ":read" : ":write");
            return AppScopes.IsKnown(scope) ? scope : null;
        }
        return null;
    }

    /// <summary>The scope the endpoint <paramref name="ctx"/> was routed to needs (null: merchant keys only).</summary>
    public static string? Required(HttpContext ctx) =>
        Required(ctx.GetEndpoint()?.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags) ?? [], ctx.Request.Method);

    /// <summary>An app token may call only what its scopes allow: 403 INSUFFICIENT_SCOPE naming the scope it lacks.</summary>
    public static IApplicationBuilder UseFlintScopes(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        // No route endpoint: the route does not exist (404), or refuses the body's content type (415), as for any caller.
        if (Authentication.ScopesOf(ctx) is { } granted && ctx.Request.Path.StartsWithSegments("/v1") && ctx.GetEndpoint() is RouteEndpoint)
        {
            var required = Required(ctx);
            if (required is null)
                throw new ApiException(403, "authentication", "INSUFFICIENT_SCOPE", "This operation is for the merchant's own secret keys; app tokens cannot call it.");
            if (!AppScopes.Allows(granted, required))
                throw new ApiException(403, "authentication", "INSUFFICIENT_SCOPE", $"This token lacks the {required} scope.", required);
        }
        await next(ctx);
    });

    /// <summary>The OpenAPI document says how each operation is authenticated: the merchant's secret key always, or an
    /// app token with the operation's scope (OAuth 2.0 authorization code flow, the scopes listed with their words).</summary>
    public static Microsoft.AspNetCore.OpenApi.OpenApiOptions AddFlintSecurity(this Microsoft.AspNetCore.OpenApi.OpenApiOptions o) => o
        .AddDocumentTransformer((doc, _, _) =>
        {
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[SecretKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "The merchant's secret key: Authorization: Bearer sk_test_… (or sk_live_…).",
            };
            doc.Components.SecuritySchemes[DeviceTokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "A paired POS device's token (fdt_…, from POST /v1/devices/pair): its own routes, and the register's work at its location.",
            };
            doc.Components.SecuritySchemes[AppTokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "A partner app's access token (fat_…), limited to the merchant, environment and scopes the merchant granted.",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri("/oauth/authorize", UriKind.Relative),
                        TokenUrl = new Uri("/oauth/token", UriKind.Relative),
                        RefreshUrl = new Uri("/oauth/token", UriKind.Relative),
                        Scopes = AppScopes.All.ToDictionary(s => s.Name, s => s.Words),
                    },
                },
            };
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            var path = context.Description.RelativePath ?? "";
            if (!path.StartsWith("v1/", StringComparison.Ordinal)) return Task.CompletedTask;
            var tags = context.Description.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().SelectMany(t => t.Tags);
            var scope = Required(tags, context.Description.HttpMethod ?? "GET");
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecretKeyScheme, context.Document)] = [] },
            ];
            if (scope == Flint.Domain.Devices.DevicePairing.SelfScope)
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DeviceTokenScheme, context.Document)] = [] }];
            else if (scope is not null)
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AppTokenScheme, context.Document)] = [scope] });
            return Task.CompletedTask;
        });
}
