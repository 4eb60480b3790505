namespace Flint.Domain;

/// <summary>
/// Sparse-update (PATCH) rules for string fields: an omitted field (null) leaves the current value,
/// a present field replaces it, and a clearable field is cleared with <c>""</c>.
/// Errors are the <see cref="Validation"/> codes: <c>FIELD_TOO_SHORT</c>, <c>FIELD_TOO_LONG</c>, <c>INVALID_FIELD</c>.
/// </summary>
public static class Text
{
    /// <summary>Optional string: null → unchanged, <c>""</c> → cleared (null), anything else replaces.</summary>
    public static string? Clearable(string? patchValue, string? current) => patchValue switch
    {
        null => current,
        "" => null,
        _ => patchValue,
    };

    /// <summary><see cref="Clearable(string?, string?)"/> plus a length limit on the new value.</summary>
    public static string? Clearable(string? patchValue, string? current, string param, int max)
    {
        if (patchValue is { Length: > 0 })
        {
            Validation.CheckLength(patchValue, param, 1, max);
        }

        return Clearable(patchValue, current);
    }

    /// <summary>
    /// Required string: null → unchanged; otherwise validated like on create, so <c>""</c> cannot clear a required
    /// field (it fails with <c>FIELD_TOO_SHORT</c> when <paramref name="min"/> ≥ 1).
    /// </summary>
    public static string Required(string? patchValue, string current, string param, int min, int max)
    {
        if (patchValue is null)
        {
            return current;
        }

        Validation.CheckLength(patchValue, param, min, max);
        return patchValue;
    }
}
