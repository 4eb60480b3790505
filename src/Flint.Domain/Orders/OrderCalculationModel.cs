namespace Flint.Domain.Orders;

/// <summary>
/// One line as the calculator sees it: the price frozen on the line when it was added (catalog price or ad-hoc),
/// the sum of its modifiers' per-unit adjustments (which may be negative, e.g. "small −0.50"), and how tax treats it.
/// </summary>
/// <param name="TaxCategory">Snake_case tax category (<c>general</c>, <c>food</c>, …) matched against
/// <see cref="OrderTaxRate.TaxCategories"/>.</param>
/// <param name="Taxable">False for lines no rate may touch (gift cards, a tax-exempt service).</param>
public sealed record OrderLine(
    string LineItemId,
    long Quantity,
    long UnitPriceMinor,
    long ModifierAdjustmentPerUnitMinor,
    string TaxCategory,
    bool Taxable);

public enum DiscountType
{
    Percentage,
    FixedAmount,
}

/// <summary>
/// A discount on the order: a coupon or a merchant-entered one. The position in
/// <see cref="OrderCalculationInput.Discounts"/> is the order it was added in, which decides how percentages compound.
/// </summary>
/// <param name="Percentage">Set for <see cref="DiscountType.Percentage"/>: 0 &lt; p ≤ 100.</param>
/// <param name="AmountMinor">Set for <see cref="DiscountType.FixedAmount"/>, in the order's currency.</param>
/// <param name="LineItemIds">Line scope: the discount is computed on each listed line separately. Null = order scope.</param>
/// <param name="EligibleLineItemIds">Order scope restricted to these lines (a coupon's <c>applies_to</c>); the
/// discount is still computed once on their aggregate. Null = every line.</param>
public sealed record OrderDiscount(
    string DiscountId,
    string Name,
    DiscountType Type,
    decimal? Percentage,
    long? AmountMinor,
    IReadOnlyList<string>? LineItemIds,
    IReadOnlyList<string>? EligibleLineItemIds);

public enum TaxInclusion
{
    /// <summary>Added on top of the price (US sales tax).</summary>
    Additive,

    /// <summary>Already contained in the price and carved out of it (EU VAT).</summary>
    Inclusive,
}

/// <summary>A tax rate that applies to the order (its jurisdiction already matched the order's tax location).</summary>
/// <param name="TaxCategories">Snake_case categories it applies to; empty = every taxable line.</param>
public sealed record OrderTaxRate(
    string TaxRateId,
    string Name,
    decimal Percentage,
    TaxInclusion Inclusion,
    IReadOnlyList<string> TaxCategories);

/// <summary>Everything the amounts of an order depend on; <see cref="OrderCalculator.Calculate"/> is a pure function of it.</summary>
public sealed record OrderCalculationInput(
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    IReadOnlyList<OrderDiscount> Discounts,
    IReadOnlyList<OrderTaxRate> TaxRates,
    long TipMinor,
    long PaidMinor,
    long RefundedMinor);

/// <summary>What one discount or one tax rate came to on one line.</summary>
public sealed record LineShare(string Id, long AmountMinor);

/// <summary>What one discount came to on the whole order (the sum of its line shares).</summary>
public sealed record AppliedDiscount(string DiscountId, long AmountMinor);

/// <summary>What one tax rate came to on the whole order (the sum of its line shares).</summary>
public sealed record AppliedTax(string TaxRateId, long AmountMinor);

/// <summary>
/// One line's amounts. <see cref="TotalTaxMinor"/> counts additive and inclusive tax; <see cref="TotalMinor"/> is
/// gross − discount + additive tax (inclusive tax is already inside the price). Shares list every discount and rate
/// that applies to the line, in the order of the input lists, zero amounts included.
/// </summary>
public sealed record LineCalculation(
    string LineItemId,
    long GrossSalesMinor,
    long TotalDiscountMinor,
    long TotalTaxMinor,
    long TotalMinor,
    IReadOnlyList<LineShare> DiscountShares,
    IReadOnlyList<LineShare> TaxShares);

/// <summary>
/// The order's amounts. "Net" follows Square: <see cref="TaxMinor"/> and <see cref="TotalMinor"/> are the sale minus
/// refunds; <see cref="GrossTotalMinor"/> is the total before any refund. Line figures are never reduced by refunds.
/// </summary>
/// <param name="TaxMinor">Additive + inclusive tax, net of <see cref="RefundedTaxMinor"/>.</param>
/// <param name="TotalMinor">Gross total − refunded.</param>
/// <param name="GrossTotalMinor">subtotal − discount + additive tax + tip.</param>
/// <param name="BalanceMinor">total − paid + refunded: what the customer still owes (negative = overpaid).</param>
public sealed record OrderCalculation(
    string Currency,
    long SubtotalMinor,
    long DiscountMinor,
    long TaxMinor,
    long AdditiveTaxMinor,
    long InclusiveTaxMinor,
    long TipMinor,
    long TotalMinor,
    long GrossTotalMinor,
    long PaidMinor,
    long RefundedMinor,
    long RefundedTaxMinor,
    long BalanceMinor,
    IReadOnlyList<LineCalculation> Lines,
    IReadOnlyList<AppliedDiscount> Discounts,
    IReadOnlyList<AppliedTax> Taxes)
{
    public Money Subtotal => new(SubtotalMinor, Currency);

    public Money Discount => new(DiscountMinor, Currency);

    public Money Tax => new(TaxMinor, Currency);

    public Money Tip => new(TipMinor, Currency);

    public Money Total => new(TotalMinor, Currency);

    public Money Paid => new(PaidMinor, Currency);

    public Money Refunded => new(RefundedMinor, Currency);

    public Money Balance => new(BalanceMinor, Currency);

    /// <summary>Tax charged before refunds (additive + inclusive): what a full refund gives back.</summary>
    public long TaxChargedMinor => AdditiveTaxMinor + InclusiveTaxMinor;
}
