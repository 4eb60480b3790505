using Flint.Abstractions;
using Flint.Abstractions.Merchants;
using Flint.Domain;
using Flint.Domain.Subscriptions;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Merchants;

[GenerateSerializer, Alias("flint.merchants.settings_state")]
public sealed class MerchantSettingsState : ObjectState
{
    [Id(0)] public bool AllowPriceOverride { get; set; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(2)] public string? StripeSecretKey { get; set; }
    /// <summary>Null until the merchant sets them: <see cref="DunningSchedule.Default"/> applies.</summary>
    [Id(3)] public List<int>? SubscriptionRetryAfterDays { get; set; }
    [Id(4)] public RetriesExhaustedAction? SubscriptionRetriesExhausted { get; set; }
    [Id(5)] public string? StripePublishableKey { get; set; }
}

/// <summary>A merchant's settings in one environment. Defaults apply until the first change.</summary>
public sealed class MerchantSettingsGrain(
    [PersistentState("merchant_settings", StorageNames.Flint)] IPersistentState<MerchantSettingsState> store,
    DeepCopier<MerchantSettingsState> copier,
    TimeProvider clock) : TenantGrain<MerchantSettingsState>(store, copier, clock), IMerchantSettingsGrain
{
    public Task<MerchantSettingsView> Get() => Task.FromResult(View(State));


    public async Task<MerchantSettingsView> Update(MerchantSettingsRequest request)
    {
        if (request.AllowPriceOverride is null && request.SubscriptionRetryAfterDays is null && request.SubscriptionRetriesExhausted is null)
            throw CatalogInput.NoFields();
        var current = Dunning(State);
        var exhausted = request.SubscriptionRetriesExhausted is null
            ? current.WhenExhausted
            : Validation.ParseSnakeEnum<RetriesExhaustedAction>(request.SubscriptionRetriesExhausted, "subscription_retries_exhausted");
        var dunning = request.SubscriptionRetryAfterDays is null
            ? current with { WhenExhausted = exhausted }
            : DunningSchedule.Create(request.SubscriptionRetryAfterDays, exhausted, "subscription_retry_after_days");
        return await Change(draft =>
        {
            draft.AllowPriceOverride = request.AllowPriceOverride ?? draft.AllowPriceOverride;
            draft.SubscriptionRetryAfterDays = dunning.RetryAfterDays.ToList();
            draft.SubscriptionRetriesExhausted = dunning.WhenExhausted;
            draft.UpdatedAt = Now;
            var v = View(draft);
            Record(draft, "settings.updated", v);
            return v;
        });
    }

    public async Task<MerchantSettingsView> UpdatePayments(PaymentSettingsRequest request)
    {
        if (request.StripeSecretKey is null && request.StripePublishableKey is null) throw CatalogInput.NoFields();
        var live = Tenant.Environment == Tenant.Live;
        var secret = StripeKey(request.StripeSecretKey, "stripe_secret_key", "secret", live ? ["sk_live_", "rk_live_"] : ["sk_test_", "rk_test_"]);
        var publishable = StripeKey(request.StripePublishableKey, "stripe_publishable_key", "publishable", live ? ["pk_live_"] : ["pk_test_"]);
        return await Change(draft =>
        {
            if (secret is not null) draft.StripeSecretKey = secret.Length == 0 ? null : secret;
            if (publishable is not null) draft.StripePublishableKey = publishable.Length == 0 ? null : publishable;
            draft.UpdatedAt = Now;
            var v = View(draft);
            Record(draft, "settings.updated", v);
            return v;
        });
    }

    /// <summary>A Stripe key of this environment's kind ("" removes it; null leaves it as it is).</summary>
    private string? StripeKey(string? key, string field, string kind, string[] prefixes)
    {
        if (string.IsNullOrEmpty(key)) return key;
        if (key.Length is < 12 or > 255 || !prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) || key.Any(char.IsWhiteSpace))
            throw DomainException.Invalid("INVALID_STRIPE_KEY", $"Expected a Stripe {Tenant.Environment} {kind} key ({prefixes[0]}…).", field);
        return key;
    }

    public Task<string?> StripeSecretKey() => Task.FromResult(State.StripeSecretKey);

    protected override ProjectionRecord? Project(MerchantSettingsState state) => null;

    private MerchantSettingsView View(MerchantSettingsState s) => new()
    {
        AllowPriceOverride = s.AllowPriceOverride,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        PaymentProcessor = s.StripeSecretKey is not null ? "stripe" : Tenant.Environment == Tenant.Test ? "simulated" : "none",
        StripeKeyLast4 = s.StripeSecretKey?[^4..],
        StripePublishableKey = s.StripePublishableKey,
        SubscriptionRetryAfterDays = Dunning(s).RetryAfterDays,
        SubscriptionRetriesExhausted = SnakeCase.ToSnake(Dunning(s).WhenExhausted),
    };

    private static DunningSchedule Dunning(MerchantSettingsState s) => s.SubscriptionRetryAfterDays is { } days
        ? new DunningSchedule(days, s.SubscriptionRetriesExhausted ?? DunningSchedule.Default.WhenExhausted)
        : DunningSchedule.Default with { WhenExhausted = s.SubscriptionRetriesExhausted ?? DunningSchedule.Default.WhenExhausted };
}
