using System.Diagnostics;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Payments;

/// <summary>Many requests at once over HTTP on PostgreSQL: one charge per order, refunds that never exceed what
/// was paid, stock and coupon redemptions that are never oversold.</summary>
[Collection(ApiCollection.Name)]
public sealed class PaymentRaceApiTests(ApiFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task Twenty_concurrent_pay_calls_on_one_order_make_exactly_one_charge_and_the_others_get_409()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("PayRace"));
        var item = await api.Stocked(price: 1250, quantity: 5);
        var orderId = (await api.NewOrder((item.VariantId, 2))).Str("order_id");

        var responses = await PayTestData.AllAtOnce(20, i => api.PayWith(orderId, i % 2 == 0 ? "tok_visa" : "tok_mastercard", $"race-{i}-{Guid.NewGuid():N}"));

        Assert.True(responses.Count(r => r.Status == 200) == 1, string.Join("\n", responses.Select(r => r.ToString())));
        Assert.All(responses.Where(r => r.Status != 200), r =>
            Assert.True(r.Status == 409 && r.ErrorCode is "ORDER_ALREADY_PAID" or "PAYMENT_IN_PROGRESS", r.ToString()));
        var succeeded = Assert.Single(await api.PaymentsOf(orderId, "succeeded"));
        Assert.Equal(2500, succeeded.Amount("amount_money"));
        Assert.Single(await api.PaymentsOf(orderId));
        Assert.Equal(("charge_" + succeeded.Str("payment_id"), "Succeeded"), Assert.Single(await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_")));
        var o = await api.GetOrder(orderId);
        Assert.Equal(("paid", 2500L), (o.Str("status"), o.Net("paid")));
        Assert.Equal((3L, 0L, 3L), await api.Stock(item));
    }

    [Fact]
    public async Task Fifty_concurrent_refunds_of_ten_percent_refund_exactly_the_total_in_ten_and_return_exactly_the_tax_charged()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("RefundRace"));
        // 18.37 at 8.875 %: tax 1.63 (163.03), total 20.00; ten refunds of 2.00 carry 16, 17, 16, 16, 17, 16, 16, 16, 17, 16.
        await api.UsTax("8.875");
        var item = await api.Stocked(price: 1837, quantity: 5);
        var order = await api.NewOrder((item.VariantId, 1));
        var orderId = order.Str("order_id");
        Assert.Equal((163L, 2000L), (order.Net("tax"), order.Net("total")));
        Assert.Equal(200, (await api.PayWith(orderId, "tok_visa")).Status);

        var sw = Stopwatch.StartNew();
        var responses = await PayTestData.AllAtOnce(50, _ => api.RefundOf(orderId, 200));
        output.WriteLine($"50 concurrent refunds: {sw.ElapsedMilliseconds} ms");

        Assert.True(responses.Count(r => r.Status == 201) == 10, string.Join("\n", responses.Select(r => r.ToString())));
        Assert.All(responses.Where(r => r.Status != 201), r => Assert.True(
            (r.Status == 400 && r.ErrorCode == "REFUND_EXCEEDS_REFUNDABLE") || (r.Status == 409 && r.ErrorCode is "INVALID_STATE_TRANSITION" or "PAYMENT_IN_PROGRESS"), r.ToString()));
        var final = await api.GetOrder(orderId);
        Assert.Equal("refunded", final.Str("status"));
        Assert.Equal((2000L, 0L, 0L), (final.Net("refunded"), final.Net("tax"), final.Net("total")));
        var refunds = await api.RefundsOf(orderId);
        Assert.Equal(10, refunds.Count);
        Assert.All(refunds, r => Assert.Equal("succeeded", r.Str("status")));
        Assert.Equal(2000, refunds.Sum(r => r.Amount("amount_money")));
        Assert.Equal(163, refunds.Sum(r => r.Amount("tax_money")));
        Assert.Equal(163, responses.Where(r => r.Status == 201).Sum(r => r.Data["refund"]!.Amount("tax_money")));
        Assert.Equal(10, (await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "refund_")).Count);
        var payment = Assert.Single(await api.PaymentsOf(orderId));
        Assert.Equal(("refunded", 2000L), (payment.Str("status"), payment.Amount("refunded_money")));
    }

    [Fact]
    public async Task Hot_sku_with_10_in_stock_and_50_orders_paying_at_once_sells_exactly_10_and_refuses_40_before_any_charge()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("HotSku"));
        var item = await api.Stocked(price: 999, quantity: 10, enforce: true);
        var orders = new string[50];
        await Parallel.ForEachAsync(Enumerable.Range(0, 50), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => orders[i] = (await api.NewOrder((item.VariantId, 1))).Str("order_id"));

        var sw = Stopwatch.StartNew();
        var responses = await PayTestData.AllAtOnce(50, i => api.PayWith(orders[i], "tok_visa"));
        output.WriteLine($"50 concurrent pays on a hot SKU: {sw.ElapsedMilliseconds} ms");

        var paid = orders.Where((_, i) => responses[i].Status == 200).ToHashSet();
        Assert.True(paid.Count == 10, string.Join("\n", responses.Select(r => r.ToString())));
        Assert.All(responses.Where(r => r.Status != 200), r => r.AssertError(409, "INSUFFICIENT_INVENTORY"));
        Assert.Equal((0L, 0L, 0L), await api.Stock(item));
        var history = await api.History(item);
        var sold = history.Where(h => h.Str("change_reason") == "order_fulfillment").ToList();
        Assert.Equal(10, sold.Count);
        Assert.All(sold, h => Assert.Equal(-1, h.Long("quantity_delta")));
        Assert.Equal(paid.Order(), sold.Select(h => h.Str("reference")).Order());
        foreach (var orderId in orders.Where(o => !paid.Contains(o)))
        {
            Assert.Empty(await api.PaymentsOf(orderId, "succeeded"));
            Assert.Equal(("open", 0L), ((await api.GetOrder(orderId)).Str("status"), (await api.GetOrder(orderId)).Net("paid")));
        }
        foreach (var orderId in paid) Assert.Equal("paid", (await api.GetOrder(orderId)).Str("status"));
        // The refused orders never reached the processor.
        var charges = await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_");
        Assert.Equal(10, charges.Count);
        Assert.All(charges, c => Assert.Equal("Succeeded", c.Outcome));
    }

    [Fact]
    public async Task A_coupon_limited_to_50_redemptions_on_300_orders_paid_at_once_discounts_exactly_50_and_refuses_250_with_COUPON_EXHAUSTED()
    {
        var (api, _, merchantId) = await f.NewMerchant(CatalogData.Unique("CouponRace"));
        var couponId = await api.CreateCoupon("""{"code":"FIFTY","discount_type":"percentage","percent_off":"10","max_redemptions":50}""");
        var setup = Stopwatch.StartNew();
        var orders = new string[300];
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, _) =>
        {
            var id = (await api.CreateOrderWith("", OrderData.AdHoc("Sticker", 1000))).Str("order_id");
            var applied = await api.Post($"/v1/orders/{id}/apply-coupon", """{"coupon_code":"FIFTY"}""");
            Assert.True(applied.Status == 200, applied.ToString());
            Assert.Equal(900, applied.Data.Net("total"));
            orders[i] = id;
        });
        output.WriteLine($"setup of 300 orders with the coupon: {setup.ElapsedMilliseconds} ms");

        var sw = Stopwatch.StartNew();
        var responses = await PayTestData.AllAtOnce(300, i => api.PayWith(orders[i], "tok_visa"));
        output.WriteLine($"300 concurrent pays: {sw.ElapsedMilliseconds} ms");

        var paid = orders.Where((_, i) => responses[i].Status == 200).ToHashSet();
        Assert.True(paid.Count == 50, $"{paid.Count} paid; first refusals: " + string.Join("\n", responses.Where(r => r.Status != 200).Take(5).Select(r => r.ToString())));
        Assert.All(responses.Where(r => r.Status != 200), r => r.AssertError(409, "COUPON_EXHAUSTED"));
        Assert.All(responses.Where(r => r.Status == 200), r =>
        {
            var o = r.Data["order"]!;
            Assert.Equal(("paid", 100L, 900L, 900L), (o.Str("status"), o.Net("discount"), o.Net("total"), o.Net("paid")));
            Assert.Equal(["FIFTY"], o.Arr("coupon_codes").Strings());
        });
        Assert.Equal(50, (await api.Get($"/v1/coupons/{couponId}")).Data.Long("times_redeemed"));
        var succeeded = await api.ListAll("/v1/payments?status=succeeded");
        Assert.Equal(50, succeeded.Count);
        Assert.Equal(paid.Order(), succeeded.Select(p => p.Str("order_id")).Order());
        Assert.All(succeeded, p => Assert.Equal(900, p.Amount("amount_money")));
        Assert.Equal(50, (await api.ListAll("/v1/orders?status=paid")).Count);
        Assert.Equal(250, (await api.ListAll("/v1/orders?status=open")).Count);
        var charges = await PayTestData.ProcessorRecords(f.ConnectionString, merchantId, "charge_");
        Assert.Equal(50, charges.Count);
        Assert.Equal(paid.Order(), succeeded.Select(p => p.Str("order_id")).Order());
    }
}
