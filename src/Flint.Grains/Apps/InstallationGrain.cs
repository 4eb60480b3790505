using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Abstractions.Webhooks;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Apps;

[GenerateSerializer, Alias("flint.apps.installation_state")]
public sealed class InstallationState : ObjectState
{
    [Id(0)] public string AppId { get; set; } = "";
    [Id(1)] public string AppName { get; set; } = "";
    [Id(2)] public List<string> Scopes { get; set; } = [];
    [Id(3)] public bool Installed { get; set; }
    [Id(4)] public string? InstalledBy { get; set; }
    [Id(5)] public DateTimeOffset? InstalledAt { get; set; }
    [Id(6)] public DateTimeOffset? UninstalledAt { get; set; }
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Codes issued, by the SHA-256 of the code.</summary>
    [Id(9)] public Dictionary<string, IssuedCode> Codes { get; set; } = [];
    /// <summary>Token families (one per code exchange), by id.</summary>
    [Id(10)] public Dictionary<string, TokenFamily> Families { get; set; } = [];
    /// <summary>Live access tokens, by the SHA-256 of the token.</summary>
    [Id(11)] public Dictionary<string, IssuedToken> AccessTokens { get; set; } = [];
    /// <summary>Refresh tokens, current and spent, by the SHA-256 of the token.</summary>
    [Id(12)] public Dictionary<string, IssuedToken> RefreshTokens { get; set; } = [];
    /// <summary>The developer's tenant, where the app (its webhook_url and signing secret) is.</summary>
    [Id(13)] public string AppMerchantId { get; set; } = "";
    [Id(14)] public string AppEnvironment { get; set; } = "";
    /// <summary>The events sent to the app (patterns such as order.*: what it enabled that its scopes may read).</summary>
    [Id(15)] public List<string> EventPatterns { get; set; } = [];
}

[GenerateSerializer, Alias("flint.apps.issued_code")]
public sealed class IssuedCode
{
    [Id(0)] public string ClientId { get; set; } = "";
    [Id(1)] public string RedirectUri { get; set; } = "";
    [Id(2)] public string? CodeChallenge { get; set; }
    [Id(3)] public List<string> Scopes { get; set; } = [];
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Set once exchanged: the family it started (a second exchange revokes it).</summary>
    [Id(5)] public string? FamilyId { get; set; }
    [Id(6)] public bool Spent { get; set; }
}

[GenerateSerializer, Alias("flint.apps.token_family")]
public sealed class TokenFamily
{
    [Id(0)] public string ClientId { get; set; } = "";
    [Id(1)] public List<string> Scopes { get; set; } = [];
    /// <summary>The client proved itself with its secret at the exchange: refreshing then needs the secret too.</summary>
    [Id(2)] public bool Confidential { get; set; }
}

[GenerateSerializer, Alias("flint.apps.issued_token")]
public sealed class IssuedToken
{
    [Id(0)] public string FamilyId { get; set; } = "";
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>A refresh token already exchanged: presenting it again revokes its family.</summary>
    [Id(2)] public bool Spent { get; set; }
}

/// <summary>The doc of an installation's webhook row: whose it is and which events it wants.</summary>
public sealed record AppWebhookRow(string PartnerAppId, IReadOnlyList<string> EnabledEvents);

