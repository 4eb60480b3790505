using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;

namespace Flint.Grains.Catalog;

/// <summary>The grains a product or bundle refers to: the modifier sets assigned to it and its variants' stock.</summary>
internal static class CatalogReferences
{
    /// <summary>Every assigned modifier set exists and is not deleted (else <c>INVALID_MODIFIER_SET</c>).</summary>
    public static async Task EnsureModifierSets(this IGrainFactory grains, Tenant tenant, List<string> ids)
    {
        foreach (var id in ids)
            await grains.GetGrain<IModifierSetGrain>(tenant.GrainKey(id)).EnsureAssignable();
    }

    public static IVariantInventoryGrain Inventory(this IGrainFactory grains, Tenant tenant, string variantId) =>
        grains.GetGrain<IVariantInventoryGrain>(tenant.GrainKey(variantId));
}
