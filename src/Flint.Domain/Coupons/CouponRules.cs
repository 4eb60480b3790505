using System.Globalization;
using Flint.Domain.Orders;

namespace Flint.Domain.Coupons;

public enum CouponDiscountType
{
    Percentage,
    FixedAmount,
}

/// <summary>
/// What a coupon promises, as the coupon grain holds it. <see cref="Currency"/> is the currency of
/// <see cref="AmountOffMinor"/> and <see cref="MinimumSubtotalMinor"/>.
/// </summary>
/// <param name="Code">Normalized (upper-case) code; see <see cref="CouponRules.NormalizeCode"/>.</param>
/// <param name="AppliesToProductIds">Products it discounts; with <paramref name="AppliesToCategories"/> both empty it
/// discounts every line.</param>
/// <param name="Stackable">Whether it may share an order with other coupons.</param>
/// <param name="Active">Whether its status is <c>active</c>; an inactive or deleted coupon is refused.</param>
/// <param name="Deleted">Whether it was deleted (only the refusal's message says so).</param>
public sealed record CouponTerms(
    string Code,
    CouponDiscountType Type,
    decimal? PercentOff,
    long? AmountOffMinor,
    string? Currency,
    long? MaxRedemptions,
    long? PerCustomerLimit,
    DateTimeOffset? StartsAt,
    DateTimeOffset? ExpiresAt,
    long? MinimumSubtotalMinor,
    IReadOnlyList<string> AppliesToProductIds,
    IReadOnlyList<string> AppliesToCategories,
    bool Stackable,
    bool Active,
    bool Deleted = false)
{
    /// <summary>True when the coupon discounts every line, including lines added after it was applied.</summary>
    public bool AppliesToAll => AppliesToProductIds.Count == 0 && AppliesToCategories.Count == 0;
}

/// <summary>An order line as coupon rules see it: what it is (product, categories) and what it costs.</summary>
/// <param name="ProductId">Null for an ad-hoc line, which only an applies-to-all coupon reaches.</param>
/// <param name="AmountMinor">The line's gross amount, counted towards <see cref="CouponTerms.MinimumSubtotalMinor"/>.</param>
public sealed record CouponLine(string LineItemId, string? ProductId, IReadOnlyList<string> Categories, long AmountMinor);

/// <summary>
/// Whether a coupon may join an order, and what discount it becomes. Every refusal is a 409 conflict with its own
/// code: the request is well-formed, the coupon's or the order's state forbids it. Redemptions are only counted
/// here; taking one is the coupon grain's job when the order is paid.
/// </summary>
public static class CouponRules
{
    public const int MaxCodeLength = 64;

    /// <summary>
    /// Codes are case-insensitive, so they are stored and compared upper-case ("spring20" is SPRING20).
    /// 1–64 ASCII letters, digits, '-' or '_'; anything else is <c>INVALID_COUPON_CODE</c>, and null is
    /// <c>MISSING_REQUIRED_FIELD</c> like every other absent required field.
    /// </summary>
    public static string NormalizeCode(string? code, string param)
    {
        if (code is null)
        {
            throw DomainException.Missing(param);
        }

        if (code.Length is 0 or > MaxCodeLength || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw DomainException.Invalid(
                "INVALID_COUPON_CODE",
                $"A coupon code is 1–{MaxCodeLength} letters, digits, '-' or '_', such as \"SPRING20\" (got \"{code}\").",
                param);
        }

        return code.ToUpperInvariant();
    }

    /// <summary>
    /// Ids of the lines the coupon discounts, in line order: every line when it applies to all, else lines whose
    /// product is listed or that carry a listed category.
    /// </summary>
    public static IReadOnlyList<string> EligibleLines(CouponTerms terms, IReadOnlyList<CouponLine> lines)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(lines);
        if (terms.AppliesToAll)
        {
            return lines.Select(l => l.LineItemId).ToArray();
        }

