namespace Flint.Abstractions.Merchants;

[GenerateSerializer, Alias("flint.merchants.settings_request")]
public sealed class MerchantSettingsRequest
{
    /// <summary>Lets order lines for catalog items carry a caller-sent unit_price_money.</summary>
    [Id(0)] public bool? AllowPriceOverride { get; set; }
}

[GenerateSerializer, Alias("flint.merchants.settings_view")]
public sealed record MerchantSettingsView
{
    [Id(0)] public bool AllowPriceOverride { get; init; }
    [Id(1)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(2)] public long Version { get; init; }
}

/// <summary>Per merchant+environment settings (key: <c>tenant.GrainKey(IMerchantSettingsGrain.Key)</c>).</summary>
public interface IMerchantSettingsGrain : IGrainWithStringKey
{
    public const string Key = "settings";

    [Orleans.Concurrency.ReadOnly]
    Task<MerchantSettingsView> Get();
    Task<MerchantSettingsView> Update(MerchantSettingsRequest request);
}
