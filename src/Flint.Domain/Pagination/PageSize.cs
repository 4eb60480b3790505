using System.Globalization;

namespace Flint.Domain;

/// <summary>The <c>page_size</c> list parameter: default 20, 1..100.</summary>
public static class PageSize
{
    public const int Default = 20;
    public const int Max = 100;

    /// <summary>Absent or empty → 20; otherwise plain decimal digits in 1..100, else <c>INVALID_PAGE_SIZE</c>.</summary>
    public static int Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return Default;
        }

        // NumberStyles.None: digits only, so "+5", " 5" and "5.0" are refused rather than guessed at.
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= Max)
        {
            return size;
        }

        throw DomainException.Invalid(
            "INVALID_PAGE_SIZE", $"page_size must be a whole number from 1 to {Max} (got \"{raw}\").", "page_size");
    }
}
