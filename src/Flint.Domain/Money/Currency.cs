using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Flint.Domain;

/// <summary>
/// ISO 4217 currencies and their minor-unit exponents (USD 2 → cents, JPY 0, KWD 3).
/// </summary>
/// <remarks>
/// The table is ISO 4217 List One as published on 2026-01-01, restricted to entries that have a minor unit:
/// the "N.A." entries (precious metals XAU/XAG/XPT/XPD, XDR, XSU, XUA, the bond-market units XBA–XBD, the testing
/// code XTS and XXX) are units of account nobody can be charged in, so they are unknown here. Withdrawn codes
/// (e.g. ANG replaced by XCG, BGN by EUR, HRK, CUC, SLL, ZWL) are unknown too. Fund codes (BOV, CHE, CHW, CLF, COU,
/// MXV, USN, UYI, UYW) stay because they are valid ISO currencies with minor units. When ISO amends the list,
/// edit this table (and its test) — nothing else depends on the set.
/// </remarks>
public static class Currency
{
    private static readonly FrozenDictionary<string, int> Exponents = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2, ["AFN"] = 2, ["ALL"] = 2, ["AMD"] = 2, ["AOA"] = 2, ["ARS"] = 2, ["AUD"] = 2, ["AWG"] = 2,
        ["AZN"] = 2, ["BAM"] = 2, ["BBD"] = 2, ["BDT"] = 2, ["BHD"] = 3, ["BIF"] = 0, ["BMD"] = 2, ["BND"] = 2,
        ["BOB"] = 2, ["BOV"] = 2, ["BRL"] = 2, ["BSD"] = 2, ["BTN"] = 2, ["BWP"] = 2, ["BYN"] = 2, ["BZD"] = 2,
        ["CAD"] = 2, ["CDF"] = 2, ["CHE"] = 2, ["CHF"] = 2, ["CHW"] = 2, ["CLF"] = 4, ["CLP"] = 0, ["CNY"] = 2,
        ["COP"] = 2, ["COU"] = 2, ["CRC"] = 2, ["CUP"] = 2, ["CVE"] = 2, ["CZK"] = 2, ["DJF"] = 0, ["DKK"] = 2,
        ["DOP"] = 2, ["DZD"] = 2, ["EGP"] = 2, ["ERN"] = 2, ["ETB"] = 2, ["EUR"] = 2, ["FJD"] = 2, ["FKP"] = 2,
        ["GBP"] = 2, ["GEL"] = 2, ["GHS"] = 2, ["GIP"] = 2, ["GMD"] = 2, ["GNF"] = 0, ["GTQ"] = 2, ["GYD"] = 2,
        ["HKD"] = 2, ["HNL"] = 2, ["HTG"] = 2, ["HUF"] = 2, ["IDR"] = 2, ["ILS"] = 2, ["INR"] = 2, ["IQD"] = 3,
        ["IRR"] = 2, ["ISK"] = 0, ["JMD"] = 2, ["JOD"] = 3, ["JPY"] = 0, ["KES"] = 2, ["KGS"] = 2, ["KHR"] = 2,
        ["KMF"] = 0, ["KPW"] = 2, ["KRW"] = 0, ["KWD"] = 3, ["KYD"] = 2, ["KZT"] = 2, ["LAK"] = 2, ["LBP"] = 2,
        ["LKR"] = 2, ["LRD"] = 2, ["LSL"] = 2, ["LYD"] = 3, ["MAD"] = 2, ["MDL"] = 2, ["MGA"] = 2, ["MKD"] = 2,
        ["MMK"] = 2, ["MNT"] = 2, ["MOP"] = 2, ["MRU"] = 2, ["MUR"] = 2, ["MVR"] = 2, ["MWK"] = 2, ["MXN"] = 2,
        ["MXV"] = 2, ["MYR"] = 2, ["MZN"] = 2, ["NAD"] = 2, ["NGN"] = 2, ["NIO"] = 2, ["NOK"] = 2, ["NPR"] = 2,
        ["NZD"] = 2, ["OMR"] = 3, ["PAB"] = 2, ["PEN"] = 2, ["PGK"] = 2, ["PHP"] = 2, ["PKR"] = 2, ["PLN"] = 2,
        ["PYG"] = 0, ["QAR"] = 2, ["RON"] = 2, ["RSD"] = 2, ["RUB"] = 2, ["RWF"] = 0, ["SAR"] = 2, ["SBD"] = 2,
        ["SCR"] = 2, ["SDG"] = 2, ["SEK"] = 2, ["SGD"] = 2, ["SHP"] = 2, ["SLE"] = 2, ["SOS"] = 2, ["SRD"] = 2,
        ["SSP"] = 2, ["STN"] = 2, ["SVC"] = 2, ["SYP"] = 2, ["SZL"] = 2, ["THB"] = 2, ["TJS"] = 2, ["TMT"] = 2,
        ["TND"] = 3, ["TOP"] = 2, ["TRY"] = 2, ["TTD"] = 2, ["TWD"] = 2, ["TZS"] = 2, ["UAH"] = 2, ["UGX"] = 0,
        ["USD"] = 2, ["USN"] = 2, ["UYI"] = 0, ["UYU"] = 2, ["UYW"] = 4, ["UZS"] = 2, ["VED"] = 2, ["VES"] = 2,
        ["VND"] = 0, ["VUV"] = 0, ["WST"] = 2, ["XAD"] = 2, ["XAF"] = 0, ["XCD"] = 2, ["XCG"] = 2, ["XOF"] = 0,
        ["XPF"] = 0, ["YER"] = 2, ["ZAR"] = 2, ["ZMW"] = 2, ["ZWG"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>All known codes, upper-case.</summary>
    public static IReadOnlyCollection<string> Codes => Exponents.Keys;

    /// <summary>Exact, case-sensitive lookup: <c>"usd"</c> is not known.</summary>
    public static bool TryGetExponent(string? code, out int exponent)
    {
        if (code is not null && Exponents.TryGetValue(code, out exponent))
        {
            return true;
        }

        exponent = 0;
        return false;
    }

    public static bool IsKnown([NotNullWhen(true)] string? code) => code is not null && Exponents.ContainsKey(code);

    /// <summary>Exponent of a currency that was validated earlier; an unknown code here is a bug, hence no DomainException.</summary>
    public static int GetExponent(string code) =>
        TryGetExponent(code, out var exponent)
            ? exponent
            : throw new ArgumentException($"\"{code}\" is not a known ISO 4217 currency.", nameof(code));

    /// <summary>
    /// Returns the code when it is a known upper-case ISO 4217 code, else throws <c>INVALID_CURRENCY</c>.
    /// Lower-case is rejected rather than fixed up: the wire form has exactly one spelling.
    /// </summary>
    public static string Validate(string? code, string param)
    {
        if (IsKnown(code))
        {
            return code;
        }

        var message = code switch
        {
            null or "" => "A currency is required, as an upper-case ISO 4217 code such as \"USD\".",
            _ when IsKnown(code.ToUpperInvariant()) =>
                $"Currency codes are upper-case ISO 4217 codes: use \"{code.ToUpperInvariant()}\" instead of \"{code}\".",
            _ => $"\"{code}\" is not a supported ISO 4217 currency code (e.g. \"USD\", \"EUR\", \"JPY\").",
        };
        throw DomainException.Invalid("INVALID_CURRENCY", message, param);
    }
}
