namespace Flint.Abstractions.Catalog;

/// <summary><c>GET /v1/catalog/by-sku/{sku}</c>: the variant or bundle with the SKU; <see cref="Object"/> is its product or bundle.</summary>
public sealed record CatalogItemBySku(string Sku, string ObjectType, string? ProductId, string? VariantId, string? BundleId, object Object);
