using Flint.Domain.Coupons;
using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Coupons;

public sealed class CouponRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly CouponLine Coffee = new("li_coffee", "prod_coffee", ["coffee", "organic"], 39_98);
    private static readonly CouponLine Mug = new("li_mug", "prod_mug", ["kitchen"], 24_00);
    private static readonly CouponLine AdHoc = new("li_custom", null, [], 5_00);

    private static CouponTerms Spring20 => new(
        Code: "SPRING20",
        Type: CouponDiscountType.Percentage,
        PercentOff: 20m,
        AmountOffMinor: null,
        Currency: null,
        MaxRedemptions: 50,
        PerCustomerLimit: 1,
        StartsAt: Now.AddDays(-1),
        ExpiresAt: Now.AddDays(30),
        MinimumSubtotalMinor: null,
        AppliesToProductIds: [],
        AppliesToCategories: [],
        Stackable: true,
        Active: true);

    private static void Check(
        CouponTerms terms,
        IReadOnlyList<CouponLine>? lines = null,
        IReadOnlyList<(string Code, bool Stackable)>? onOrder = null,
        long taken = 0,
        long byCustomer = 0,
        bool hasCustomer = true,
        string currency = "USD",
        DateTimeOffset? now = null) =>
        CouponRules.CheckCanApply(terms, now ?? Now, currency, lines ?? [Coffee, Mug], onOrder ?? [], taken, byCustomer, hasCustomer);

    private static void Refused(string code, Action act)
    {
        var error = Expect.Error(code, act);
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void A_valid_coupon_on_an_order_without_coupons_can_be_applied() => Check(Spring20);

    [Theory]
    [InlineData("spring20", "SPRING20")]
    [InlineData("Summer_Sale-2026", "SUMMER_SALE-2026")]
    [InlineData("A", "A")]
    public void Codes_are_case_insensitive_and_stored_upper_case(string code, string normalized) =>
        Assert.Equal(normalized, CouponRules.NormalizeCode(code, "coupon_code"));

    [Theory]
    [InlineData("")]
    [InlineData("SPRING 20")]
    [InlineData("20%OFF")]
    [InlineData("ÉTÉ")]
    public void A_code_with_other_characters_is_invalid(string code)
    {
        var error = Expect.Error("INVALID_COUPON_CODE", () => CouponRules.NormalizeCode(code, "code"));

        Assert.Equal("code", error.Param);
    }

    [Fact]
    public void A_code_longer_than_64_characters_is_invalid()
    {
        Assert.Equal(64, CouponRules.NormalizeCode(new string('A', 64), "code").Length);
        Expect.Error("INVALID_COUPON_CODE", () => CouponRules.NormalizeCode(new string('A', 65), "code"));
    }

    [Fact]
    public void A_missing_code_is_a_missing_required_field() =>
        Expect.Error("MISSING_REQUIRED_FIELD", () => CouponRules.NormalizeCode(null, "coupon_code"));

    [Fact]
    public void An_inactive_coupon_is_refused() =>
        Refused("COUPON_INACTIVE", () => Check(Spring20 with { Active = false }));

    [Fact]
    public void A_coupon_before_its_start_is_refused() =>
        Refused("COUPON_NOT_STARTED", () => Check(Spring20, now: Spring20.StartsAt!.Value.AddTicks(-1)));

    [Fact]
    public void A_coupon_at_its_expiry_instant_is_expired()
    {
        Check(Spring20, now: Spring20.ExpiresAt!.Value.AddTicks(-1));
        Refused("COUPON_EXPIRED", () => Check(Spring20, now: Spring20.ExpiresAt!.Value));
    }

    [Fact]
    public void The_same_code_twice_on_one_order_is_refused() =>
        Refused("COUPON_ALREADY_APPLIED", () => Check(Spring20, onOrder: [("spring20", true)]));

    [Fact]
    public void A_non_stackable_coupon_cannot_join_an_order_that_has_a_coupon() =>
        Refused("COUPON_NOT_STACKABLE", () => Check(Spring20 with { Stackable = false }, onOrder: [("WELCOME5", true)]));

    [Fact]
    public void No_coupon_can_join_an_order_holding_a_non_stackable_one() =>
        Refused("COUPON_NOT_STACKABLE", () => Check(Spring20, onOrder: [("VIP50", false)]));

    [Fact]
    public void Stackable_coupons_combine() => Check(Spring20, onOrder: [("WELCOME5", true)]);

    [Fact]
    public void A_non_stackable_coupon_may_be_the_only_one() => Check(Spring20 with { Stackable = false });

    [Fact]
    public void A_fixed_amount_coupon_in_another_currency_is_refused()
    {
        var fiveEuro = Spring20 with { Type = CouponDiscountType.FixedAmount, PercentOff = null, AmountOffMinor = 5_00, Currency = "EUR" };

        Refused("CURRENCY_MISMATCH", () => Check(fiveEuro));
        Check(fiveEuro, currency: "EUR");
    }

    [Fact]
    public void A_percentage_coupon_fits_any_currency() => Check(Spring20, currency: "JPY");

    [Fact]
    public void A_coupon_for_products_not_on_the_order_is_not_applicable() =>
        Refused("COUPON_NOT_APPLICABLE", () => Check(Spring20 with { AppliesToProductIds = ["prod_teapot"] }));

    [Fact]
    public void A_coupon_on_an_empty_order_is_not_applicable() =>
        Refused("COUPON_NOT_APPLICABLE", () => Check(Spring20, lines: []));

    [Fact]
    public void The_minimum_counts_only_eligible_lines()
    {
        // 63.98 on the order, but only the mug (24.00) is eligible for a kitchen coupon with a 30.00 minimum.
        var kitchen = Spring20 with { AppliesToCategories = ["kitchen"], MinimumSubtotalMinor = 30_00, Currency = "USD" };

        Refused("COUPON_MINIMUM_NOT_MET", () => Check(kitchen));
        Check(kitchen with { MinimumSubtotalMinor = 24_00 });
    }

    [Fact]
    public void A_coupon_used_up_is_exhausted()
    {
        Check(Spring20, taken: 49);
        Refused("COUPON_EXHAUSTED", () => Check(Spring20, taken: 50));
    }

    [Fact]
    public void A_customer_at_the_per_customer_limit_is_refused()
    {
        Refused("COUPON_CUSTOMER_LIMIT", () => Check(Spring20, byCustomer: 1));
        Check(Spring20, byCustomer: 1, hasCustomer: false);
    }

    [Fact]
    public void Refusals_come_in_a_fixed_order_expired_before_exhausted() =>
        Refused("COUPON_EXPIRED", () => Check(Spring20, taken: 50, now: Now.AddYears(1)));

    [Fact]
    public void Redeeming_at_payment_checks_the_coupon_side_rules_again_in_the_same_order()
    {
        static void Redeem(CouponTerms terms, long taken = 0, long byCustomer = 0, bool hasCustomer = true, DateTimeOffset? now = null) =>
            CouponRules.CheckCanRedeem(terms, now ?? Now, taken, byCustomer, hasCustomer);

        Redeem(Spring20, taken: 49);
        Refused("COUPON_INACTIVE", () => Redeem(Spring20 with { Active = false }));
        Refused("COUPON_NOT_STARTED", () => Redeem(Spring20, now: Spring20.StartsAt!.Value.AddTicks(-1)));
        Refused("COUPON_EXPIRED", () => Redeem(Spring20, taken: 50, now: Spring20.ExpiresAt!.Value));
        Refused("COUPON_EXHAUSTED", () => Redeem(Spring20, taken: 50, byCustomer: 1));
        Refused("COUPON_CUSTOMER_LIMIT", () => Redeem(Spring20, byCustomer: 1));
        Redeem(Spring20, byCustomer: 1, hasCustomer: false);
    }

    [Fact]
    public void A_refusal_at_payment_names_no_field_and_says_when_the_coupon_was_deleted()
    {
        var deleted = Expect.Error("COUPON_INACTIVE", () => CouponRules.CheckCanRedeem(Spring20 with { Active = false, Deleted = true }, Now, 0, 0, false));
        Assert.Equal(("Coupon SPRING20 was deleted.", null), (deleted.Message, deleted.Param));

        var inactive = Expect.Error("COUPON_INACTIVE", () => Check(Spring20 with { Active = false }));
        Assert.Equal(("Coupon SPRING20 is not active.", "coupon_code"), (inactive.Message, inactive.Param));
    }

    [Fact]
    public void An_all_items_coupon_is_eligible_on_every_line_including_ad_hoc_ones() =>
        Assert.Equal(["li_coffee", "li_mug", "li_custom"], CouponRules.EligibleLines(Spring20, [Coffee, Mug, AdHoc]));

    [Fact]
    public void A_restricted_coupon_reaches_lines_by_product_or_by_category()
    {
        var terms = Spring20 with { AppliesToProductIds = ["prod_mug"], AppliesToCategories = ["organic"] };

        Assert.Equal(["li_coffee", "li_mug"], CouponRules.EligibleLines(terms, [Coffee, Mug, AdHoc]));
        Assert.Equal(["li_coffee"], CouponRules.EligibleLines(Spring20 with { AppliesToCategories = ["organic"] }, [Coffee, Mug, AdHoc]));
    }

    [Fact]
    public void An_all_items_coupon_becomes_an_order_discount_without_a_line_restriction()
    {
        var discount = CouponRules.ToOrderDiscount(Spring20, "disc_1", ["li_coffee", "li_mug"]);

        Assert.Equal(new OrderDiscount("disc_1", "SPRING20", DiscountType.Percentage, 20m, null, null, null), discount);
    }

    [Fact]
    public void A_restricted_fixed_coupon_becomes_an_order_discount_over_its_eligible_lines()
    {
        var terms = Spring20 with
        {
            Type = CouponDiscountType.FixedAmount, PercentOff = null, AmountOffMinor = 5_00, Currency = "USD", AppliesToCategories = ["kitchen"],
        };
        string[] eligible = ["li_mug"];

        var discount = CouponRules.ToOrderDiscount(terms, "disc_2", eligible);

        Assert.Equal(DiscountType.FixedAmount, discount.Type);
        Assert.Equal(5_00, discount.AmountMinor);
        Assert.Null(discount.LineItemIds);
        Assert.Equal(eligible, discount.EligibleLineItemIds);
    }
}
