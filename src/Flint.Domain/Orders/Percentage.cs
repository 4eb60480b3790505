using System.Globalization;

namespace Flint.Domain.Orders;

/// <summary>
/// Percentages as the API carries them: decimal strings ("20", "12.5", "8.875"), never JSON numbers, so a rate
/// survives every JSON parser exactly and is never a binary float.
/// </summary>
public static class Percentage
{
    /// <summary>Most decimals a discount percentage may carry ("12.3456").</summary>
    public const int DiscountDecimals = 4;

    /// <summary>Most decimals a tax rate may carry ("8.875", "7.0625").</summary>
    public const int TaxDecimals = 4;

    /// <summary>
    /// Parses a percentage in (0, 100] with at most <paramref name="maxDecimals"/> decimals. Only plain digits with an
    /// optional point are accepted — no sign, exponent, whitespace, thousands separator or leading zeros ("020") —
    /// because the wire form must have one spelling per value. Anything else is <c>INVALID_PERCENTAGE</c>.
    /// </summary>
    public static decimal Parse(string? value, string param, int maxDecimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecimals);
        if (value is null)
        {
            throw Invalid($"{param} is required, as a decimal string such as \"20\" or \"8.875\".", param);
        }

        if (!IsPlainDecimal(value, maxDecimals, out var shape))
        {
            throw Invalid(
                shape ?? $"{param} must be a decimal string with at most {maxDecimals} decimals, such as \"20\" or \"8.875\" (got \"{value}\").",
                param);
        }

        var percentage = decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (percentage <= 0m || percentage > 100m)
        {
            throw Invalid($"{param} must be greater than 0 and at most 100 (got \"{value}\").", param);
        }

        return percentage;
    }

    /// <summary>Normalized wire form: no trailing zeros, no exponent ("20", "12.5", "8.875").</summary>
    public static string Format(decimal percentage) =>
        percentage.ToString("0.############################", CultureInfo.InvariantCulture);

    private static bool IsPlainDecimal(string value, int maxDecimals, out string? problem)
    {
        problem = null;
        var point = value.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? value : value[..point];
        var fractionPart = point < 0 ? string.Empty : value[(point + 1)..];

        // Three integer digits reach 100; more can only be out of range, and capping here keeps decimal.Parse safe.
        if (integerPart.Length is 0 or > 3 || !integerPart.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (integerPart.Length > 1 && integerPart[0] == '0')
        {
            return false;
        }

        if (point >= 0 && (fractionPart.Length == 0 || !fractionPart.All(char.IsAsciiDigit)))
        {
            return false;
        }

        if (fractionPart.Length > maxDecimals)
        {
            problem = maxDecimals == 0
                ? $"The percentage must be a whole number (got \"{value}\")."
                : $"The percentage may have at most {maxDecimals} decimals (got \"{value}\").";
            return false;
        }

        return true;
    }

    private static DomainException Invalid(string message, string param) =>
        DomainException.Invalid("INVALID_PERCENTAGE", message, param);
}
