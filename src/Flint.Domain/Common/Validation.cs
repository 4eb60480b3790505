using System.Globalization;

namespace Flint.Domain;

/// <summary>
/// Reusable input checks, so every endpoint words the same mistake the same way.
/// Error codes raised here (all <see cref="DomainErrorKind.InvalidRequest"/>):
/// <list type="bullet">
/// <item><c>MISSING_REQUIRED_FIELD</c> — a required value is absent (null).</item>
/// <item><c>FIELD_TOO_SHORT</c> — fewer characters than allowed (includes <c>""</c> for a required field).</item>
/// <item><c>FIELD_TOO_LONG</c> — more characters than allowed.</item>
/// <item><c>INVALID_FIELD</c> — contains a NUL character, which PostgreSQL text cannot store.</item>
/// <item><c>INVALID_ENUM_VALUE</c> — not one of the allowed snake_case values (the message lists them).</item>
/// <item><c>VALUE_OUT_OF_RANGE</c> — a number outside its inclusive bounds.</item>
/// </list>
/// Lengths count Unicode characters (code points), not UTF-16 units, so an emoji counts once —
/// the same way PostgreSQL counts <c>varchar(n)</c>.
/// </summary>
public static class Validation
{
    public static string RequireLength(string? value, string param, int min, int max)
    {
        if (value is null)
        {
            throw DomainException.Missing(param);
        }

        CheckLength(value, param, min, max);
        return value;
    }

    /// <summary>Length and character checks for a present value; used by <see cref="Text"/> and <see cref="Metadata"/> too.</summary>
    internal static void CheckLength(string value, string param, int min, int max)
    {
        if (value.Contains('\0'))
        {
            throw DomainException.Invalid("INVALID_FIELD", $"{param} must not contain NUL (\\u0000) characters.", param);
        }

        var length = CharacterCount(value);
        if (length < min)
        {
            throw DomainException.Invalid(
                "FIELD_TOO_SHORT",
                min == 1 ? $"{param} must not be empty." : $"{param} must be at least {min} characters long (got {length}).",
                param);
        }

        if (length > max)
        {
            throw DomainException.Invalid("FIELD_TOO_LONG", $"{param} must be at most {max} characters long (got {length}).", param);
        }
    }

    /// <summary>Number of Unicode code points; a lone surrogate counts as one.</summary>
    public static int CharacterCount(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    public static long RequireRange(long value, long min, long max, string param)
    {
        if (value < min || value > max)
        {
            throw DomainException.Invalid(
                "VALUE_OUT_OF_RANGE",
                string.Create(CultureInfo.InvariantCulture, $"{param} must be between {min} and {max} (got {value})."),
                param);
        }

        return value;
    }

    /// <summary>Parses a snake_case enum value; null is <c>MISSING_REQUIRED_FIELD</c>.</summary>
    public static TEnum ParseSnakeEnum<TEnum>(string? value, string param)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            throw DomainException.Invalid(
                "MISSING_REQUIRED_FIELD",
                $"{param} is required; use one of: {string.Join(", ", SnakeCase.Names<TEnum>())}.",
                param);
        }

        if (SnakeCase.TryParse<TEnum>(value, out var result))
        {
            return result;
        }

        throw InvalidEnum(value, param, SnakeCase.Names<TEnum>());
    }

    /// <summary>
    /// Like <see cref="ParseSnakeEnum{TEnum}(string?, string)"/> but only <paramref name="allowed"/> members are
    /// accepted (e.g. a client may set <c>active</c>/<c>inactive</c> but never <c>deleted</c>).
    /// </summary>
    public static TEnum ParseSnakeEnum<TEnum>(string? value, string param, IReadOnlyCollection<TEnum> allowed)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var allowedNames = allowed.Select(SnakeCase.ToSnake).ToArray();
        if (value is null)
        {
            throw DomainException.Invalid(
                "MISSING_REQUIRED_FIELD", $"{param} is required; use one of: {string.Join(", ", allowedNames)}.", param);
        }

        if (SnakeCase.TryParse<TEnum>(value, out var result) && allowed.Contains(result))
        {
            return result;
        }

        throw InvalidEnum(value, param, allowedNames);
    }

    private static DomainException InvalidEnum(string value, string param, IEnumerable<string> allowedNames) =>
        DomainException.Invalid(
            "INVALID_ENUM_VALUE",
            $"\"{value}\" is not a valid {param}; use one of: {string.Join(", ", allowedNames)}.",
            param);
}
