using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Orders;

/// <summary>Short builders so each test reads as the order it describes.</summary>
internal static class Cart
{
    public static OrderLine Line(string id, long quantity, long unitPrice, string category = "general", bool taxable = true, long modifiers = 0) =>
        new(id, quantity, unitPrice, modifiers, category, taxable);

    public static OrderDiscount PercentOff(string id, decimal percentage) =>
        new(id, id, DiscountType.Percentage, percentage, null, null, null);

    public static OrderDiscount AmountOff(string id, long amount) =>
        new(id, id, DiscountType.FixedAmount, null, amount, null, null);

    public static OrderDiscount PercentOffLines(string id, decimal percentage, params string[] lineIds) =>
        new(id, id, DiscountType.Percentage, percentage, null, lineIds, null);

    public static OrderDiscount AmountOffLines(string id, long amount, params string[] lineIds) =>
        new(id, id, DiscountType.FixedAmount, null, amount, lineIds, null);

    public static OrderTaxRate Additive(string id, decimal percentage, params string[] categories) =>
        new(id, id, percentage, TaxInclusion.Additive, categories);

    public static OrderTaxRate Inclusive(string id, decimal percentage, params string[] categories) =>
        new(id, id, percentage, TaxInclusion.Inclusive, categories);

    public static OrderCalculationInput Order(
        string currency,
        OrderLine[] lines,
        OrderDiscount[]? discounts = null,
        OrderTaxRate[]? rates = null,
        long tip = 0,
        long paid = 0,
        long refunded = 0) =>
        new(currency, lines, discounts ?? [], rates ?? [], tip, paid, refunded);

    public static OrderCalculation Calculate(
        string currency,
        OrderLine[] lines,
        OrderDiscount[]? discounts = null,
        OrderTaxRate[]? rates = null,
        long tip = 0,
        long paid = 0,
        long refunded = 0) =>
        OrderCalculator.Calculate(Order(currency, lines, discounts, rates, tip, paid, refunded));

    public static LineCalculation LineOf(this OrderCalculation calculation, string lineItemId) =>
        calculation.Lines.Single(l => l.LineItemId == lineItemId);

    public static long DiscountShare(this LineCalculation line, string discountId) =>
        line.DiscountShares.Single(s => s.Id == discountId).AmountMinor;

    public static long TaxShare(this LineCalculation line, string taxRateId) =>
        line.TaxShares.Single(s => s.Id == taxRateId).AmountMinor;

    public static long Applied(this OrderCalculation calculation, string id) =>
        calculation.Discounts.Where(d => d.DiscountId == id).Select(d => d.AmountMinor)
            .Concat(calculation.Taxes.Where(t => t.TaxRateId == id).Select(t => t.AmountMinor))
            .Single();

    /// <summary>Every figure of a calculation as text, so two results compare structurally (records compare lists by reference).</summary>
    public static string Fingerprint(this OrderCalculation c) =>
        string.Join(
            "|",
            new[]
            {
                $"{c.Currency} {c.SubtotalMinor} {c.DiscountMinor} {c.TaxMinor} {c.AdditiveTaxMinor} {c.InclusiveTaxMinor} {c.TipMinor} {c.TotalMinor} {c.GrossTotalMinor} {c.PaidMinor} {c.RefundedMinor} {c.RefundedTaxMinor} {c.BalanceMinor}",
                string.Join(";", c.Discounts.Select(d => $"{d.DiscountId}={d.AmountMinor}")),
                string.Join(";", c.Taxes.Select(t => $"{t.TaxRateId}={t.AmountMinor}")),
            }.Concat(c.Lines.Select(l =>
                $"{l.LineItemId} {l.GrossSalesMinor} {l.TotalDiscountMinor} {l.TotalTaxMinor} {l.TotalMinor} d[{string.Join(",", l.DiscountShares.Select(s => $"{s.Id}={s.AmountMinor}"))}] t[{string.Join(",", l.TaxShares.Select(s => $"{s.Id}={s.AmountMinor}"))}]")));
}
