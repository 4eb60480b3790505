using Flint.Domain;
using Flint.Domain.Catalog;

namespace Flint.Grains.Catalog;

/// <summary>Field rules shared by products, variants and bundles, so each is written once.</summary>
internal static class CatalogInput
{
    public const int MaxNameLength = 255;
    public const int MaxDescriptionLength = 4096;
    public const int MaxSkuLength = 64;
    public const int MaxBarcodeLength = 64;
    public const int MaxCategories = 20;
    public const int MaxCategoryLength = 100;
    public const int MaxModifierSets = 20;
    public const int MaxVariants = 100;

    public static string Name(string? value, string param = "name")
    {
        if (value is null) throw DomainException.Missing(param);
        Validation.RequireLength(value, param, 1, MaxNameLength);
        if (string.IsNullOrWhiteSpace(value)) throw DomainException.Invalid("INVALID_FIELD", $"{param} cannot be blank.", param);
        return value;
    }

    public static string? Description(string? value, string param = "description")
    {
        if (value is null) return null;
        Validation.RequireLength(value, param, 0, MaxDescriptionLength);
        return value.Length == 0 ? null : value;
    }

    /// <summary>SKUs are compared exactly (case-sensitive) and may not contain whitespace at the ends.</summary>
    public static string? Sku(string? value, string param = "sku")
    {
        if (value is null || value.Length == 0) return null;
        Validation.RequireLength(value, param, 1, MaxSkuLength);
        if (value.Trim() != value || value.Any(char.IsControl))
            throw DomainException.Invalid("INVALID_SKU", "A SKU cannot start or end with whitespace or contain control characters.", param);
        return value;
    }

    public static string? Barcode(string? value, string param = "barcode")
    {
        if (value is null || value.Length == 0) return null;
        Validation.RequireLength(value, param, 1, MaxBarcodeLength);
        return value;
    }

    public static string TaxCategory(string? value, string param = "tax_category") =>
        value is null ? "general" : SnakeCase.ToSnake(Validation.ParseSnakeEnum<TaxCategory>(value, param).ToString());

    public static string ProductType(string? value, string param = "product_type") =>
        value is null ? "physical" : SnakeCase.ToSnake(Validation.ParseSnakeEnum<ProductType>(value, param).ToString());

    /// <summary>Status a client may set: active or inactive. Deleting is its own endpoint and is permanent.</summary>
    public static CatalogStatus SettableStatus(string? value, CatalogStatus fallback, string param = "status")
    {
        if (value is null) return fallback;
        var status = Validation.ParseSnakeEnum<CatalogStatus>(value, param);
        if (status == CatalogStatus.Deleted)
            throw DomainException.Invalid("INVALID_STATUS", "Use DELETE to delete; status can be active or inactive.", param);
        return status;
    }

    public static List<string> Categories(List<string>? values, string param = "categories") =>
        DistinctValues(values, param, MaxCategories, "categories", (c, p) => c is null
            ? throw DomainException.Invalid("INVALID_FIELD", "A category cannot be null.", p)
            : Validation.RequireLength(c, p, 1, MaxCategoryLength));

    public static List<string> ModifierSetIds(List<string>? values, string param = "modifier_set_ids") =>
        DistinctValues(values, param, MaxModifierSets, "modifier sets", (id, p) => FlintId.IsValid(id, IdPrefix.ModifierSet)
            ? id
            : throw DomainException.Invalid("INVALID_ID", $"'{id}' is not a modifier set id.", p));

    /// <summary>
    /// A list of ids or names as sent: null is none, more than <paramref name="max"/> is <c>TOO_MANY_ITEMS</c>, each
    /// value passes <paramref name="check"/> (given its JSON path), and a value sent twice is kept once, where it
    /// first appears.
    /// </summary>
    public static List<string> DistinctValues(List<string>? values, string param, int max, string what, Func<string?, string, string> check)
    {
        if (values is null) return [];
        if (values.Count > max) throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {max} {what}.", param);
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var value = check(values[i], $"{param}[{i}]");
            if (!result.Contains(value, StringComparer.Ordinal)) result.Add(value);
        }
        return result;
    }

    public static Dictionary<string, string> NewMetadata(Dictionary<string, string>? values)
    {
        if (values is null) return [];
        Metadata.Validate(values);
        return values.Where(kv => kv.Value.Length > 0).ToDictionary();
    }

    public static Dictionary<string, string> MergeMetadata(Dictionary<string, string> current, Dictionary<string, string>? patch) =>
        patch is null ? current : Metadata.Merge(current, patch).ToDictionary();

    /// <summary>The metadata after a create (<paramref name="current"/> null) or a sparse update.</summary>
    public static Dictionary<string, string> MetadataAfter(Dictionary<string, string>? current, Dictionary<string, string>? request) =>
        current is null ? NewMetadata(request) : MergeMetadata(current, request);

    /// <summary>The body of <c>PUT …/categories</c>: the whole new list, required (<c>[]</c> clears it).</summary>
    public static List<string> ReplacementCategories(List<string>? values) => values is null
        ? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "categories is required (send [] to clear).", "categories")
        : Categories(values);

    public static string SearchText(params IEnumerable<string?>[] parts) =>
        string.Join(' ', parts.SelectMany(p => p).Where(s => !string.IsNullOrEmpty(s))).ToLowerInvariant();

    public static DomainException NoFields() =>
        DomainException.Invalid("NO_FIELDS_TO_UPDATE", "The request changes nothing: send at least one field to update.");
}
