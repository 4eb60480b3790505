using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Apps;

/// <summary>An app's install on one merchant's environment: the code, the token families it starts, rotation, reuse
/// detection, expiry on the suite's clock, and uninstall. The OAuth endpoints in front of it are tested over HTTP.</summary>
public sealed class InstallationGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private const string Redirect = "https://app.example/callback";

    private readonly string _appId = FlintId.New(IdPrefix.PartnerApp);

    private AppConsent Consent(string[] scopes, string? challenge = Challenge) =>
        new(_appId, "Label printer", null, scopes, Redirect, Tenant.Test, challenge, DateTimeOffset.UnixEpoch, Tenant.MerchantId, Tenant.Test, ["*"]);

    private IInstallationGrain Installation => Grain<IInstallationGrain>(Installations.IdOf(Tenant, _appId, DateTimeOffset.UnixEpoch));

    private static string HashOf(string credential) => AppCredential.HashOf(credential);

    private async Task<TokenGrant> Install(string[] scopes)
    {
        var code = await Installation.Approve(Consent(scopes), "usr_1");
        var answer = await Installation.ExchangeCode(new CodeExchange(HashOf(code), _appId, Redirect, Verifier, ClientAuthenticated: false));
        Assert.Null(answer.Refusal);
        return answer.Grant!;
    }

    [Fact]
    public async Task A_code_exchanged_with_its_verifier_gives_an_hour_long_access_token_with_the_granted_scopes_and_a_rotating_refresh_token()
    {
        var grant = await Install(["orders:read", "orders:write"]);

        Assert.Equal((3600L, Tenant.MerchantId, Tenant.Environment), (grant.ExpiresIn, grant.MerchantId, grant.Environment));
        Assert.StartsWith("fat_test_", grant.AccessToken);
        Assert.StartsWith("frt_test_", grant.RefreshToken);
        var access = await Installation.Authenticate(HashOf(grant.AccessToken));
        Assert.Equal(_appId, access!.PartnerAppId);
        Assert.Equal(["orders:read", "orders:write"], access.Scopes);

        var refreshed = await Installation.Refresh(HashOf(grant.RefreshToken), _appId, clientAuthenticated: false);
        Assert.NotNull(refreshed.Grant);
        Assert.NotEqual(grant.RefreshToken, refreshed.Grant.RefreshToken);
        Assert.NotNull(await Installation.Authenticate(HashOf(refreshed.Grant.AccessToken)));

        Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await Installation.Authenticate(HashOf(refreshed.Grant.AccessToken)));
        Assert.NotNull((await Installation.Refresh(HashOf(refreshed.Grant.RefreshToken), _appId, false)).Grant);
    }

    [Fact]
    public async Task A_spent_refresh_token_presented_again_revokes_its_whole_family()
    {
        var grant = await Install(["orders:read"]);
        var next = (await Installation.Refresh(HashOf(grant.RefreshToken), _appId, false)).Grant!;

        var replay = await Installation.Refresh(HashOf(grant.RefreshToken), _appId, false);

        Assert.Equal("invalid_grant", replay.Refusal!.Error);
        Assert.Null(await Installation.Authenticate(HashOf(next.AccessToken)));
        Assert.Equal("invalid_grant", (await Installation.Refresh(HashOf(next.RefreshToken), _appId, false)).Refusal!.Error);
    }

    [Fact]
    public async Task A_code_is_single_use_and_its_reuse_revokes_the_tokens_issued_from_it()
    {
        var code = await Installation.Approve(Consent(["orders:read"]), "usr_1");
        var exchange = new CodeExchange(HashOf(code), _appId, Redirect, Verifier, false);
        var first = (await Installation.ExchangeCode(exchange)).Grant!;

        var second = await Installation.ExchangeCode(exchange);

        Assert.Equal("invalid_grant", second.Refusal!.Error);
        Assert.Null(await Installation.Authenticate(HashOf(first.AccessToken)));
        Assert.Equal("invalid_grant", (await Installation.Refresh(HashOf(first.RefreshToken), _appId, false)).Refusal!.Error);
    }

    [Fact]
    public async Task A_code_is_refused_after_five_minutes_with_a_wrong_verifier_redirect_or_client_and_without_PKCE_unless_the_secret_was_sent()
    {
        var code = HashOf(await Installation.Approve(Consent(["orders:read"]), "usr_1"));
        Assert.Equal("invalid_grant", (await Installation.ExchangeCode(new(code, _appId, Redirect, Verifier[..^1] + "x", false))).Refusal!.Error);
        Assert.Equal("invalid_grant", (await Installation.ExchangeCode(new(code, _appId, Redirect + "/other", Verifier, false))).Refusal!.Error);
        Assert.Equal("invalid_grant", (await Installation.ExchangeCode(new(code, FlintId.New(IdPrefix.PartnerApp), Redirect, Verifier, false))).Refusal!.Error);
        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_grant", (await Installation.ExchangeCode(new(code, _appId, Redirect, Verifier, false))).Refusal!.Error);

        var noPkce = HashOf(await Installation.Approve(Consent(["orders:read"], challenge: null), "usr_1"));
        Assert.Equal("invalid_client", (await Installation.ExchangeCode(new(noPkce, _appId, Redirect, null, ClientAuthenticated: false))).Refusal!.Error);
        var confidential = (await Installation.ExchangeCode(new(noPkce, _appId, Redirect, null, ClientAuthenticated: true))).Grant!;
        // A confidential client's refresh needs its secret too.
        Assert.Equal("invalid_client", (await Installation.Refresh(HashOf(confidential.RefreshToken), _appId, false)).Refusal!.Error);
        Assert.NotNull((await Installation.Refresh(HashOf(confidential.RefreshToken), _appId, true)).Grant);
    }

    [Fact]
    public async Task Approving_again_with_fewer_scopes_narrows_the_tokens_already_issued()
    {
        var grant = await Install(["orders:read", "orders:write", "catalog:read"]);
        await Installation.Approve(Consent(["orders:read"]), "usr_2");

        Assert.Equal(["orders:read"], (await Installation.Authenticate(HashOf(grant.AccessToken)))!.Scopes);
        var view = await Installation.Get();
        Assert.Equal(("installed", "usr_2"), (view.Status, view.InstalledBy));
    }

    [Fact]
    public async Task Uninstalling_stops_every_token_at_once_and_a_new_install_starts_afresh()
    {
        var grant = await Install(["orders:read"]);
        var code = await Installation.Approve(Consent(["orders:read"]), "usr_1");

        var view = await Installation.Uninstall();

        Assert.Equal("uninstalled", view.Status);
        Assert.NotNull(view.UninstalledAt);
        Assert.Null(await Installation.Authenticate(HashOf(grant.AccessToken)));
        Assert.Equal("invalid_grant", (await Installation.Refresh(HashOf(grant.RefreshToken), _appId, false)).Refusal!.Error);
        Assert.Equal("invalid_grant", (await Installation.ExchangeCode(new(HashOf(code), _appId, Redirect, Verifier, false))).Refusal!.Error);

        var again = await Install(["orders:read"]);
        Assert.NotNull(await Installation.Authenticate(HashOf(again.AccessToken)));
        Assert.Equal("installed", (await Installation.Get()).Status);
    }

    [Fact]
    public async Task A_token_of_another_installation_is_not_valid_here()
    {
        var grant = await Install(["orders:read"]);
        var other = Grain<IInstallationGrain>(Installations.IdOf(Tenant, FlintId.New(IdPrefix.PartnerApp), DateTimeOffset.UnixEpoch));
        Assert.Null(await other.Authenticate(HashOf(grant.AccessToken)));
    }
}
