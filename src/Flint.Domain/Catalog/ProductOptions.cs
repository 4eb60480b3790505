namespace Flint.Domain.Catalog;

/// <summary>A product option such as Size with its allowed values (S, M, L).</summary>
public sealed record ProductOption(string Name, IReadOnlyList<string> Values);

/// <summary>
/// Rules tying a product's options to its variants (as Shopify does): up to 3 options, each variant picks exactly one
/// value per option, and no two variants pick the same combination. A product without options has one variant.
/// </summary>
/// <remarks>
/// Error codes (all invalid_request):
/// <c>TOO_MANY_OPTIONS</c>, <c>DUPLICATE_OPTION_NAME</c> (names compare case-insensitively), <c>INVALID_OPTION_VALUES</c>
/// (an option needs 1–100 values), <c>DUPLICATE_OPTION_VALUE</c> (case-insensitive, within one option),
/// <c>MISSING_OPTION_VALUE</c>, <c>UNKNOWN_OPTION</c>, <c>UNKNOWN_OPTION_VALUE</c>, <c>DUPLICATE_VARIANT_COMBINATION</c>,
/// plus the <see cref="Validation"/> length codes for names and values (1–255 characters).
/// A variant's picks must spell option names and values exactly as defined, so stored variants always match their
/// product's options byte for byte.
/// </remarks>
public static class ProductOptions
{
    public const int MaxOptions = 3;
    public const int MaxValuesPerOption = 100;
    public const int MaxNameLength = 255;
    public const int MaxValueLength = 255;

    public static void Validate(
        IReadOnlyList<ProductOption> options,
        IReadOnlyList<IReadOnlyDictionary<string, string>> variantOptionValues)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(variantOptionValues);
        ValidateOptions(options);

        var combinations = new HashSet<string>(StringComparer.Ordinal);
        for (var v = 0; v < variantOptionValues.Count; v++)
        {
            var picks = variantOptionValues[v] ?? new Dictionary<string, string>();
            var param = $"variants[{v}].option_values";

            foreach (var name in picks.Keys)
            {
                if (!options.Any(o => string.Equals(o.Name, name, StringComparison.Ordinal)))
                {
                    throw DomainException.Invalid(
                        "UNKNOWN_OPTION",
                        options.Count == 0
                            ? $"Variant {v} names option \"{name}\", but the product has no options."
                            : $"Variant {v} names option \"{name}\", which the product does not have; options are: {string.Join(", ", options.Select(o => o.Name))}.",
                        $"{param}.{name}");
                }
            }

            var key = new System.Text.StringBuilder();
            foreach (var option in options)
            {
                if (!picks.TryGetValue(option.Name, out var value))
                {
                    throw DomainException.Invalid(
                        "MISSING_OPTION_VALUE", $"Variant {v} must choose a value for option \"{option.Name}\".", param);
                }

                if (!option.Values.Contains(value, StringComparer.Ordinal))
                {
                    throw DomainException.Invalid(
                        "UNKNOWN_OPTION_VALUE",
                        $"\"{value}\" is not a value of option \"{option.Name}\"; use one of: {string.Join(", ", option.Values)}.",
                        $"{param}.{option.Name}");
                }

                // Length-prefixed so no value can fake a separator.
                key.Append(value.Length).Append(':').Append(value);
            }

            if (!combinations.Add(key.ToString()))
            {
                throw DomainException.Invalid(
                    "DUPLICATE_VARIANT_COMBINATION",
                    options.Count == 0
                        ? "A product without options can have only one variant."
                        : $"Variant {v} repeats the option combination {Describe(options, picks)} of an earlier variant.",
                    param);
            }
        }
    }

    private static void ValidateOptions(IReadOnlyList<ProductOption> options)
    {
        if (options.Count > MaxOptions)
        {
            throw DomainException.Invalid(
                "TOO_MANY_OPTIONS", $"A product can have at most {MaxOptions} options (got {options.Count}).", "options");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            var name = Validation.RequireLength(option.Name, $"options[{i}].name", 1, MaxNameLength);
            if (!names.Add(name))
            {
                throw DomainException.Invalid(
                    "DUPLICATE_OPTION_NAME", $"Option names must be unique; \"{name}\" appears twice.", $"options[{i}].name");
            }

            var values = option.Values;
            if (values is null || values.Count is 0 or > MaxValuesPerOption)
            {
                throw DomainException.Invalid(
                    "INVALID_OPTION_VALUES",
                    $"Option \"{name}\" needs between 1 and {MaxValuesPerOption} values (got {values?.Count ?? 0}).",
                    $"options[{i}].values");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < values.Count; j++)
            {
                var value = Validation.RequireLength(values[j], $"options[{i}].values[{j}]", 1, MaxValueLength);
                if (!seen.Add(value))
                {
                    throw DomainException.Invalid(
                        "DUPLICATE_OPTION_VALUE",
                        $"Option \"{name}\" lists the value \"{value}\" twice.",
                        $"options[{i}].values[{j}]");
                }
            }
        }
    }

    private static string Describe(IReadOnlyList<ProductOption> options, IReadOnlyDictionary<string, string> picks) =>
        string.Join(" / ", options.Select(o => $"{o.Name}={picks[o.Name]}"));
}
