using Flint.Abstractions.Merchants;
using Flint.Abstractions.Users;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class SettingsResource(FlintTransport t)
{
    public Task<MerchantSettingsView> GetAsync(CancellationToken ct = default) =>
        t.Send<MerchantSettingsView>(HttpMethod.Get, "/v1/settings", null, null, ct);
    public Task<MerchantSettingsView> UpdateAsync(MerchantSettingsRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<MerchantSettingsView>(HttpMethod.Patch, "/v1/settings", request, options?.IdempotencyKey, ct);
    /// <summary>The card processor of this environment (simulated, or Stripe with its key).</summary>
    public Task<MerchantSettingsView> UpdatePaymentsAsync(PaymentSettingsRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<MerchantSettingsView>(HttpMethod.Put, "/v1/settings/payments", request, options?.IdempotencyKey, ct);
}

/// <summary>The merchant's secret keys: roll (create a new one, shown once) and revoke.</summary>
public sealed class ApiKeysResource(FlintTransport t)
{
    public Task<ApiKeyView> CreateAsync(CreateApiKeyRequest? request = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<ApiKeyView>(HttpMethod.Post, "/v1/api-keys", request ?? new CreateApiKeyRequest(), options?.IdempotencyKey, ct);
    public IAsyncEnumerable<ApiKeyView> ListAsync(CancellationToken ct = default) =>
        t.List<ApiKeyView>("/v1/api-keys", null, ct);
    /// <summary>The key stops working at once.</summary>
    public Task<ApiKeyView> RevokeAsync(string apiKeyId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<ApiKeyView>(HttpMethod.Delete, $"/v1/api-keys/{Segment(apiKeyId)}", null, options?.IdempotencyKey, ct);
}

/// <summary>The people who sign in to the merchant's dashboard pages.</summary>
public sealed class UsersResource(FlintTransport t)
{
    public Task<UserView> CreateAsync(CreateUserRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<UserView>(HttpMethod.Post, "/v1/users", request, options?.IdempotencyKey, ct);
    public IAsyncEnumerable<UserView> ListAsync(CancellationToken ct = default) =>
        t.List<UserView>("/v1/users", null, ct);
    public Task<RemovedUserView> DeleteAsync(string userId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<RemovedUserView>(HttpMethod.Delete, $"/v1/users/{Segment(userId)}", null, options?.IdempotencyKey, ct);
}

/// <summary>The operator's call (the client's key is FLINT_ADMIN_TOKEN): a new merchant and its keys (shown once).</summary>
public sealed class MerchantsResource(FlintTransport t)
{
    public Task<MerchantCreated> CreateAsync(CreateMerchantRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<MerchantCreated>(HttpMethod.Post, "/v1/merchants", request, options?.IdempotencyKey, ct);
}