/// <summary>
/// One app installed on one merchant's environment, and every credential issued for it: codes (single use, 5 minutes),
/// access tokens (1 hour) and refresh tokens (rotating), all kept as SHA-256 hashes. A code exchange starts a token
/// family; a code used twice, or a spent refresh token presented again, revokes its family (RFC 6819 §5.2.2.3). An
/// access token is valid only while this grain says so, so an uninstall or a revocation holds at once on every silo.
/// </summary>
public sealed class InstallationGrain(
    [PersistentState("installation", StorageNames.Flint)] IPersistentState<InstallationState> store,
    DeepCopier<InstallationState> copier,
    TimeProvider clock) : TenantGrain<InstallationState>(store, copier, clock), IInstallationGrain
{
    /// <summary>How long a spent code or refresh token is remembered, to catch its reuse.</summary>
    private static readonly TimeSpan RememberSpent = TimeSpan.FromDays(30);

    public async Task<string> Approve(AppConsent consent, string userId)
    {
        if (consent.Environment != Tenant.Environment) throw new InvalidOperationException("consent for another environment");
        var code = AppCredential.New(AppCredentialKind.Code, Tenant.Environment, Tenant.MerchantId, ObjectId);
        var now = Now;
        await Change(s =>
        {
            var wasInstalled = s.Installed;
            var scopesChanged = wasInstalled && !s.Scopes.SequenceEqual(consent.Scopes);
            Prune(s, now);
            if (s.Version == 1) s.CreatedAt = now;
            s.AppId = consent.AppId;
            s.AppName = consent.AppName;
            s.AppMerchantId = consent.AppMerchantId;
            s.AppEnvironment = consent.AppEnvironment;
            s.EventPatterns = AppScopes.EventPatterns(consent.Scopes, consent.EnabledEvents);
            s.Scopes = [.. consent.Scopes];
            s.Installed = true;
            s.InstalledBy = userId;
            if (!wasInstalled)
            {
                s.InstalledAt = now;
                s.UninstalledAt = null;
            }
            s.UpdatedAt = now;
            s.Codes[code.Hash] = new IssuedCode
            {
                ClientId = consent.AppId,
                RedirectUri = consent.RedirectUri,
                CodeChallenge = consent.CodeChallenge,
                Scopes = [.. consent.Scopes],
                ExpiresAt = now + OAuthRules.CodeLifetime,
            };
            WebhookRow(s);
            if (!wasInstalled) Record(s, "app.installed", View(s));
            else if (scopesChanged) Record(s, "app.scopes_changed", View(s));
            return 0;
        });
        return code.Text;
    }

    public async Task<TokenAnswer> ExchangeCode(CodeExchange x)
    {
        var now = Now;
        if (!State.Codes.TryGetValue(x.CodeHash, out var code) || code.ClientId != x.ClientId)
            return Refused("invalid_grant", "The code is unknown, expired or was issued to another app.");
        if (code.Spent)
        {
            // A code used twice was stolen or replayed: whatever was issued from it stops working.
            if (code.FamilyId is { } stolen) await Change(s => RevokeFamily(s, stolen), bumpVersion: false);
            return Refused("invalid_grant", "The code was already used; the tokens issued from it are revoked.");
        }
        if (code.ExpiresAt <= now) return Refused("invalid_grant", "The code has expired (codes last 5 minutes).");
        if (x.RedirectUri != code.RedirectUri) return Refused("invalid_grant", "redirect_uri must be the one the code was issued for.");
        if (code.CodeChallenge is { } challenge)
        {
            if (!OAuthRules.VerifierMatches(x.CodeVerifier, challenge)) return Refused("invalid_grant", "code_verifier does not match the code_challenge.");
        }
        else if (!x.ClientAuthenticated)
        {
            return Refused("invalid_client", "This code was issued without PKCE: send the app's client_secret.");
        }
        if (!State.Installed) return Refused("invalid_grant", "The app was uninstalled.");
        var familyId = Guid.NewGuid().ToString("N");
        var (access, refresh) = NewPair();
        await Change(s =>
        {
            Prune(s, now);
            var c = s.Codes[x.CodeHash];
            c.Spent = true;
            c.FamilyId = familyId;
            s.Families[familyId] = new TokenFamily { ClientId = x.ClientId, Scopes = [.. code.Scopes], Confidential = x.ClientAuthenticated };
            Issue(s, familyId, access, refresh, now);
            return 0;
        }, bumpVersion: false);
        return Granted(access, refresh, code.Scopes);
    }

    public async Task<TokenAnswer> Refresh(string refreshTokenHash, string clientId, bool clientAuthenticated)
    {
        var now = Now;
        if (!State.RefreshTokens.TryGetValue(refreshTokenHash, out var token) || !State.Families.TryGetValue(token.FamilyId, out var family)
            || family.ClientId != clientId)
            return Refused("invalid_grant", "The refresh token is unknown or revoked.");
        if (token.Spent)
        {
            await Change(s => RevokeFamily(s, token.FamilyId), bumpVersion: false);
            return Refused("invalid_grant", "The refresh token was already used; its tokens are revoked.");
        }
        if (family.Confidential && !clientAuthenticated) return Refused("invalid_client", "Send the app's client_secret to refresh.");
        if (!State.Installed) return Refused("invalid_grant", "The app was uninstalled.");
        var scopes = Effective(family);
        var (access, refresh) = NewPair();
        await Change(s =>
        {
            Prune(s, now);
            s.RefreshTokens[refreshTokenHash].Spent = true;
            s.RefreshTokens[refreshTokenHash].ExpiresAt = now + RememberSpent;
            Issue(s, token.FamilyId, access, refresh, now);
            return 0;
        }, bumpVersion: false);
        return Granted(access, refresh, scopes);
    }

    public async Task Revoke(string credentialHash, string clientId)
    {
        if (State.AccessTokens.TryGetValue(credentialHash, out var access) && Owner(access.FamilyId) == clientId)
            await Change(s => s.AccessTokens.Remove(credentialHash), bumpVersion: false);
        else if (State.RefreshTokens.TryGetValue(credentialHash, out var refresh) && Owner(refresh.FamilyId) == clientId)
            await Change(s => RevokeFamily(s, refresh.FamilyId), bumpVersion: false);
    }

    public Task<AppAccess?> Authenticate(string accessTokenHash)
    {
        if (!State.Installed || !State.AccessTokens.TryGetValue(accessTokenHash, out var token) || token.ExpiresAt <= Clock.GetUtcNow()
            || !State.Families.TryGetValue(token.FamilyId, out var family))
            return Task.FromResult<AppAccess?>(null);
        return Task.FromResult<AppAccess?>(new AppAccess(State.AppId, Effective(family)));
    }

    public Task<InstallationView> Get()
    {
        if (!Exists) throw NotFound("installation");
        return Task.FromResult(View(State));
    }

    public async Task<InstallationView> Uninstall()
    {
        if (!Exists) throw NotFound("installation");
        if (!State.Installed) return View(State);
        var now = Now;
        return await Change(s =>
        {
            s.Installed = false;
            s.UninstalledAt = now;
            s.UpdatedAt = now;
            s.Codes.Clear();
            s.Families.Clear();
            s.AccessTokens.Clear();
            s.RefreshTokens.Clear();
            WebhookRow(s);
            var v = View(s);
            Record(s, "app.uninstalled", v);
            return v;
        });
    }

    public async Task<WebhookSigning> Signing(string eventType)
    {
        if (!Exists || State.AppMerchantId.Length == 0) return new WebhookSigning("", false, []);
        var app = GrainFactory.GetGrain<IPartnerAppGrain>(new Tenant(State.AppMerchantId, State.AppEnvironment).GrainKey(State.AppId));
        var signing = await app.WebhookSigning();
        return signing with { Enabled = signing.Enabled && (State.Installed || eventType == "app.uninstalled") };
    }

    /// <summary>The installation's webhook row (see <see cref="InstallationProjection.WebhookKind"/>): active while
    /// installed and the app has events to hear; the database queues the app's deliveries by it.</summary>
    private void WebhookRow(InstallationState s)
    {
        var active = s.Installed && s.EventPatterns.Count > 0;
        SetRelatedProjection(s, InstallationProjection.WebhookKind, ObjectId, s.Version, active ? WebhookEndpointProjection.Enabled : "inactive",
            s.CreatedAt, s.UpdatedAt, new AppWebhookRow(s.AppId, s.EventPatterns), null);
    }

    /// <summary>What a family's tokens may do now: what was granted to it, within what the installation grants today
    /// (a re-approval with fewer scopes narrows tokens issued before it).</summary>
    private List<string> Effective(TokenFamily family) => family.Scopes.Where(State.Scopes.Contains).ToList();

    private string? Owner(string familyId) => State.Families.TryGetValue(familyId, out var f) ? f.ClientId : null;

    private (AppCredential Access, AppCredential Refresh) NewPair() =>
        (AppCredential.New(AppCredentialKind.AccessToken, Tenant.Environment, Tenant.MerchantId, ObjectId),
         AppCredential.New(AppCredentialKind.RefreshToken, Tenant.Environment, Tenant.MerchantId, ObjectId));

    private static void Issue(InstallationState s, string familyId, AppCredential access, AppCredential refresh, DateTimeOffset now)
    {
        s.AccessTokens[access.Hash] = new IssuedToken { FamilyId = familyId, ExpiresAt = now + OAuthRules.AccessTokenLifetime };
        // A refresh token lasts until it is used or revoked; the date only bounds how long a spent one is remembered.
        s.RefreshTokens[refresh.Hash] = new IssuedToken { FamilyId = familyId, ExpiresAt = DateTimeOffset.MaxValue };
    }

    private static int RevokeFamily(InstallationState s, string familyId)
    {
        s.Families.Remove(familyId);
        foreach (var hash in s.AccessTokens.Where(t => t.Value.FamilyId == familyId).Select(t => t.Key).ToList()) s.AccessTokens.Remove(hash);
        foreach (var hash in s.RefreshTokens.Where(t => t.Value.FamilyId == familyId).Select(t => t.Key).ToList()) s.RefreshTokens.Remove(hash);
        return 0;
    }

    /// <summary>Forgets what can no longer be used: expired access tokens, codes a day past their expiry, spent refresh
    /// tokens after <see cref="RememberSpent"/>.</summary>
    private static void Prune(InstallationState s, DateTimeOffset now)
    {
        foreach (var (hash, _) in s.AccessTokens.Where(t => t.Value.ExpiresAt <= now).ToList()) s.AccessTokens.Remove(hash);
        foreach (var (hash, _) in s.Codes.Where(c => c.Value.ExpiresAt + TimeSpan.FromDays(1) <= now).ToList()) s.Codes.Remove(hash);
        foreach (var (hash, _) in s.RefreshTokens.Where(t => t.Value.Spent && t.Value.ExpiresAt <= now).ToList()) s.RefreshTokens.Remove(hash);
    }

    private TokenAnswer Granted(AppCredential access, AppCredential refresh, IReadOnlyList<string> scopes) =>
        new(new TokenGrant(access.Text, refresh.Text, (long)OAuthRules.AccessTokenLifetime.TotalSeconds, scopes, Tenant.MerchantId, Tenant.Environment, ObjectId), null);

    private static TokenAnswer Refused(string error, string description) => new(null, new TokenRefusal(error, description));

    protected override ProjectionRecord? Project(InstallationState s)
    {
        var view = View(s);
        var p = NewProjection(s, InstallationProjection.Kind, view);
        p.Name = s.AppName;
        p.Status = view.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = string.Join(' ', ObjectId, s.AppId, s.AppName);
        return p;
    }

    private InstallationView View(InstallationState s) => new()
    {
        InstallationId = ObjectId,
        PartnerAppId = s.AppId,
        AppName = s.AppName,
        Scopes = s.Scopes,
        Environment = Tenant.Environment,
        Status = s.Installed ? "installed" : "uninstalled",
        InstalledBy = s.InstalledBy,
        InstalledAt = s.InstalledAt,
        UninstalledAt = s.UninstalledAt,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
