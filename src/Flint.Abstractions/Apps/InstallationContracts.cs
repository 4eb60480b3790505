namespace Flint.Abstractions.Apps;

/// <summary>An app installed on one merchant's environment (grain key: that tenant and the installation id, which
/// derives from the app).</summary>
[GenerateSerializer, Alias("flint.apps.installation_view"), Immutable]
public sealed record InstallationView
{
    [Id(0)] public required string InstallationId { get; init; }
    /// <summary>The app (its client_id).</summary>
    [Id(1)] public required string PartnerAppId { get; init; }
    [Id(2)] public required string AppName { get; init; }
    [Id(3)] public required IReadOnlyList<string> Scopes { get; init; }
    [Id(4)] public required string Environment { get; init; }
    /// <summary>installed | uninstalled</summary>
    [Id(5)] public required string Status { get; init; }
    /// <summary>The dashboard user who approved it last.</summary>
    [Id(6)] public string? InstalledBy { get; init; }
    [Id(7)] public DateTimeOffset? InstalledAt { get; init; }
    [Id(8)] public DateTimeOffset? UninstalledAt { get; init; }
    [Id(9)] public DateTimeOffset CreatedAt { get; init; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(11)] public long Version { get; init; }
}

/// <summary>What the token endpoint answers (RFC 6749 §5.1), plus the merchant and environment the tokens act on.</summary>
[GenerateSerializer, Alias("flint.apps.token_grant"), Immutable]
public sealed record TokenGrant(
    [property: Id(0)] string AccessToken,
    [property: Id(1)] string RefreshToken,
    [property: Id(2)] long ExpiresIn,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] string MerchantId,
    [property: Id(5)] string Environment,
    [property: Id(6)] string InstallationId);

/// <summary>A code exchange (RFC 6749 §4.1.3) as the token endpoint received it; the client was already checked
/// against the app (<see cref="ClientAuthenticated"/>: its secret was sent and is right).</summary>
[GenerateSerializer, Alias("flint.apps.code_exchange"), Immutable]
public sealed record CodeExchange(
    [property: Id(0)] string CodeHash,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string? RedirectUri,
    [property: Id(3)] string? CodeVerifier,
    [property: Id(4)] bool ClientAuthenticated);

/// <summary>Who an access token acts for, when it is valid.</summary>
[GenerateSerializer, Alias("flint.apps.app_access"), Immutable]
public sealed record AppAccess(
    [property: Id(0)] string PartnerAppId,
    [property: Id(1)] IReadOnlyList<string> Scopes);

/// <summary>A refusal of the token endpoint in OAuth's words (invalid_grant, invalid_client, …).</summary>
[GenerateSerializer, Alias("flint.apps.token_refusal"), Immutable]
public sealed record TokenRefusal([property: Id(0)] string Error, [property: Id(1)] string Description);

[GenerateSerializer, Alias("flint.apps.token_answer"), Immutable]
public sealed record TokenAnswer([property: Id(0)] TokenGrant? Grant, [property: Id(1)] TokenRefusal? Refusal);

public static class Installations
{
    /// <summary>The installation id of <paramref name="appId"/> in <paramref name="tenant"/>: the same for every install of
    /// the app there (installing again is the same installation). Not a secret: credentials carry it to say which
    /// installation to ask.</summary>
    public static string IdOf(Tenant tenant, string appId, DateTimeOffset appCreatedAt) =>
        Flint.Domain.FlintId.Derived(Flint.Domain.IdPrefix.Installation, appCreatedAt, $"{tenant.MerchantId}/{tenant.Environment}/{appId}");
}

public interface IInstallationGrain : IGrainWithStringKey
{
    /// <summary>The merchant approved: the app is installed (or its scopes changed) and a code is issued.</summary>
    Task<string> Approve(AppConsent consent, string userId);
    Task<TokenAnswer> ExchangeCode(CodeExchange exchange);
    Task<TokenAnswer> Refresh(string refreshTokenHash, string clientId, bool clientAuthenticated);
    /// <summary>Revokes an access token (that token) or a refresh token (its whole family); unknown ones change nothing.</summary>
    Task Revoke(string credentialHash, string clientId);
    /// <summary>Null when the token is not one of this installation's live access tokens.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<AppAccess?> Authenticate(string accessTokenHash);
    /// <summary>RESOURCE_NOT_FOUND when the app was never installed here.</summary>
    Task<InstallationView> Get();
    /// <summary>Every token stops working at once; the app is told (app.uninstalled).</summary>
    Task<InstallationView> Uninstall();
    /// <summary>For the delivery worker: the app's webhook_url and secrets; enabled while installed, and for the
    /// app.uninstalled event that says it no longer is.</summary>
    Task<Flint.Abstractions.Webhooks.WebhookSigning> Signing(string eventType);
}
