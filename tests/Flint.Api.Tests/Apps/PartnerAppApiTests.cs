using System.Net;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Payments;
using Flint.Api.Tests.Orders;
using static Flint.Api.Tests.Apps.AppInstalls;

namespace Flint.Api.Tests.Apps;

/// <summary>Partner apps over HTTP on a real PostgreSQL: registration, the hosted install with a signed-in merchant
/// (without JavaScript; the same in Chromium is in AppBrowserTests), the token endpoint, and what a token may reach.</summary>
[Collection(ApiCollection.Name)]
public sealed class PartnerAppApiTests(ApiFixture f)
{
    [Fact]
    public async Task An_app_is_registered_with_a_secret_shown_once_and_refuses_bad_redirects_and_scopes()
    {
        var (developer, developerLive, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var app = await Register(developer, ["orders:read", "catalog:read"]);

        Assert.StartsWith("app_", app.ClientId);
        Assert.StartsWith("appsec_", app.ClientSecret);
        Assert.Equal(("test", "active"), (app.View.Str("environment"), app.View.Str("status")));
        var read = await developer.Get($"/v1/partner-apps/{app.ClientId}");
        Assert.Null(read.Data["client_secret"]);
        Assert.DoesNotContain(app.ClientSecret, read.Raw);
        Assert.DoesNotContain(app.ClientSecret, (await developer.Get("/v1/partner-apps")).Raw);
        Assert.Equal(404, (await f.B.Get($"/v1/partner-apps/{app.ClientId}")).Status);

        (await developer.Post("/v1/partner-apps", """{"name":"X","redirect_uris":["http://app.example/cb"],"scopes":["orders:read"]}"""))
            .AssertError(400, "INVALID_REDIRECT_URI", "redirect_uris[0]");
        (await developerLive.Post("/v1/partner-apps", """{"name":"X","redirect_uris":["http://127.0.0.1:9/cb"],"scopes":["orders:read"]}"""))
            .AssertError(400, "INVALID_REDIRECT_URI", "redirect_uris[0]");
        (await developer.Post("/v1/partner-apps", """{"name":"X","redirect_uris":["http://127.0.0.1:9/cb"],"scopes":["orders:delete"]}"""))
            .AssertError(400, "INVALID_SCOPE", "scopes[0]");
        (await developer.Post("/v1/partner-apps", """{"name":"X","redirect_uris":["https://a.example/cb"],"scopes":["orders:read"],"colour":"red"}"""))
            .AssertError(400, "UNKNOWN_FIELD");

        var rolled = await developer.Post($"/v1/partner-apps/{app.ClientId}/roll-secret");
        Assert.True(rolled.Status == 200, rolled.ToString());
        Assert.NotEqual(app.ClientSecret, rolled.Data.Str("client_secret"));
    }

    [Fact]
    public async Task A_merchant_installs_an_app_and_its_token_reads_that_merchants_test_orders_only_within_its_scopes()
    {
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var app = await Register(developer, ["orders:read", "catalog:read"]);
        var shop = await Merchant(f, CatalogData.Unique("Shop"));

        // Not signed in yet: the install goes through the sign-in page and comes back.
        using var fresh = Checkout.CheckoutForms.Browser(f.Host.BaseAddress);
        var toLogin = await fresh.GetAsync(AuthorizeUrl(app, "orders:read"));
        Assert.Equal(HttpStatusCode.SeeOther, toLogin.StatusCode);
        Assert.StartsWith("/login?return_url=%2Foauth%2Fauthorize", toLogin.Headers.Location!.ToString());

        var page = await (await shop.Browser.GetAsync(AuthorizeUrl(app, "orders:read catalog:read"))).Content.ReadAsStringAsync();
        Assert.Contains("Install Label printer?", page);
        Assert.Contains("See your orders", page);
        Assert.Contains("<strong>test</strong>", page);
        Assert.Contains(shop.Email, page);

        var back = await Decide(shop, AuthorizeUrl(app, "orders:read", state: "xyz 1"));
        Assert.StartsWith(app.RedirectUri + "?code=fac_test_", back.ToString());
        Assert.Equal("xyz 1", Query(back, "state"));
        var token = await Token(f, ("grant_type", "authorization_code"), ("code", Query(back, "code")), ("redirect_uri", app.RedirectUri),
            ("client_id", app.ClientId), ("code_verifier", Verifier));
        var grant = await Json(token);
        Assert.True(token.StatusCode == HttpStatusCode.OK, grant.ToJsonString());
        Assert.Equal(("Bearer", 3600L, "orders:read", shop.MerchantId, "test"),
            (grant.Str("token_type"), grant["expires_in"]!.GetValue<long>(), grant.Str("scope"), grant.Str("merchant_id"), grant.Str("environment")));
        Assert.Equal("no-store", token.Headers.CacheControl!.ToString());
        var api = f.With(grant.Str("access_token"));

        var order = await AdHocOrder(shop.Test, 2);
        var liveOrder = await AdHocOrder(shop.Live, 1);
        var other = await AdHocOrder(f.B, 1);
        var listed = await api.ListAll("/v1/orders");
        Assert.Equal([order.Str("order_id")], listed.Select(o => o!.Str("order_id")));
        Assert.Equal(900L, (await api.Get($"/v1/orders/{order.Str("order_id")}")).Data.Net("total"));
        Assert.Equal(404, (await api.Get($"/v1/orders/{liveOrder.Str("order_id")}")).Status);   // a test grant never reaches live
        Assert.Equal(404, (await api.Get($"/v1/orders/{other.Str("order_id")}")).Status);       // nor another merchant

        (await api.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""")).AssertError(403, "INSUFFICIENT_SCOPE", "orders:write");
        (await api.Get("/v1/products")).AssertError(403, "INSUFFICIENT_SCOPE", "catalog:read");   // asked for, not granted
        (await api.Get("/v1/api-keys")).AssertError(403, "INSUFFICIENT_SCOPE");
        Assert.Equal(404, (await api.Get("/v1/no-such-thing")).Status);

        var installations = await shop.Test.ListAll("/v1/installations");
        var installation = Assert.Single(installations)!;
        Assert.Equal((app.ClientId, "installed", "Label printer"), (installation.Str("partner_app_id"), installation.Str("status"), installation.Str("app_name")));
        Assert.Empty(await shop.Live.ListAll("/v1/installations"));
        Assert.Contains((await shop.Test.ListAll("/v1/events")), e => e!.Str("type") == "app.installed");
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> AdHocOrder(ApiClient api, long quantity)
    {
        var r = await api.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450, quantity)}}]}""");
        Assert.True(r.Status == 201, r.ToString());
        return r.Data;
    }

    [Fact]
    public async Task Deny_goes_back_with_access_denied_and_a_wrong_redirect_uri_or_client_is_refused_on_a_page_before_anything_else()
    {
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var app = await Register(developer, ["orders:read"]);
        var shop = await Merchant(f, CatalogData.Unique("Shop"));

        var denied = await Decide(shop, AuthorizeUrl(app, "orders:read", state: "s9"), approve: false);
        Assert.Equal(("access_denied", "s9"), (Query(denied, "error"), Query(denied, "state")));
        Assert.StartsWith(app.RedirectUri + "?", denied.ToString());
        Assert.Empty(await shop.Test.ListAll("/v1/installations"));

        using var anonymous = Checkout.CheckoutForms.Browser(f.Host.BaseAddress);
        var wrongRedirect = await anonymous.GetAsync(AuthorizeUrl(app, "orders:read", redirectUri: "https://evil.example/cb"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongRedirect.StatusCode);
        Assert.Null(wrongRedirect.Headers.Location);
        Assert.Contains("The redirect_uri is not one this app registered.", await wrongRedirect.Content.ReadAsStringAsync());
        var unknown = await anonymous.GetAsync(AuthorizeUrl(app with { ClientId = "app_01JFAKEFAKEFAKEFAKEFAKEFAK" }, "orders:read"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Null(unknown.Headers.Location);

        // Faults the app can hear about go back to it: a scope it did not register, a live install of a test app.
        var scope = await anonymous.GetAsync(AuthorizeUrl(app, "orders:write"));
        Assert.Equal(HttpStatusCode.SeeOther, scope.StatusCode);
        Assert.Equal("invalid_scope", Query(scope.Headers.Location!, "error"));
        var live = await anonymous.GetAsync(AuthorizeUrl(app, "orders:read", environment: "live"));
        Assert.Equal("invalid_request", Query(live.Headers.Location!, "error"));
        var plain = await anonymous.GetAsync(AuthorizeUrl(app, "orders:read", challenge: null).Replace("&code_challenge", "") + "&code_challenge=abc&code_challenge_method=plain");
        Assert.Equal("invalid_request", Query(plain.Headers.Location!, "error"));
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_wrong_verifier_or_secret_and_a_reused_code_revokes_what_it_gave()
    {
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var app = await Register(developer, ["orders:read"]);
        var shop = await Merchant(f, CatalogData.Unique("Shop"));
        var code = Query(await Decide(shop, AuthorizeUrl(app, "orders:read")), "code");

        var wrongVerifier = await Token(f, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", app.RedirectUri),
            ("client_id", app.ClientId), ("code_verifier", Verifier[..^1] + "A"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (wrongVerifier.StatusCode, (await Json(wrongVerifier)).Str("error")));
        var wrongSecret = await Token(f, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", app.RedirectUri),
            ("client_id", app.ClientId), ("client_secret", "appsec_wrong"), ("code_verifier", Verifier));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (wrongSecret.StatusCode, (await Json(wrongSecret)).Str("error")));
        Assert.Equal("unsupported_grant_type", (await Json(await Token(f, ("grant_type", "password"), ("client_id", app.ClientId)))).Str("error"));

        (string, string)[] exchange = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", app.RedirectUri), ("client_id", app.ClientId), ("code_verifier", Verifier)];
        // HTTP Basic client authentication works as the form's fields do.
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(exchange.Select(x => KeyValuePair.Create(x.Item1, x.Item2))),
        };
        basic.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{app.ClientId}:{app.ClientSecret}")));
        var first = await Json(await f.Host.Client.SendAsync(basic));
        var api = f.With(first.Str("access_token"));
        Assert.Equal(200, (await api.Get("/v1/orders")).Status);

        var reused = await Token(f, exchange);
        Assert.Equal("invalid_grant", (await Json(reused)).Str("error"));
        (await api.Get("/v1/orders")).AssertError(401, "UNAUTHENTICATED");

        // Refresh rotates; revoking the refresh token ends its family.
        var again = await Install(f, shop, app, "orders:read");
        var refreshed = await Json(await Token(f, ("grant_type", "refresh_token"), ("refresh_token", again.RefreshToken), ("client_id", app.ClientId), ("client_secret", app.ClientSecret)));
        Assert.NotEqual(again.RefreshToken, refreshed.Str("refresh_token"));
        var revoke = await f.Host.Client.PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refreshed.Str("refresh_token"), ["client_id"] = app.ClientId, ["client_secret"] = app.ClientSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        (await f.With(refreshed.Str("access_token")).Get("/v1/orders")).AssertError(401, "UNAUTHENTICATED");

        // A deleted app's tokens can no longer be refreshed, even by a client that never sent its secret (PKCE only).
        var publicClient = Query(await Decide(shop, AuthorizeUrl(app, "orders:read")), "code");
        var pkceOnly = await Json(await Token(f, ("grant_type", "authorization_code"), ("code", publicClient), ("redirect_uri", app.RedirectUri),
            ("client_id", app.ClientId), ("code_verifier", Verifier)));
        Assert.Equal(200, (await developer.Delete($"/v1/partner-apps/{app.ClientId}")).Status);
        var afterDelete = await Token(f, ("grant_type", "refresh_token"), ("refresh_token", pkceOnly.Str("refresh_token")), ("client_id", app.ClientId));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (afterDelete.StatusCode, (await Json(afterDelete)).Str("error")));
    }

    [Fact]
    public async Task Uninstalling_during_calls_in_flight_leaves_every_later_call_401()
    {
        var (developer, _, _) = await f.NewMerchant(CatalogData.Unique("Developer"));
        var app = await Register(developer, ["orders:read", "orders:write"]);
        var shop = await Merchant(f, CatalogData.Unique("Shop"));
        var installed = await Install(f, shop, app, "orders:read orders:write");
        // What the app makes says so, and so do its events.
        var made = await installed.Api.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""");
        Assert.True(made.Status == 201, made.ToString());
        Assert.Equal($"app:{app.ClientId}", made.Data.Str("created_by"));
        var created = (await shop.Test.ListAll("/v1/events")).Single(e => e!.Str("type") == "order.created");
        Assert.Equal($"app:{app.ClientId}", created["data"]!["object"]!.Str("created_by"));
        Assert.StartsWith("api_key:key_", (await AdHocOrder(shop.Test, 1)).Str("created_by"));

        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 8).Select(async _ =>
        {
            var statuses = new List<int>();
            while (!stop.IsCancellationRequested) statuses.Add((await installed.Api.Get("/v1/orders?page_size=1")).Status);
            return statuses;
        }).ToList();
        await Task.Delay(300);
        var uninstalled = await shop.Test.Delete($"/v1/installations/{installed.InstallationId}");
        Assert.True(uninstalled.Status == 200, uninstalled.ToString());
        Assert.Equal("uninstalled", uninstalled.Data.Str("status"));

        var after = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => installed.Api.Get("/v1/orders")));
        Assert.All(after, r => Assert.Equal(401, r.Status));
        (await installed.Api.Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Tea", 450)}}]}""")).AssertError(401, "UNAUTHENTICATED");
        stop.Cancel();
        var seen = (await Task.WhenAll(callers)).SelectMany(s => s).ToList();
        Assert.Contains(200, seen);
        Assert.All(seen, s => Assert.True(s is 200 or 401, $"status {s}"));
        Assert.Equal("invalid_grant", (await Json(await Token(f, ("grant_type", "refresh_token"), ("refresh_token", installed.RefreshToken),
            ("client_id", app.ClientId), ("client_secret", app.ClientSecret)))).Str("error"));
        Assert.Contains((await shop.Test.ListAll("/v1/events")), e => e!.Str("type") == "app.uninstalled");
    }
}
