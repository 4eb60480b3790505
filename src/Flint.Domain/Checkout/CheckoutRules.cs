using System.Text.RegularExpressions;
using Flint.Domain.Orders;

namespace Flint.Domain.Checkout;

/// <summary>The rules of a hosted checkout session that are arithmetic or plain validation, in one place.</summary>
public static partial class CheckoutRules
{
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);
    public const string SessionIdPlaceholder = "{CHECKOUT_SESSION_ID}";
    public const int MaxTipChoices = 5;

    /// <summary>When the session expires: <paramref name="requested"/> (30 minutes to 24 hours from
    /// <paramref name="now"/>) or 24 hours.</summary>
    public static DateTimeOffset ExpiresAt(DateTimeOffset? requested, DateTimeOffset now)
    {
        if (requested is not { } at) return now + MaxLifetime;
        if (at < now + MinLifetime || at > now + MaxLifetime)
            throw DomainException.Invalid("VALUE_OUT_OF_RANGE", "expires_at must be 30 minutes to 24 hours from now.", "expires_at");
        return at;
    }

    /// <summary>An absolute http(s) URL (the placeholder allowed anywhere in it), at most 2048 characters.</summary>
    public static string RedirectUrl(string? url, string param, bool required)
    {
        if (url is null)
            return required ? throw DomainException.Missing(param) : null!;
        var probe = url.Replace(SessionIdPlaceholder, "cs_placeholder", StringComparison.Ordinal);
        if (url.Length > 2048 || !Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw DomainException.Invalid("INVALID_URL", $"{param} must be an absolute http(s) URL.", param);
        return url;
    }

    /// <summary>The tip choices (a hosted page's collect_tip, a terminal checkout's tip_options): 1–5 distinct
    /// percentages ("10", "12.5"), as sent, normalized.</summary>
    public static List<string> TipChoices(List<string>? values, string param = "collect_tip")
    {
        if (values is null) return [];
        if (values.Count is 0 or > MaxTipChoices)
            throw DomainException.Invalid("INVALID_FIELD", $"{param} takes 1 to {MaxTipChoices} percentages (omit it for no tip).", param);
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var p = Percentage.Format(Percentage.Parse(values[i], $"{param}[{i}]", 2));
            if (!result.Contains(p)) result.Add(p);
        }
        return result;
    }

    /// <summary>A tip of <paramref name="percentage"/> % of <paramref name="dueMinor"/>, rounded half to even.</summary>
    public static long Tip(long dueMinor, string percentage) =>
        MoneyRounding.RoundHalfEven(dueMinor * Percentage.Parse(percentage, "tip", 2) / 100m);

    /// <summary>What the card field of the test-mode page takes: a test token as it is, or one of Stripe's test card
    /// numbers (spaces allowed) as the token that behaves like it.</summary>
    public static string TestToken(string card)
    {
        var c = card.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return c switch
        {
            "4242424242424242" => "tok_visa",
            "5555555555554444" => "tok_mastercard",
            "378282246310005" => "tok_amex",
            "4000000000000002" => "tok_chargeDeclined",
            "4000000000009995" => "tok_chargeDeclinedInsufficientFunds",
            "4000000000000069" => "tok_chargeDeclinedExpiredCard",
            _ => card.Trim(),
        };
    }

    /// <summary>Whether <paramref name="value"/> has the shape of a card token (tok_…, as Stripe.js and Stripe's test
    /// tokens give): what the page's card element posts, never a card number.</summary>
    public static bool IsCardToken(string value) => CardToken().IsMatch(value);

    [GeneratedRegex("^tok_[A-Za-z0-9_]{1,60}$")]
    private static partial Regex CardToken();

    /// <summary>An amount the buyer typed in major units ("12.50", "1000" for JPY) as minor units of
    /// <paramref name="currency"/>; null when it is not a plain positive amount with at most the currency's decimals.</summary>
    public static long? MinorUnits(string? text, string currency)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20
            || !decimal.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var major))
            return null;
        var minor = major * (decimal)Math.Pow(10, Currency.GetExponent(currency));
        return minor == decimal.Truncate(minor) && minor > 0 && minor <= Money.MaxAmount ? (long)minor : null;
    }

    /// <summary>The success URL with the session's id in place of the placeholder.</summary>
    public static string Landing(string url, string sessionId) => url.Replace(SessionIdPlaceholder, sessionId, StringComparison.Ordinal);
}
