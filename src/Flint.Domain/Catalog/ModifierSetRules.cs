using System.Globalization;

namespace Flint.Domain.Catalog;

/// <summary>
/// Rules of modifier sets ("choose 1–2 toppings"): how many options a buyer must and may pick.
/// Codes: <c>INVALID_MODIFIER_SELECTION_RANGE</c> (definition), <c>INVALID_MODIFIER_SELECTION</c> (too few/many picked),
/// <c>UNKNOWN_MODIFIER_OPTION</c>, <c>DUPLICATE_MODIFIER_OPTION</c>.
/// </summary>
public static class ModifierSetRules
{
    /// <summary>Requires 0 ≤ min ≤ max ≤ number of options.</summary>
    public static void ValidateDefinition(int minSelections, int maxSelections, int optionCount)
    {
        if (minSelections < 0)
        {
            throw RangeError($"min_selections must not be negative (got {minSelections}).", "min_selections");
        }

        if (maxSelections < minSelections)
        {
            throw RangeError(
                $"max_selections ({maxSelections}) must be at least min_selections ({minSelections}).", "max_selections");
        }

        if (maxSelections > optionCount)
        {
            throw RangeError(
                $"max_selections ({maxSelections}) cannot exceed the number of options ({optionCount}).", "max_selections");
        }
    }

    /// <summary>
    /// Checks a buyer's picks from one set: each id is an option of the set, none twice, and the count is within
    /// [min, max]. <paramref name="param"/> is the JSON path of the picked id list.
    /// </summary>
    public static void ValidateSelection(
        int minSelections,
        int maxSelections,
        IReadOnlyList<string> pickedOptionIds,
        IEnumerable<string> allowedOptionIds,
        string param = "modifier_option_ids")
    {
        ArgumentNullException.ThrowIfNull(pickedOptionIds);
        ArgumentNullException.ThrowIfNull(allowedOptionIds);
        var allowed = allowedOptionIds as IReadOnlySet<string> ?? allowedOptionIds.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pickedOptionIds.Count; i++)
        {
            var id = pickedOptionIds[i];
            if (id is null || !allowed.Contains(id))
            {
                throw DomainException.Invalid(
                    "UNKNOWN_MODIFIER_OPTION", $"\"{id}\" is not an option of this modifier set.", $"{param}[{i}]");
            }

            if (!seen.Add(id))
            {
                throw DomainException.Invalid(
                    "DUPLICATE_MODIFIER_OPTION", $"Modifier option \"{id}\" is picked more than once.", $"{param}[{i}]");
            }
        }

        var count = pickedOptionIds.Count;
        if (count < minSelections || count > maxSelections)
        {
            var expected = minSelections == maxSelections
                ? $"exactly {minSelections}"
                : $"between {minSelections} and {maxSelections}";
            throw DomainException.Invalid(
                "INVALID_MODIFIER_SELECTION",
                string.Create(CultureInfo.InvariantCulture, $"Pick {expected} options from this modifier set (got {count})."),
                param);
        }
    }

    private static DomainException RangeError(string message, string param) =>
        DomainException.Invalid("INVALID_MODIFIER_SELECTION_RANGE", message, param);
}
