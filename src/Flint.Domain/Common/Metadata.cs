namespace Flint.Domain;

/// <summary>
/// Merchant-defined key/value pairs on business objects. Limits (API.md): at most 50 keys, keys 1–40
/// characters, values at most 500 characters. Every violation is <c>INVALID_METADATA</c>.
/// </summary>
public static class Metadata
{
    public const int MaxKeys = 50;
    public const int MaxKeyLength = 40;
    public const int MaxValueLength = 500;

    public static IReadOnlyDictionary<string, string> Empty { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Validates metadata as given on create; null (omitted) is fine.</summary>
    public static void Validate(IReadOnlyDictionary<string, string>? metadata, string param = "metadata")
    {
        if (metadata is null)
        {
            return;
        }

        RequireKeyCount(metadata.Count, param);
        foreach (var (key, value) in metadata)
        {
            ValidateEntry(key, value, param);
        }
    }

    /// <summary>
    /// Applies a PATCH: an empty patch (<c>{}</c>) clears everything, a <c>""</c> value deletes that key, any other
    /// value sets it. The result is validated (at most 50 keys after the merge) and is a fresh dictionary with
    /// surviving keys in their old order followed by new keys, so repeated merges serialize deterministically.
    /// On create, <c>Merge(Metadata.Empty, given)</c> yields the stored form (<c>""</c> values dropped).
    /// </summary>
    public static Dictionary<string, string> Merge(
        IReadOnlyDictionary<string, string> current,
        IReadOnlyDictionary<string, string> patch,
        string param = "metadata")
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(patch);

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        if (patch.Count == 0)
        {
            return merged;
        }

        foreach (var (key, value) in patch)
        {
            ValidateEntry(key, value, param);
        }

        foreach (var (key, value) in current)
        {
            if (!patch.TryGetValue(key, out var patched))
            {
                merged[key] = value;
            }
            else if (patched.Length > 0)
            {
                merged[key] = patched;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (value.Length > 0 && !current.ContainsKey(key))
            {
                merged[key] = value;
            }
        }

        RequireKeyCount(merged.Count, param);
        return merged;
    }

    private static void RequireKeyCount(int count, string param)
    {
        if (count > MaxKeys)
        {
            throw DomainException.Invalid(
                "INVALID_METADATA", $"{param} can have at most {MaxKeys} keys (would have {count}).", param);
        }
    }

    private static void ValidateEntry(string key, string? value, string param)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw DomainException.Invalid("INVALID_METADATA", $"{param} keys must not be empty.", param);
        }

        var keyParam = $"{param}.{key}";
        var keyLength = Validation.CharacterCount(key);
        if (keyLength > MaxKeyLength)
        {
            throw DomainException.Invalid(
                "INVALID_METADATA", $"{param} keys must be at most {MaxKeyLength} characters (got {keyLength}).", keyParam);
        }

        if (value is null)
        {
            throw DomainException.Invalid(
                "INVALID_METADATA", $"{param} values must be strings; use \"\" to delete a key.", keyParam);
        }

        var valueLength = Validation.CharacterCount(value);
        if (valueLength > MaxValueLength)
        {
            throw DomainException.Invalid(
                "INVALID_METADATA", $"{param} values must be at most {MaxValueLength} characters (got {valueLength}).", keyParam);
        }

        if (key.Contains('\0') || value.Contains('\0'))
        {
            throw DomainException.Invalid("INVALID_METADATA", $"{param} must not contain NUL (\\u0000) characters.", keyParam);
        }
    }
}
