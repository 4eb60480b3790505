using Flint.Domain.Apps;

namespace Flint.Domain.Tests.Apps;

public sealed class OAuthRulesTests
{
    [Fact]
    public void The_S256_verifier_of_RFC_7636_appendix_B_matches_its_challenge_and_nothing_else_does()
    {
        const string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        const string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

        Assert.True(OAuthRules.IsCodeChallenge(challenge));
        Assert.True(OAuthRules.VerifierMatches(verifier, challenge));
        Assert.False(OAuthRules.VerifierMatches(verifier[..^1] + "l", challenge));
        Assert.False(OAuthRules.VerifierMatches(challenge, challenge));   // "plain" is not accepted
        Assert.False(OAuthRules.VerifierMatches(null, challenge));
        Assert.False(OAuthRules.VerifierMatches("short", OAuthRules.Base64Url(System.Security.Cryptography.SHA256.HashData("short"u8))));
        Assert.False(OAuthRules.IsCodeChallenge(challenge + "="));
    }

    [Theory]
    [InlineData("https://app.example/callback", false, true)]
    [InlineData("https://app.example/callback?from=flint", false, true)]
    [InlineData("http://127.0.0.1:8080/cb", true, true)]
    [InlineData("http://localhost:8080/cb", true, true)]
    [InlineData("http://127.0.0.1:8080/cb", false, false)]     // plain http only for a test app
    [InlineData("http://app.example/cb", true, false)]         // and only to loopback
    [InlineData("https://app.example/cb#frag", false, false)]
    [InlineData("https://user:pw@app.example/cb", false, false)]
    [InlineData("ftp://app.example/cb", true, false)]
    [InlineData("/cb", true, false)]
    public void Redirect_uris_are_https_or_loopback_http_for_test_apps(string uri, bool testApp, bool ok)
    {
        if (ok) Assert.Equal(uri, OAuthRules.RedirectUri(uri, testApp, "redirect_uris[0]"));
        else Assert.Equal("redirect_uris[0]", Expect.Error("INVALID_REDIRECT_URI", () => OAuthRules.RedirectUri(uri, testApp, "redirect_uris[0]")).Param);
    }

    [Fact]
    public void The_redirect_back_adds_encoded_parameters_to_the_query_the_uri_has()
    {
        Assert.Equal("https://a.example/cb?code=fac_x&state=a%26b%3Dc", OAuthRules.Redirect("https://a.example/cb", ("code", "fac_x"), ("state", "a&b=c")));
        Assert.Equal("https://a.example/cb?x=1&error=access_denied", OAuthRules.Redirect("https://a.example/cb?x=1", ("error", "access_denied"), ("state", null)));
    }

    [Fact]
    public void Scopes_are_known_distinct_and_kept_in_catalog_order_and_a_write_scope_allows_its_read()
    {
        Assert.Equal(["catalog:read", "orders:read", "orders:write"], AppScopes.ParseOAuth("orders:write catalog:read  orders:read"));
        Assert.Equal("scope[1]", Expect.Error("INVALID_SCOPE", () => AppScopes.ParseOAuth("orders:read orders:delete")).Param);
        Expect.Error("INVALID_SCOPE", () => AppScopes.ParseOAuth("orders:read orders:read"));
        Expect.Error("INVALID_SCOPE", () => AppScopes.ParseOAuth(" "));

        Assert.True(AppScopes.Allows(["orders:write"], "orders:read"));
        Assert.True(AppScopes.Allows(["orders:read"], "orders:read"));
        Assert.False(AppScopes.Allows(["orders:read"], "orders:write"));
        Assert.False(AppScopes.Allows(["catalog:write"], "orders:read"));
        Assert.All(AppScopes.All, s => Assert.Matches("^[a-z]+:(read|write)$", s.Name));
    }

    [Fact]
    public void A_credential_names_its_environment_merchant_and_installation_and_parses_back_only_as_its_own_kind()
    {
        var merchant = FlintId.New(IdPrefix.Merchant);
        var installation = FlintId.New(IdPrefix.Installation);
        var token = AppCredential.New(AppCredentialKind.AccessToken, "test", merchant, installation);

        Assert.Matches("^fat_test_[0-9A-Z]{26}[0-9A-Z]{26}[0-9A-Za-z]{32}$", token.Text);
        Assert.Equal(token, AppCredential.Parse(token.Text, AppCredentialKind.AccessToken));
        Assert.Null(AppCredential.Parse(token.Text, AppCredentialKind.RefreshToken));
        Assert.Null(AppCredential.Parse(token.Text[..^1], AppCredentialKind.AccessToken));
        Assert.Null(AppCredential.Parse(token.Text.Replace("fat_test_", "fat_prod_"), AppCredentialKind.AccessToken));
        Assert.Null(AppCredential.Parse(token.Text[..^1] + "!", AppCredentialKind.AccessToken));
        Assert.True(AppCredential.LooksLikeAccessToken(token.Text));
        Assert.False(AppCredential.LooksLikeAccessToken("sk_test_abc"));
        // What is kept is a SHA-256, never the token.
        Assert.Equal(64, token.Hash.Length);
        Assert.DoesNotContain(token.Secret, token.Hash);
        Assert.NotEqual(token.Hash, AppCredential.New(AppCredentialKind.AccessToken, "test", merchant, installation).Hash);
    }

    [Fact]
    public void A_client_secret_is_checked_against_its_hash()
    {
        var secret = AppClientSecret.New();
        var hash = AppClientSecret.HashOf(secret);
        Assert.StartsWith("appsec_", secret);
        Assert.True(AppClientSecret.Matches(secret, hash));
        Assert.False(AppClientSecret.Matches(secret + "x", hash));
        Assert.False(AppClientSecret.Matches(null, hash));
    }
}

public sealed class AppEventPatternTests
{
    [Fact]
    public void An_app_hears_the_kinds_its_scopes_may_read_of_the_events_it_enabled()
    {
        Assert.Equal(["order.*", "payment.*"], AppScopes.EventPatterns(["orders:read", "payments:write"], ["*"]));
        Assert.Equal(["order.paid"], AppScopes.EventPatterns(["orders:write"], ["order.paid", "refund.created", "settings.updated"]));
        Assert.Equal(["product.*", "bundle.*", "modifier_set.*", "tax_rate.*", "location.*"], AppScopes.EventPatterns(["catalog:read"], ["*"]));
        Assert.Empty(AppScopes.EventPatterns(["refunds:write"], ["order.paid"]));
    }

    [Fact]
    public void Each_resource_is_in_one_scope_group_by_its_tag_and_by_its_event_kind()
    {
        var tags = AppScopes.Groups.SelectMany(g => g.Tags).ToList();
        var kinds = AppScopes.Groups.SelectMany(g => g.EventKinds).ToList();
        Assert.Equal(tags.Count, tags.Distinct().Count());
        Assert.Equal(kinds.Count, kinds.Distinct().Count());
        Assert.All(AppScopes.Groups, g => Assert.True(AppScopes.IsKnown(g.Name + ":read"), g.Name));
        Assert.Equal("catalog", AppScopes.GroupOfTag("Locations"));
        Assert.Equal("checkout", AppScopes.GroupOfTag("Terminal checkouts"));
        Assert.Null(AppScopes.GroupOfTag("Partner apps"));
        Assert.Equal(["checkout_session.*", "payment_link.*", "terminal_checkout.*"], AppScopes.EventPatterns(["checkout:write"], ["*"]));
    }
}
