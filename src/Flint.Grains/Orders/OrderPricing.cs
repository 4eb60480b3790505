using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;

namespace Flint.Grains.Orders;

/// <summary>Turns an order's state into its view. Every amount comes from the one <see cref="OrderCalculator"/>,
/// recomputed on each call: amounts are derived, never stored.</summary>
public static class OrderPricing
{
    public static OrderCalculation Calculate(OrderState s) => OrderCalculator.Calculate(new OrderCalculationInput(
        s.Currency,
        s.Lines.Select(CalculatorLine).ToList(),
        s.Discounts.Select(d => ToCalculatorDiscount(d, s)).ToList(),
        s.TaxRates.Select(t => new OrderTaxRate(t.TaxRateId, t.Name, decimal.Parse(t.Percentage, System.Globalization.CultureInfo.InvariantCulture),
            t.Inclusion == "inclusive" ? TaxInclusion.Inclusive : TaxInclusion.Additive, t.TaxCategories)).ToList(),
        s.TipMinor, s.PaidMinor, s.RefundedMinor));

    /// <summary>A line as the calculator prices it: unit price, the modifiers' adjustment per unit, quantity, tax treatment.</summary>
    public static OrderLine CalculatorLine(OrderLineState l) => new(l.LineItemId, l.Quantity, l.BasePriceMoney.Amount,
        l.Modifiers.Sum(m => m.PriceAdjustmentMoney.Amount), l.TaxCategory, l.Taxable);

    /// <summary>A coupon's terms as frozen on the order; only the parts that decide eligibility and amount matter here.</summary>
    public static CouponTerms CouponTermsOf(OrderDiscountState d, string currency) => new(
        d.CouponCode ?? "", d.Type == "fixed_amount" ? CouponDiscountType.FixedAmount : CouponDiscountType.Percentage,
        d.Percentage is null ? null : decimal.Parse(d.Percentage, System.Globalization.CultureInfo.InvariantCulture),
        d.AmountMinor, currency, null, null, null, null, null, d.AppliesToProductIds, d.AppliesToCategories, d.Stackable, true);

    public static IReadOnlyList<CouponLine> CouponLines(OrderState s) =>
        s.Lines.Select(l => new CouponLine(l.LineItemId, l.ProductId, l.Categories,
            checked((l.BasePriceMoney.Amount + l.Modifiers.Sum(m => m.PriceAdjustmentMoney.Amount)) * l.Quantity))).ToList();

    private static OrderDiscount ToCalculatorDiscount(OrderDiscountState d, OrderState s)
    {
        if (d.Source == "coupon")
        {
            var terms = CouponTermsOf(d, s.Currency);
            var lines = CouponLines(s);
            var eligible = CouponRules.EligibleLines(terms, lines);
            var discount = CouponRules.ToOrderDiscount(terms, d.DiscountId, eligible) with { Name = d.Name };
            // The minimum was checked when the coupon was applied; if lines were removed since, it no longer holds and
            // the coupon comes to nothing until the basket grows back.
            var eligibleGross = lines.Where(l => eligible.Contains(l.LineItemId)).Sum(l => l.AmountMinor);
            return d.MinimumSubtotalMinor is { } min && eligibleGross < min ? discount with { EligibleLineItemIds = [] } : discount;
        }
        return new OrderDiscount(d.DiscountId, d.Name,
            d.Type == "fixed_amount" ? DiscountType.FixedAmount : DiscountType.Percentage,
            d.Percentage is null ? null : decimal.Parse(d.Percentage, System.Globalization.CultureInfo.InvariantCulture),
            d.AmountMinor, d.LineItemIds, null);
    }

    public static OrderView View(OrderState s, string? orderId)
    {
        var c = Calculate(s);
        var currency = s.Currency;
        Money M(long minor) => new(minor, currency);
        var lines = s.Lines.Select(l =>
        {
            var lc = c.Lines.First(x => x.LineItemId == l.LineItemId);
            var unit = l.BasePriceMoney.Amount + l.Modifiers.Sum(m => m.PriceAdjustmentMoney.Amount);
            return new LineItemView
            {
                LineItemId = l.LineItemId,
                ItemType = l.ItemType,
                ProductId = l.ProductId,
                VariantId = l.VariantId,
                BundleId = l.BundleId,
                Name = l.Name,
                Sku = l.Sku,
                Quantity = l.Quantity,
                BasePriceMoney = l.BasePriceMoney,
                Modifiers = l.Modifiers,
                UnitPriceMoney = M(unit),
                TaxCategory = l.TaxCategory,
                Taxable = l.Taxable,
                Note = l.Note,
                GrossSalesMoney = M(lc.GrossSalesMinor),
                TotalDiscountMoney = M(lc.TotalDiscountMinor),
                TotalTaxMoney = M(lc.TotalTaxMinor),
                TotalMoney = M(lc.TotalMinor),
                AppliedDiscounts = lc.DiscountShares.Select(x => new AppliedAmountView(x.Id, M(x.AmountMinor))).ToList(),
                AppliedTaxes = lc.TaxShares.Select(x => new AppliedAmountView(x.Id, M(x.AmountMinor))).ToList(),
            };
        }).ToList();
        return new OrderView
        {
            OrderId = orderId,
            Status = SnakeCase.ToSnake(s.Status),
            Currency = currency,
            CustomerId = s.CustomerId,
            Source = s.Source,
            SubscriptionId = s.SubscriptionId,
            LocationId = s.LocationId,
            TaxLocation = s.TaxLocation,
            LineItems = lines,
            AppliedDiscounts = s.Discounts.Select(d => new OrderDiscountView
            {
                DiscountId = d.DiscountId,
                Name = d.Name,
                Type = d.Type,
                Percentage = d.Percentage,
                AmountMoney = d.AmountMinor is { } a ? M(a) : null,
                Scope = d.LineItemIds is null ? "order" : "line_item",
                LineItemIds = d.LineItemIds,
                Source = d.Source,
                CouponId = d.CouponId,
                CouponCode = d.CouponCode,
                AppliedMoney = M(c.Discounts.FirstOrDefault(x => x.DiscountId == d.DiscountId)?.AmountMinor ?? 0),
            }).ToList(),
            AppliedTaxes = s.TaxRates.Select(t => new OrderTaxView
            {
                TaxRateId = t.TaxRateId,
                Name = t.Name,
                Percentage = t.Percentage,
                Inclusion = t.Inclusion,
                AppliedMoney = M(c.Taxes.FirstOrDefault(x => x.TaxRateId == t.TaxRateId)?.AmountMinor ?? 0),
            }).ToList(),
            CouponCodes = s.Discounts.Where(d => d.CouponCode is not null).Select(d => d.CouponCode!).ToList(),
            NetAmounts = new NetAmountsView
            {
                SubtotalMoney = M(c.SubtotalMinor),
                DiscountMoney = M(c.DiscountMinor),
                TaxMoney = M(c.TaxMinor),
                TipMoney = M(c.TipMinor),
                TotalMoney = M(c.TotalMinor),
                PaidMoney = M(c.PaidMinor),
                RefundedMoney = M(c.RefundedMinor),
                BalanceMoney = M(c.BalanceMinor),
            },
            Metadata = s.Metadata,
            Version = s.Version,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            CreatedBy = s.CreatedBy,
        };
    }
}
