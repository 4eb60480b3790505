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
}

/// <summary>A merchant's settings in one environment. Defaults apply until the first change.</summary>
public sealed class MerchantSettingsGrain(
    [PersistentState("merchant_settings", "flint")] IPersistentState<MerchantSettingsState> store,
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
        if (request.StripeSecretKey is null) throw CatalogInput.NoFields();
        var key = request.StripeSecretKey;
        if (key.Length > 0)
        {
            var prefix = Tenant.Environment == Tenant.Live ? "sk_live_" : "sk_test_";
            var restricted = Tenant.Environment == Tenant.Live ? "rk_live_" : "rk_test_";
            if (key.Length is < 12 or > 255 || !(key.StartsWith(prefix, StringComparison.Ordinal) || key.StartsWith(restricted, StringComparison.Ordinal)) || key.Any(char.IsWhiteSpace))
                throw DomainException.Invalid("INVALID_STRIPE_KEY", $"Expected a Stripe {Tenant.Environment} secret key ({prefix}…).", "stripe_secret_key");
        }
        return await Change(draft =>
        {
            draft.StripeSecretKey = key.Length == 0 ? null : key;
            draft.UpdatedAt = Now;
            var v = View(draft);
            Record(draft, "settings.updated", v);
            return v;
        });
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
        SubscriptionRetryAfterDays = Dunning(s).RetryAfterDays,
        SubscriptionRetriesExhausted = SnakeCase.ToSnake(Dunning(s).WhenExhausted),
    };

    private static DunningSchedule Dunning(MerchantSettingsState s) => s.SubscriptionRetryAfterDays is { } days
        ? new DunningSchedule(days, s.SubscriptionRetriesExhausted ?? DunningSchedule.Default.WhenExhausted)
        : DunningSchedule.Default with { WhenExhausted = s.SubscriptionRetriesExhausted ?? DunningSchedule.Default.WhenExhausted };
}
