using System.Security.Cryptography;
using System.Text;

namespace Flint.Domain.Apps;

public enum AppCredentialKind
{
    /// <summary>An authorization code: single use, 5 minutes.</summary>
    Code,
    /// <summary>A Bearer token for /v1: 1 hour.</summary>
    AccessToken,
    /// <summary>Exchanged for a new access token and a new refresh token (the old one is then spent).</summary>
    RefreshToken,
    /// <summary>A paired POS device's Bearer token for /v1; its holder is the device, not an installation.</summary>
    DeviceToken,
}

/// <summary>
/// An authorization code, access token or refresh token of one installation (<c>fac_</c> / <c>fat_</c> / <c>frt_</c>), or
/// a paired device's token (<c>fdt_</c>): the environment, then the merchant's and the holder's ids (installation or
/// device; their 26 characters each) and 32 random characters, e.g. <c>fat_test_01JF…01JG…k3Xa…</c>. The ids in it only
/// say which grain to ask: the holder keeps the SHA-256 of every credential it issued (never the credential) and alone
/// decides whether it is valid, so a revocation holds at once everywhere.
/// </summary>
public sealed record AppCredential(AppCredentialKind Kind, string Environment, string MerchantId, string HolderId, string Secret)
{
    private const int IdLength = 26;
    private const int SecretLength = 32;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public string Text =>
        $"{Prefix(Kind)}_{Environment}_{MerchantId[(IdPrefix.Merchant.Length + 1)..]}{HolderId[(HolderPrefix(Kind).Length + 1)..]}{Secret}";

    /// <summary>What the installation keeps: the SHA-256 of the whole credential, in hex.</summary>
    public string Hash => HashOf(Text);

    public static string HashOf(string credential) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    public static AppCredential New(AppCredentialKind kind, string environment, string merchantId, string holderId) =>
        new(kind, environment, merchantId, holderId, RandomNumberGenerator.GetString(Alphabet, SecretLength));

    /// <summary>The parts of a credential of the given kind, or null when <paramref name="text"/> is not one.</summary>
    public static AppCredential? Parse(string? text, AppCredentialKind kind)
    {
        var prefix = Prefix(kind) + "_";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = text[prefix.Length..];
        var env = rest.StartsWith("test_", StringComparison.Ordinal) ? "test" : rest.StartsWith("live_", StringComparison.Ordinal) ? "live" : null;
        if (env is null) return null;
        rest = rest[(env.Length + 1)..];
        if (rest.Length != 2 * IdLength + SecretLength) return null;
        var merchant = $"{IdPrefix.Merchant}_{rest[..IdLength]}";
        var holder = $"{HolderPrefix(kind)}_{rest[IdLength..(2 * IdLength)]}";
        var secret = rest[(2 * IdLength)..];
        if (!FlintId.IsValid(merchant, IdPrefix.Merchant) || !FlintId.IsValid(holder, HolderPrefix(kind)) || !secret.All(c => Alphabet.Contains(c)))
            return null;
        return new AppCredential(kind, env, merchant, holder, secret);
    }

    /// <summary>Which kind a Bearer value claims to be, by its prefix alone.</summary>
    public static bool LooksLikeAccessToken(string bearer) => bearer.StartsWith(Prefix(AppCredentialKind.AccessToken) + "_", StringComparison.Ordinal);

    public static bool LooksLikeDeviceToken(string bearer) => bearer.StartsWith(Prefix(AppCredentialKind.DeviceToken) + "_", StringComparison.Ordinal);

    private static string Prefix(AppCredentialKind kind) => kind switch
    {
        AppCredentialKind.Code => "fac",
        AppCredentialKind.AccessToken => "fat",
        AppCredentialKind.DeviceToken => "fdt",
        _ => "frt",
    };

    private static string HolderPrefix(AppCredentialKind kind) => kind == AppCredentialKind.DeviceToken ? IdPrefix.Device : IdPrefix.Installation;
}

/// <summary>An app's client secret, <c>appsec_</c> and 40 random characters; the app keeps only its SHA-256.</summary>
public static class AppClientSecret
{
    public static string New() => "appsec_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 40);

    public static string HashOf(string secret) => AppCredential.HashOf(secret);

    public static bool Matches(string? secret, string hash) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(secret)), Encoding.ASCII.GetBytes(hash));
}
