using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Orders;

public sealed class RefundTaxAllocatorTests
{
    [Fact]
    public void Refund_of_half_the_total_returns_half_the_tax_rounded_half_to_even() =>
        // 461 × 2790 / 5580 = 230.5 → 230.
        Assert.Equal(230, RefundTaxAllocator.CumulativeRefundedTax(461, 5580, 2790));

    [Fact]
    public void A_full_refund_returns_exactly_the_tax_charged() =>
        Assert.Equal(461, RefundTaxAllocator.CumulativeRefundedTax(461, 5580, 5580));

    [Fact]
    public void Three_equal_refunds_carry_the_cumulative_differences_and_sum_to_the_tax()
    {
        // Cumulative: 100 × 1/3 = 33.33 → 33, × 2/3 = 66.67 → 67, × 3/3 = 100; steps 33, 34, 33.
        var steps = new[]
        {
            RefundTaxAllocator.TaxForNextRefund(100, 300, 0, 100),
            RefundTaxAllocator.TaxForNextRefund(100, 300, 100, 100),
            RefundTaxAllocator.TaxForNextRefund(100, 300, 200, 100),
        };

        Assert.Equal([33, 34, 33], steps);
        Assert.Equal(100, steps.Sum());
    }

    [Fact]
    public void Nothing_refunded_returns_no_tax() =>
        Assert.Equal(0, RefundTaxAllocator.CumulativeRefundedTax(461, 5580, 0));

    [Fact]
    public void A_zero_total_order_refunds_no_tax() =>
        Assert.Equal(0, RefundTaxAllocator.CumulativeRefundedTax(0, 0, 100));

    [Fact]
    public void Refunding_more_than_the_total_never_returns_more_than_the_tax() =>
        Assert.Equal(461, RefundTaxAllocator.CumulativeRefundedTax(461, 5580, 6000));
}
