namespace Flint.Domain.Catalog;

/// <summary>
/// Lifecycle of catalog objects; wire form <c>active</c>/<c>inactive</c>/<c>deleted</c>. Deleted objects are kept
/// (orders still point at them) but hidden from lists and cannot be sold.
/// </summary>
public enum CatalogStatus
{
    Active,
    Inactive,
    Deleted,
}