        return lines
            .Where(l => (l.ProductId is not null && terms.AppliesToProductIds.Contains(l.ProductId, StringComparer.Ordinal))
                || l.Categories.Any(c => terms.AppliesToCategories.Contains(c, StringComparer.Ordinal)))
            .Select(l => l.LineItemId)
            .ToArray();
    }

    /// <summary>
    /// Throws the first rule the coupon breaks, checked in a fixed order so a client always sees the same reason:
    /// <c>COUPON_INACTIVE</c>, <c>COUPON_NOT_STARTED</c>, <c>COUPON_EXPIRED</c>, <c>COUPON_ALREADY_APPLIED</c>,
    /// <c>COUPON_NOT_STACKABLE</c>, <c>CURRENCY_MISMATCH</c>, <c>COUPON_NOT_APPLICABLE</c>,
    /// <c>COUPON_MINIMUM_NOT_MET</c>, <c>COUPON_EXHAUSTED</c>, <c>COUPON_CUSTOMER_LIMIT</c>.
    /// </summary>
    /// <param name="couponsAlreadyOnOrder">Codes (normalized) and stackability of the coupons the order holds.</param>
    /// <param name="redemptionsTaken">Redemptions the coupon grain has already taken.</param>
    /// <param name="customerRedemptions">Redemptions taken by this order's customer.</param>
    /// <param name="hasCustomer">Without a customer the per-customer limit cannot be counted yet; it is checked again
    /// when the order is paid.</param>
    public static void CheckCanApply(
        CouponTerms terms,
        DateTimeOffset now,
        string orderCurrency,
        IReadOnlyList<CouponLine> lines,
        IReadOnlyList<(string Code, bool Stackable)> couponsAlreadyOnOrder,
        long redemptionsTaken,
        long customerRedemptions,
        bool hasCustomer)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(couponsAlreadyOnOrder);
        const string param = "coupon_code";

        CheckInForce(terms, now, param);

        if (couponsAlreadyOnOrder.Any(c => string.Equals(c.Code, terms.Code, StringComparison.OrdinalIgnoreCase)))
        {
            throw Refused("COUPON_ALREADY_APPLIED", $"Coupon {terms.Code} is already applied to this order.", param);
        }

        if (couponsAlreadyOnOrder.Count > 0)
        {
            if (!terms.Stackable)
            {
                throw Refused(
                    "COUPON_NOT_STACKABLE",
                    $"Coupon {terms.Code} cannot be combined with other coupons, and the order already has {couponsAlreadyOnOrder[0].Code}.",
                    param);
            }

            if (couponsAlreadyOnOrder.FirstOrDefault(c => !c.Stackable) is { Code: not null } blocking)
            {
                throw Refused(
                    "COUPON_NOT_STACKABLE",
                    $"The order already has coupon {blocking.Code}, which cannot be combined with other coupons.",
                    param);
            }
        }

        // A fixed amount, or a minimum, is money in the coupon's currency; comparing it with another currency's minor
        // units would be meaningless. A percentage coupon without a currency fits any order. A 409 like the other
        // refusals: the request is fine, the coupon and the order just do not go together.
        var carriesMoney = terms.Type == CouponDiscountType.FixedAmount
            || (terms.MinimumSubtotalMinor is not null && terms.Currency is not null);
        if (carriesMoney && !string.Equals(terms.Currency, orderCurrency, StringComparison.Ordinal))
        {
            throw Refused(
                "CURRENCY_MISMATCH",
                $"Coupon {terms.Code} is in {terms.Currency ?? "no currency"} and the order is in {orderCurrency}.",
                param);
        }

        var eligible = EligibleLines(terms, lines);
        if (eligible.Count == 0)
        {
            throw Refused("COUPON_NOT_APPLICABLE", $"Coupon {terms.Code} does not apply to any item on this order.", param);
        }

        if (terms.MinimumSubtotalMinor is { } minimum)
        {
            var eligibleIds = eligible.ToHashSet(StringComparer.Ordinal);
            long eligibleSubtotal = 0;
            foreach (var line in lines.Where(l => eligibleIds.Contains(l.LineItemId)))
            {
                eligibleSubtotal = checked(eligibleSubtotal + line.AmountMinor);
            }

            if (eligibleSubtotal < minimum)
            {
                throw Refused(
                    "COUPON_MINIMUM_NOT_MET",
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Coupon {terms.Code} needs at least {new Money(minimum, orderCurrency)} of eligible items; the order has {new Money(eligibleSubtotal, orderCurrency)}."),
                    param);
            }
        }

        CheckRedemptionsLeft(terms, redemptionsTaken, customerRedemptions, hasCustomer, param);
    }

    /// <summary>
    /// Whether a redemption may be taken when an order is paid (the coupon grain asks): the coupon-side rules of
    /// <see cref="CheckCanApply"/>, in the same order and with the same codes — <c>COUPON_INACTIVE</c>,
    /// <c>COUPON_NOT_STARTED</c>, <c>COUPON_EXPIRED</c>, <c>COUPON_EXHAUSTED</c>, <c>COUPON_CUSTOMER_LIMIT</c> — since
    /// anything may have changed between applying the coupon and paying.
    /// </summary>
    /// <param name="customerRedemptions">Redemptions already taken by the paying customer.</param>
    /// <param name="hasCustomer">Whether the order names a customer; without one there is no per-customer count.</param>
    public static void CheckCanRedeem(
        CouponTerms terms,
        DateTimeOffset now,
        long redemptionsTaken,
        long customerRedemptions,
        bool hasCustomer)
    {
        ArgumentNullException.ThrowIfNull(terms);
        CheckInForce(terms, now, param: null);
        CheckRedemptionsLeft(terms, redemptionsTaken, customerRedemptions, hasCustomer, param: null);
    }

    /// <summary>The coupon is active and <paramref name="now"/> is within its validity window.</summary>
    private static void CheckInForce(CouponTerms terms, DateTimeOffset now, string? param)
    {
        if (!terms.Active)
        {
            throw Refused(
                "COUPON_INACTIVE",
                terms.Deleted ? $"Coupon {terms.Code} was deleted." : $"Coupon {terms.Code} is not active.",
                param);
        }

        if (terms.StartsAt is { } startsAt && now < startsAt)
        {
            throw Refused("COUPON_NOT_STARTED", $"Coupon {terms.Code} can be used from {Timestamp(startsAt)}.", param);
        }

        if (terms.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            throw Refused("COUPON_EXPIRED", $"Coupon {terms.Code} expired at {Timestamp(expiresAt)}.", param);
        }
    }

    private static void CheckRedemptionsLeft(
        CouponTerms terms, long redemptionsTaken, long customerRedemptions, bool hasCustomer, string? param)
    {
        if (terms.MaxRedemptions is { } max && redemptionsTaken >= max)
        {
            throw Refused("COUPON_EXHAUSTED", $"Coupon {terms.Code} has been used the maximum number of times.", param);
        }

        if (hasCustomer && terms.PerCustomerLimit is { } limit && customerRedemptions >= limit)
        {
            throw Refused(
                "COUPON_CUSTOMER_LIMIT",
                $"This customer has already used coupon {terms.Code} the maximum number of times.",
                param);
        }
    }

    /// <summary>Every refusal is a 409: the request is well-formed, the coupon's or the order's state forbids it.</summary>
    private static DomainException Refused(string code, string message, string? param) =>
        DomainException.Conflict(code, message, param);

    /// <summary>
    /// The coupon as an order-scoped discount named after its code. A coupon that applies to everything gets no line
    /// restriction, so lines added later are discounted too; otherwise it is restricted to
    /// <paramref name="eligibleLineIds"/> (the grain recomputes them with <see cref="EligibleLines"/> when lines change).
    /// </summary>
    public static OrderDiscount ToOrderDiscount(CouponTerms terms, string discountId, IReadOnlyList<string> eligibleLineIds)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(eligibleLineIds);
        return terms.Type == CouponDiscountType.Percentage
            ? new OrderDiscount(discountId, terms.Code, DiscountType.Percentage, terms.PercentOff, null, null,
                terms.AppliesToAll ? null : eligibleLineIds)
            : new OrderDiscount(discountId, terms.Code, DiscountType.FixedAmount, null, terms.AmountOffMinor, null,
                terms.AppliesToAll ? null : eligibleLineIds);
    }

    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
