using Flint.Abstractions;
using Flint.Abstractions.Merchants;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Merchants;

[GenerateSerializer, Alias("flint.merchants.settings_state")]
public sealed class MerchantSettingsState : ObjectState
{
    [Id(0)] public bool AllowPriceOverride { get; set; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; set; }
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
        if (request.AllowPriceOverride is null) throw CatalogInput.NoFields();
        return await Change(draft =>
        {
            draft.AllowPriceOverride = request.AllowPriceOverride.Value;
            draft.UpdatedAt = Now;
            var v = View(draft);
            Record(draft, "settings.updated", v);
            return v;
        });
    }

    protected override ProjectionRecord? Project(MerchantSettingsState state) => null;

    private static MerchantSettingsView View(MerchantSettingsState s) =>
        new() { AllowPriceOverride = s.AllowPriceOverride, UpdatedAt = s.UpdatedAt, Version = s.Version };
}
