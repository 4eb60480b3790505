using System.Globalization;
using Flint.Abstractions.Customers;
using Flint.Domain;
using Flint.Domain.Tax;

namespace Flint.Grains.Customers;

/// <summary>Field rules of a customer. Every string field is optional; on create <c>""</c> means "none", on update it
/// clears the field. Codes: <c>INVALID_EMAIL</c>, <c>INVALID_PHONE</c>, <c>INVALID_COUNTRY</c>, <c>TOO_MANY_ITEMS</c>,
/// and the <see cref="Validation"/> length codes.</summary>
internal static class CustomerInput
{
    public const int MaxEmailLength = 254;
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLabelLength = 63;
    public const int MaxNameLength = 255;
    public const int MaxPhoneLength = 32;
    public const int MaxAddresses = 10;
    public const int MaxAddressLineLength = 255;
    public const int MaxPostalCodeLength = 20;

    private const string LocalPartSymbols = "!#$%&'*+/=?^_`{|}~-.";

    /// <summary>
    /// A deliverable-looking address: <c>local@domain.tld</c>, ASCII only (internationalized domains in their
    /// punycode form), at most 254 characters, no spaces, quotes or comments. Stored lower-cased, so the same
    /// mailbox written in two casings is one email (nothing enforces one customer per email, as in Stripe).
    /// </summary>
    public static string? Email(string? value, string param = "email")
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > MaxEmailLength)
            throw InvalidEmail(param, $"email must be at most {MaxEmailLength} characters long (got {value.Length}).");
        var at = value.IndexOf('@');
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
            throw InvalidEmail(param, $"\"{value}\" is not an email address; expected the form name@example.com.");
        var local = value[..at];
        var domain = value[(at + 1)..];
        if (!IsLocalPart(local) || !IsDomain(domain))
            throw InvalidEmail(param, $"\"{value}\" is not an email address; expected the form name@example.com (ASCII letters, digits and . _ + - before the @, a domain with a dot after it).");
        return value.ToLowerInvariant();
    }

    public static string? Name(string? value, string param = "name")
    {
        if (string.IsNullOrEmpty(value)) return null;
        Validation.RequireLength(value, param, 1, MaxNameLength);
        if (string.IsNullOrWhiteSpace(value)) throw DomainException.Invalid("INVALID_FIELD", $"{param} cannot be blank; send \"\" for no name.", param);
        return value;
    }

    /// <summary>As the customer wrote it (no reformatting): digits, spaces, <c>+ - ( )</c>, a <c>+</c> only in front,
    /// at least one digit.</summary>
    public static string? Phone(string? value, string param = "phone")
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > MaxPhoneLength)
            throw DomainException.Invalid("INVALID_PHONE", $"phone must be at most {MaxPhoneLength} characters long (got {value.Length}).", param);
        var allowed = value.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')');
        if (!allowed || value.LastIndexOf('+') > 0 || !value.Any(char.IsAsciiDigit))
            throw DomainException.Invalid("INVALID_PHONE", $"\"{value}\" is not a phone number; use digits, spaces, + - ( ), e.g. \"+1 (415) 555-0100\".", param);
        return value;
    }

    public static List<AddressView> Addresses(List<AddressInput>? inputs, string param = "addresses")
    {
        if (inputs is null) return [];
        if (inputs.Count > MaxAddresses)
            throw DomainException.Invalid("TOO_MANY_ITEMS", string.Create(CultureInfo.InvariantCulture, $"At most {MaxAddresses} addresses (got {inputs.Count})."), param);
        var result = new List<AddressView>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var p = string.Create(CultureInfo.InvariantCulture, $"{param}[{i}]");
            var a = inputs[i] ?? throw DomainException.Invalid("INVALID_FIELD", "An address cannot be null.", p);
            result.Add(new AddressView(
                Line(a.Line1, $"{p}.line1", MaxAddressLineLength),
                Line(a.Line2, $"{p}.line2", MaxAddressLineLength),
                Line(a.City, $"{p}.city", MaxAddressLineLength),
                Line(a.Region, $"{p}.region", MaxAddressLineLength),
                Line(a.PostalCode, $"{p}.postal_code", MaxPostalCodeLength),
                Country(a.Country, $"{p}.country")));
        }
        return result;
    }

    private static string? Line(string? value, string param, int max)
    {
        if (string.IsNullOrEmpty(value)) return null;
        Validation.RequireLength(value, param, 1, max);
        return value;
    }

    private static string Country(string? value, string param)
    {
        if (CountryCodes.IsKnown(value)) return value!;
        var message = value switch
        {
            null or "" => "An address needs a country, as an upper-case ISO 3166-1 alpha-2 code such as \"US\".",
            _ when CountryCodes.IsKnown(value.ToUpperInvariant()) =>
                $"Country codes are upper-case ISO 3166-1 alpha-2 codes: use \"{value.ToUpperInvariant()}\" instead of \"{value}\".",
            { Length: <= 10 } => $"\"{value}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"US\", \"DE\", \"JP\").",
            _ => "country must be an ISO 3166-1 alpha-2 code (e.g. \"US\", \"DE\", \"JP\").",
        };
        throw DomainException.Invalid("INVALID_COUNTRY", message, param);
    }

    private static bool IsLocalPart(string local) =>
        local.Length <= MaxLocalPartLength
        && local.All(c => char.IsAsciiLetterOrDigit(c) || LocalPartSymbols.Contains(c))
        && local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal);

    private static bool IsDomain(string domain)
    {
        var labels = domain.Split('.');
        if (labels.Length < 2) return false;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxDomainLabelLength || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return false;
        }
        var tld = labels[^1];
        return tld.Length >= 2 && (tld.All(char.IsAsciiLetter) || tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase));
    }

    private static DomainException InvalidEmail(string param, string message) => DomainException.Invalid("INVALID_EMAIL", message, param);
}
