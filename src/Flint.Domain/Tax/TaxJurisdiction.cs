using System.Collections.Frozen;
using System.Globalization;

namespace Flint.Domain.Tax;

/// <summary>
/// Where a tax rate applies: a country, optionally a region (state, province) and optionally postal-code prefixes
/// (a city or county rate). A rate applies to an order whose <see cref="TaxLocation"/> it <see cref="Matches"/>.
/// </summary>
/// <param name="Country">ISO 3166-1 alpha-2, upper-case.</param>
/// <param name="Region">Upper-case region code ("CA", "NY", "BY"), or null for the whole country.</param>
/// <param name="PostalCodePrefixes">Upper-case prefixes without spaces; empty = the whole region/country.</param>
public sealed record TaxJurisdiction(string Country, string? Region, IReadOnlyList<string> PostalCodePrefixes)
{
    public const int MaxRegionLength = 10;
    public const int MaxPrefixLength = 10;
    public const int MaxPrefixes = 100;

    /// <summary>
    /// Validates and normalizes a jurisdiction; <paramref name="param"/> is the JSON path of the object
    /// (<c>jurisdiction</c>). Codes: <c>INVALID_COUNTRY</c>, <c>INVALID_REGION</c>, <c>INVALID_POSTAL_CODE</c>.
    /// An empty region means none (the API's way to clear a string).
    /// </summary>
    public static TaxJurisdiction Validate(string? country, string? region, IReadOnlyList<string>? postalPrefixes, string param)
    {
        var prefix = TaxLocation.Prefix(param);
        var validCountry = TaxLocation.ValidateCountry(country, prefix + "country");
        var validRegion = TaxLocation.ValidateRegion(region, prefix + "region");
        var prefixes = new List<string>();
        if (postalPrefixes is not null)
        {
            if (postalPrefixes.Count > MaxPrefixes)
            {
                throw DomainException.Invalid(
                    "INVALID_POSTAL_CODE",
                    string.Create(CultureInfo.InvariantCulture, $"At most {MaxPrefixes} postal code prefixes are allowed (got {postalPrefixes.Count})."),
                    prefix + "postal_code_prefixes");
            }

            for (var i = 0; i < postalPrefixes.Count; i++)
            {
                var itemParam = string.Create(CultureInfo.InvariantCulture, $"{prefix}postal_code_prefixes[{i}]");
                var normalized = TaxLocation.NormalizePostal(postalPrefixes[i]);
                if (normalized.Length is 0 or > MaxPrefixLength || !normalized.All(char.IsAsciiLetterOrDigit))
                {
                    throw DomainException.Invalid(
                        "INVALID_POSTAL_CODE",
                        $"A postal code prefix is 1–{MaxPrefixLength} letters or digits, such as \"941\" or \"SW1A\" (got \"{postalPrefixes[i]}\").",
                        itemParam);
                }

                if (!prefixes.Contains(normalized, StringComparer.Ordinal))
                {
                    prefixes.Add(normalized);
                }
            }
        }

        return new TaxJurisdiction(validCountry, validRegion, prefixes);
    }

    /// <summary>
    /// Same country; the rate's region, if it has one, equal to the location's; and, if the rate lists prefixes, the
    /// location's postal code starting with one. A location lacking a region or postal code therefore matches only
    /// rates that do not need it — a city rate is never charged on a guess.
    /// </summary>
    public bool Matches(TaxLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!string.Equals(Country, location.Country, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Region is not null && !string.Equals(Region, location.Region, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (PostalCodePrefixes.Count == 0)
        {
            return true;
        }

        if (location.PostalCode is null)
        {
            return false;
        }

        var postal = TaxLocation.NormalizePostal(location.PostalCode);
        return PostalCodePrefixes.Any(p => postal.StartsWith(TaxLocation.NormalizePostal(p), StringComparison.Ordinal));
    }
}

/// <summary>Where an order is taxed: the order's <c>tax_location</c>.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, upper-case.</param>
/// <param name="Region">Upper-case region code, or null.</param>
/// <param name="PostalCode">Upper-case, spaces removed ("SW1A1AA", "94103-1234"), or null.</param>
public sealed record TaxLocation(string Country, string? Region, string? PostalCode)
{
    public const int MaxPostalCodeLength = 16;

    /// <summary>
    /// Validates and normalizes a location; <paramref name="param"/> is the JSON path of the object
    /// (<c>tax_location</c>). Codes: <c>INVALID_COUNTRY</c>, <c>INVALID_REGION</c>, <c>INVALID_POSTAL_CODE</c>.
    /// Empty region or postal code means none.
    /// </summary>
    public static TaxLocation Validate(string? country, string? region, string? postalCode, string param)
    {
        var prefix = Prefix(param);
        var validCountry = ValidateCountry(country, prefix + "country");
        var validRegion = ValidateRegion(region, prefix + "region");
        string? validPostal = null;
        if (!string.IsNullOrEmpty(postalCode))
        {
            validPostal = NormalizePostal(postalCode);
            if (validPostal.Length is 0 or > MaxPostalCodeLength
                || !validPostal.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw DomainException.Invalid(
                    "INVALID_POSTAL_CODE",
                    $"A postal code is 1–{MaxPostalCodeLength} letters, digits, hyphens and spaces, such as \"94103\" or \"SW1A 1AA\" (got \"{postalCode}\").",
                    prefix + "postal_code");
            }
        }

        return new TaxLocation(validCountry, validRegion, validPostal);
    }

    internal static string Prefix(string param) => string.IsNullOrEmpty(param) ? string.Empty : param + ".";

    /// <summary>Postal codes compare upper-case without spaces, so "sw1a 1aa" and "SW1A1AA" are one code.</summary>
    internal static string NormalizePostal(string? value) =>
        (value ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    internal static string ValidateCountry(string? country, string param)
    {
        if (country is not null && CountryCodes.All.Contains(country))
        {
            return country;
        }

        var message = country switch
        {
            null or "" => "A country is required, as an upper-case ISO 3166-1 alpha-2 code such as \"US\".",
            _ when CountryCodes.All.Contains(country.ToUpperInvariant()) =>
                $"Country codes are upper-case ISO 3166-1 alpha-2 codes: use \"{country.ToUpperInvariant()}\" instead of \"{country}\".",
            _ => $"\"{country}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"US\", \"DE\", \"JP\").",
        };
        throw DomainException.Invalid("INVALID_COUNTRY", message, param);
    }

    internal static string? ValidateRegion(string? region, string param)
    {
        if (string.IsNullOrEmpty(region))
        {
            return null;
        }

        var upper = region.ToUpperInvariant();
        if (upper.Length > TaxJurisdiction.MaxRegionLength || !upper.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw DomainException.Invalid(
                "INVALID_REGION",
                $"A region is 1–{TaxJurisdiction.MaxRegionLength} letters, digits or hyphens, such as \"CA\" or \"NY\" (got \"{region}\").",
                param);
        }

        return upper;
    }
}

/// <summary>
/// ISO 3166-1 alpha-2: the 249 officially assigned codes. User-assigned codes such as XK (Kosovo) are not ISO
/// assignments and are left out; when ISO amends the list, edit this set (and its test).
/// </summary>
public static class CountryCodes
{
    public static readonly FrozenSet<string> All = new[]
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ",
        "EC", "EE", "EG", "EH", "ER", "ES", "ET",
        "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
        "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
        "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
        "QA",
        "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ",
        "VA", "VC", "VE", "VG", "VI", "VN", "VU",
        "WF", "WS",
        "YE", "YT",
        "ZA", "ZM", "ZW",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && All.Contains(code);
}
