using Flint.Domain;

namespace Flint.Grains.Common;

/// <summary>Turns the database's refusals that carry a business meaning into domain errors.
/// The storage write function raises 'flint_sku_conflict:&lt;sku&gt;' when another object owns a SKU, and the
/// coupon code index refuses a second live coupon with the same code.</summary>
public static class StorageErrors
{
    private const string SkuConflictMarker = "flint_sku_conflict:";
    private const string CouponCodeIndex = "flint_objects_coupon_code_uniq";

    public static Exception Translate(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner.Message.Contains(CouponCodeIndex, StringComparison.Ordinal))
                return DomainException.Conflict("COUPON_CODE_EXISTS", "Another coupon already uses this code.", "code");
            var at = inner.Message.IndexOf(SkuConflictMarker, StringComparison.Ordinal);
            if (at < 0) continue;
            var sku = inner.Message[(at + SkuConflictMarker.Length)..].Split('\n', '\r')[0].Trim();
            return DomainException.Conflict("SKU_ALREADY_EXISTS", $"SKU '{sku}' is already used by another variant or bundle.", "sku");
        }
        return e;
    }
}
