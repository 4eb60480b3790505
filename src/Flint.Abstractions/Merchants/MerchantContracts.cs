namespace Flint.Abstractions.Merchants;

// The answers and requests of /v1/merchants and /v1/api-keys (in the contracts, so the client libraries share them).

public sealed class CreateMerchantRequest
{
    public string? Name { get; set; }

    /// <summary>With <see cref="Password"/>: the merchant's first dashboard user (its owner), created with it.</summary>
    public string? Email { get; set; }

    public string? Password { get; set; }
}

public sealed class CreateApiKeyRequest
{
    public string? Name { get; set; }
}

public sealed record MerchantKeys(string Test, string Live);
public sealed record MerchantCreated(string MerchantId, string Name, DateTimeOffset CreatedAt, MerchantKeys ApiKeys, string? OwnerUserId);
public sealed record ApiKeyView(string ApiKeyId, string Environment, string KeyPrefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Secret);
