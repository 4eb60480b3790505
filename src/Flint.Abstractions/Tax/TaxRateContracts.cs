namespace Flint.Abstractions.Tax;

[GenerateSerializer, Alias("flint.tax.jurisdiction_input")]
public sealed class JurisdictionInput
{
    [Id(0)] public string? Country { get; set; }
    [Id(1)] public string? Region { get; set; }
    [Id(2)] public List<string>? PostalCodePrefixes { get; set; }
}

[GenerateSerializer, Alias("flint.tax.tax_rate_request")]
public sealed class TaxRateRequest
{
    [Id(0)] public string? Name { get; set; }
    /// <summary>Decimal string, up to 4 decimals: "8.875".</summary>
    [Id(1)] public string? Percentage { get; set; }
    /// <summary>additive | inclusive</summary>
    [Id(2)] public string? Inclusion { get; set; }
    /// <summary>Tax categories it applies to; empty or absent = all.</summary>
    [Id(3)] public List<string>? TaxCategories { get; set; }
    [Id(4)] public JurisdictionInput? Jurisdiction { get; set; }
    /// <summary>active | inactive</summary>
    [Id(5)] public string? Status { get; set; }
    [Id(6)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.tax.jurisdiction_view"), Immutable]
public sealed record JurisdictionView(
    [property: Id(0)] string Country,
    [property: Id(1)] string? Region,
    [property: Id(2)] IReadOnlyList<string> PostalCodePrefixes);

[GenerateSerializer, Immutable, Alias("flint.tax.tax_rate_view")]
public sealed record TaxRateView : CatalogObjectView
{
    [Id(0)] public required string TaxRateId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Percentage { get; init; }
    [Id(3)] public required string Inclusion { get; init; }
    [Id(4)] public required IReadOnlyList<string> TaxCategories { get; init; }
    [Id(5)] public required JurisdictionView Jurisdiction { get; init; }
    [Id(6)] public required string Status { get; init; }
}

/// <summary>Where an order is taxed.</summary>
[GenerateSerializer, Alias("flint.tax.tax_location")]
public sealed class TaxLocationInput
{
    [Id(0)] public string? Country { get; set; }
    [Id(1)] public string? Region { get; set; }
    [Id(2)] public string? PostalCode { get; set; }
}

/// <summary>All tax rates of one merchant+environment, in one grain (key: <c>tenant.GrainKey(TaxRatesKey)</c>):
/// rates are few, and an order asks for the ones that match its location on every change.</summary>
public interface ITaxRatesGrain : IGrainWithStringKey
{
    public const string Key = "tax_rates";

    Task<TaxRateView> Create(string taxRateId, TaxRateRequest request);
    Task<TaxRateView> Get(string taxRateId);
    Task<TaxRateView> Update(string taxRateId, TaxRateRequest request);
    Task<TaxRateView> Delete(string taxRateId);
    /// <summary>Newest first; <paramref name="status"/> filters (null = all but deleted).</summary>
    Task<Page<TaxRateView>> List(string? status, int pageSize, string? pageToken);
    /// <summary>Active rates whose jurisdiction matches the location (none when the location is null).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<TaxRateView>> ApplicableTo(TaxLocationInput? location);
}
