using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flint.Api.Tests.Infrastructure;
using Flint.Domain.Apps;
using Xunit.Abstractions;
using static Flint.Api.Tests.Apps.AppInstalls;

namespace Flint.Api.Tests.Apps;

/// <summary>
/// Scope enforcement on every /v1 operation, generated from the OpenAPI document (as the bad-input sweep is): each
/// operation lists the merchant's secret key and, unless it is the merchant's alone, the app scope it needs. Called with
/// an app token holding every scope but that one, it answers 403 INSUFFICIENT_SCOPE naming it; with a token holding every
/// scope, it does not answer 403. An operation without an app scope answers 403 to a token holding every scope.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AppScopeTests(ApiFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_v1_operation_needs_the_scope_the_OpenAPI_document_names_and_a_token_without_it_gets_403()
    {
        var doc = JsonNode.Parse(await f.Host.Client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var operations = new List<(string Method, string Path, string? Scope)>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            if (!path.StartsWith("/v1/", StringComparison.Ordinal) || path == "/v1/merchants") continue;
            foreach (var (method, op) in item!.AsObject())
            {
                var security = op!["security"]?.AsArray() ?? throw new InvalidOperationException($"{method} {path} lists no security");
                // A paired device's own routes take its token only; every other operation the merchant's secret key.
                if (path.StartsWith("/v1/devices/me", StringComparison.Ordinal))
                    Assert.Equal(["device_token"], security.SelectMany(s => s!.AsObject().Select(p => p.Key)));
                else
                    Assert.Contains(security, s => s!.AsObject().ContainsKey("secret_key"));
                var app = security.Select(s => s!["app_token"]).FirstOrDefault(s => s is not null);
                operations.Add((method.ToUpperInvariant(), path, app?.AsArray().Single()!.GetValue<string>()));
            }
        }
        Assert.True(operations.Count > 90, $"only {operations.Count} operations");
        Assert.Contains(operations, o => o is { Method: "GET", Path: "/v1/orders", Scope: "orders:read" });
        Assert.Contains(operations, o => o is { Method: "POST", Path: "/v1/orders/{order_id}/pay", Scope: "payments:write" });
        Assert.Contains(operations, o => o is { Method: "POST", Path: "/v1/api-keys", Scope: null });
        Assert.Contains(operations, o => o is { Method: "POST", Path: "/v1/webhook-endpoints", Scope: null });
        Assert.Contains(operations, o => o is { Method: "GET", Path: "/v1/webhook-endpoints", Scope: "webhooks:read" });

        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Scopes developer"));
        var shop = await Merchant(f, CatalogData.Unique("Scopes shop"));
        var all = AppScopes.All.Select(s => s.Name).ToList();
        var everything = await Token(all);
        var lacking = new Dictionary<string, ApiClient>();
        foreach (var scope in operations.Select(o => o.Scope).OfType<string>().Distinct())
        {
            // Without the scope and without what would imply it (a write scope includes its read).
            var without = all.Where(s => s != scope && !(scope.EndsWith(":read") && s == scope[..^"read".Length] + "write")).ToList();
            lacking[scope] = await Token(without);
        }

        var failures = new List<string>();
        foreach (var (method, path, scope) in operations)
        {
            var url = Regex.Replace(path, "{[a-z_]+}", "x1");
            var body = method is "POST" or "PATCH" or "PUT" ? "{}" : null;
            if (scope is null)
            {
                var r = await everything.Send(new HttpMethod(method), url, body);
                if (r.Status != 403 || r.ErrorCode != "INSUFFICIENT_SCOPE") failures.Add($"{method} {path} (merchant keys only) with every scope: {r}");
                continue;
            }
            var refused = await lacking[scope].Send(new HttpMethod(method), url, body);
            if (refused.Status != 403 || refused.ErrorCode != "INSUFFICIENT_SCOPE" || refused.ErrorParam != scope)
                failures.Add($"{method} {path} without {scope}: {refused}");
            var allowed = await everything.Send(new HttpMethod(method), url, body);
            if (allowed.Status is 401 or 403) failures.Add($"{method} {path} with every scope: {allowed}");
        }
        output.WriteLine($"{operations.Count} operations, {lacking.Count} scopes");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        async Task<ApiClient> Token(List<string> scopes)
        {
            var app = await Register(developer, scopes, name: "Scopes " + scopes.Count);
            return (await Install(f, shop, app, string.Join(' ', scopes))).Api;
        }
    }
}
