namespace Flint.Abstractions.Merchants;

[GenerateSerializer, Alias("flint.merchants.settings_request")]
public sealed class MerchantSettingsRequest
{
    /// <summary>Lets order lines for catalog items carry a caller-sent unit_price_money.</summary>
    [Id(0)] public bool? AllowPriceOverride { get; set; }
    /// <summary>Days after a subscription cycle's first failed charge on which it is charged again (1–8 retries,
    /// each 1–60 days, strictly increasing; default [1, 3, 5]).</summary>
    [Id(1)] public List<long>? SubscriptionRetryAfterDays { get; set; }
    /// <summary>What a subscription becomes when its retries are used up: cancel (default) | mark_unpaid.</summary>
    [Id(2)] public string? SubscriptionRetriesExhausted { get; set; }
}

[GenerateSerializer, Alias("flint.merchants.payment_settings_request")]
public sealed class PaymentSettingsRequest
{
    /// <summary>A Stripe secret key (sk_test_… / sk_live_…, or rk_…): write-only, never returned or logged.
    /// "" removes it (test mode then uses the simulated processor again).</summary>
    [Id(0)] public string? StripeSecretKey { get; set; }
    /// <summary>The Stripe publishable key of the same account (pk_test_… / pk_live_…): the hosted checkout page's card
    /// element uses it. Not a secret; shown by GET /v1/settings. "" removes it.</summary>
    [Id(1)] public string? StripePublishableKey { get; set; }
}

[GenerateSerializer, Immutable, Alias("flint.merchants.settings_view")]
public sealed record MerchantSettingsView
{
    [Id(0)] public bool AllowPriceOverride { get; init; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(2)] public long Version { get; init; }
    /// <summary>stripe when a Stripe key is configured, else simulated (test) or none (live).</summary>
    [Id(3)] public string PaymentProcessor { get; init; } = "simulated";
    /// <summary>The last 4 characters of the configured Stripe key, to recognise it.</summary>
    [Id(4)] public string? StripeKeyLast4 { get; init; }
    [Id(5)] public IReadOnlyList<int> SubscriptionRetryAfterDays { get; init; } = [];
    /// <summary>cancel | mark_unpaid</summary>
    [Id(6)] public string SubscriptionRetriesExhausted { get; init; } = "cancel";
    /// <summary>The Stripe publishable key the hosted checkout page's card element uses.</summary>
    [Id(7)] public string? StripePublishableKey { get; init; }
}

/// <summary>Per merchant+environment settings (key: <c>tenant.GrainKey(IMerchantSettingsGrain.Key)</c>).</summary>
public interface IMerchantSettingsGrain : IGrainWithStringKey
{
    public const string Key = "settings";

    [Orleans.Concurrency.ReadOnly]
    Task<MerchantSettingsView> Get();
    Task<MerchantSettingsView> Update(MerchantSettingsRequest request);
    Task<MerchantSettingsView> UpdatePayments(PaymentSettingsRequest request);
    /// <summary>For the payment saga only: the secret key stays inside the cluster.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<string?> StripeSecretKey();
}
