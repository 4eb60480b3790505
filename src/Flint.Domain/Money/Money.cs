using System.Globalization;

namespace Flint.Domain;

/// <summary>
/// An amount in integer minor units of an ISO 4217 currency (1050 USD = $10.50, 1050 JPY = ¥1050).
/// Never a float anywhere. Arithmetic is checked: a long overflow is <c>AMOUNT_OVERFLOW</c>, mixing currencies
/// is <c>CURRENCY_MISMATCH</c>, both client errors because only client input can drive amounts that far.
/// </summary>
public readonly record struct Money(long Amount, string Currency)
{
    /// <summary>
    /// Largest amount a client may send: 9_999_999_999_999 minor units (99,999,999,999.99 in a two-decimal
    /// currency). It is far above any real order, stays below 2^53 so JavaScript clients read it exactly, and
    /// leaves ~900,000× headroom in a long for quantities and sums.
    /// </summary>
    public const long MaxAmount = 99_999_999_999_99;

    public static Money Zero(string currency) => new(0, Flint.Domain.Currency.Validate(currency, "currency"));

    /// <summary>
    /// Validates client input. <paramref name="param"/> is the JSON path of the money object (<c>price</c>); errors
    /// point at <c>price.amount</c> / <c>price.currency</c> (or plain <c>amount</c>/<c>currency</c> when it is empty).
    /// Codes: <c>INVALID_CURRENCY</c>, <c>INVALID_AMOUNT</c> (negative when not allowed), <c>AMOUNT_TOO_LARGE</c>.
    /// </summary>
    public static Money Create(long amount, string currency, string param, bool allowNegative = false)
    {
        var prefix = string.IsNullOrEmpty(param) ? string.Empty : param + ".";
        var code = Flint.Domain.Currency.Validate(currency, prefix + "currency");
        if (amount < 0 && !allowNegative)
        {
            throw DomainException.Invalid(
                "INVALID_AMOUNT",
                string.Create(CultureInfo.InvariantCulture, $"{prefix}amount must not be negative (got {amount})."),
                prefix + "amount");
        }

        if (amount > MaxAmount || amount < -MaxAmount)
        {
            throw DomainException.Invalid(
                "AMOUNT_TOO_LARGE",
                string.Create(CultureInfo.InvariantCulture, $"{prefix}amount must be at most {MaxAmount} minor units in absolute value (got {amount})."),
                prefix + "amount");
        }

        return new Money(amount, code);
    }

    /// <summary>Sum of a sequence in one currency; an empty sequence is zero.</summary>
    public static Money Sum(IEnumerable<Money> values, string currency)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = new Money(0, currency);
        foreach (var value in values)
        {
            total += value;
        }

        return total;
    }

    // Methods, not properties: a Money serializes as exactly { amount, currency } on the wire and in storage.
    public bool IsZero() => Amount == 0;

    public bool IsNegative() => Amount < 0;

    public bool IsPositive() => Amount > 0;

    public Money Add(Money other)
    {
        RequireSameCurrency(other, "add");
        try
        {
            return new Money(checked(Amount + other.Amount), Currency);
        }
        catch (OverflowException)
        {
            throw Overflow();
        }
    }

    public Money Subtract(Money other)
    {
        RequireSameCurrency(other, "subtract");
        try
        {
            return new Money(checked(Amount - other.Amount), Currency);
        }
        catch (OverflowException)
        {
            throw Overflow();
        }
    }

    public Money Multiply(long quantity)
    {
        try
        {
            return new Money(checked(Amount * quantity), Currency);
        }
        catch (OverflowException)
        {
            throw Overflow();
        }
    }

    public Money Negate()
    {
        try
        {
            return new Money(checked(-Amount), Currency);
        }
        catch (OverflowException)
        {
            throw Overflow();
        }
    }

    public static Money operator +(Money left, Money right) => left.Add(right);

    public static Money operator -(Money left, Money right) => left.Subtract(right);

    public static Money operator -(Money value) => value.Negate();

    public static Money operator *(Money value, long quantity) => value.Multiply(quantity);

    public static Money operator *(long quantity, Money value) => value.Multiply(quantity);

    public static bool operator <(Money left, Money right) => left.CompareAmount(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareAmount(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareAmount(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareAmount(right) >= 0;

    public static Money Min(Money left, Money right) => left <= right ? left : right;

    public static Money Max(Money left, Money right) => left >= right ? left : right;

    /// <summary>The amount in major units (10.50 for 1050 USD), exact because it is a decimal.</summary>
    public decimal ToMajorUnits() =>
        Amount / Pow10(Flint.Domain.Currency.GetExponent(Currency));

    /// <summary>For logs and messages: "10.50 USD", "1050 JPY".</summary>
    public override string ToString()
    {
        if (!Flint.Domain.Currency.TryGetExponent(Currency, out var exponent))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Amount} {Currency}");
        }

        var major = Amount / Pow10(exponent);
        return major.ToString("F" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + Currency;
    }

    private int CompareAmount(Money other)
    {
        RequireSameCurrency(other, "compare");
        return Amount.CompareTo(other.Amount);
    }

    private void RequireSameCurrency(Money other, string operation)
    {
        if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
        {
            throw DomainException.Invalid(
                "CURRENCY_MISMATCH",
                $"Cannot {operation} amounts in {Currency ?? "no currency"} and {other.Currency ?? "no currency"}; all amounts must share one currency.");
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }

    private static DomainException Overflow() =>
        DomainException.Invalid("AMOUNT_OVERFLOW", "The resulting amount is too large to represent.");
}
