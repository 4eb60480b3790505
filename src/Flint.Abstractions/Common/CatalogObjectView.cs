namespace Flint.Abstractions;

/// <summary>
/// What every catalog-style view (product, bundle, modifier set, coupon, tax rate) ends with: its metadata, when it was
/// created and last changed, and its version.
/// </summary>
/// <remarks>System.Text.Json writes a derived record's own properties first and these after them, which is where each
/// view has always had them (<c>…, metadata, created_at, updated_at, version</c>). The Orleans ids below are an id space
/// of their own, apart from each view's.</remarks>
[GenerateSerializer, Alias("flint.catalog_object_view")]
public abstract record CatalogObjectView
{
    [Id(0)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(1)] public DateTimeOffset CreatedAt { get; init; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(3)] public long Version { get; init; }
    /// <summary>Who created it: api_key:key_… or app:app_… (a partner app).</summary>
    [Id(4)] public string? CreatedBy { get; init; }
}
