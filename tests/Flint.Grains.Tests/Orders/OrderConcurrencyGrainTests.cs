using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Grains.Tests.Support;
using static Flint.Grains.Tests.Orders.OrderRequests;

namespace Flint.Grains.Tests.Orders;

/// <summary>One order edited from many places at once, and the version that keeps stale screens from overwriting
/// newer edits.</summary>
public sealed class OrderConcurrencyGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _orderId = FlintId.New(IdPrefix.Order);

    private IOrderGrain Order => Grain<IOrderGrain>(_orderId);

    /// <summary>round(n / d) half to even, in integers, for non-negative n and positive d.</summary>
    private static long RoundHalfEven(long n, long d)
    {
        var q = n / d;
        var r = n % d;
        return 2 * r > d || (2 * r == d && q % 2 == 1) ? q + 1 : q;
    }

    [Fact]
    public async Task A_hundred_concurrent_line_additions_give_a_hundred_lines_and_totals_exact_to_the_cent()
    {
        await Grain<ITaxRatesGrain>(ITaxRatesGrain.Key).Create(FlintId.New(IdPrefix.Tax),
            new TaxRateRequest { Name = "NY", Percentage = "8.875", Jurisdiction = new JurisdictionInput { Country = "US", Region = "NY" } });
        await Order.Create(new CreateOrderRequest { Currency = "USD", TaxLocation = Location("US", "NY", "10001") });
        await Order.AddDiscount(PercentOff("10"));

        var lines = Enumerable.Range(0, 100).Select(i => (Name: $"Item {i}", Price: 101L + 37 * i, Quantity: 1L + i % 4)).ToList();
        var results = await Task.WhenAll(lines.Select(l => Order.AddLineItem(AddAdHoc(l.Name, l.Price, l.Quantity))));

        // Each call saw the order at a distinct version: they ran one after another.
        Assert.Equal(Enumerable.Range(3, 100).Select(v => (long)v), results.Select(r => r.Version).Order());
        var order = await Order.Get();
        Assert.Equal(102, order.Version);
        Assert.Equal(100, order.LineItems.Count);
        Assert.Equal(100, order.LineItems.Select(l => l.LineItemId).Distinct().Count());
        Assert.Equal(lines.Select(l => (l.Name, l.Price, l.Quantity)).Order(),
            order.LineItems.Select(l => (l.Name, l.UnitPriceMoney.Amount, l.Quantity)).Order());

        var subtotal = lines.Sum(l => l.Price * l.Quantity);
        var discount = subtotal * 10 / 100; // rounded down
        var tax = RoundHalfEven((subtotal - discount) * 8875, 100_000);
        var net = order.NetAmounts;
        Assert.Equal(subtotal, net.SubtotalMoney.Amount);
        Assert.Equal(discount, net.DiscountMoney.Amount);
        Assert.Equal(tax, net.TaxMoney.Amount);
        Assert.Equal(subtotal - discount + tax, net.TotalMoney.Amount);
        Assert.Equal(subtotal - discount + tax, net.BalanceMoney.Amount);
        Assert.Equal(discount, Assert.Single(order.AppliedDiscounts).AppliedMoney.Amount);
        Assert.Equal(tax, Assert.Single(order.AppliedTaxes).AppliedMoney.Amount);

        // The line shares add up to the order figures exactly.
        Assert.Equal(subtotal, order.LineItems.Sum(l => l.GrossSalesMoney.Amount));
        Assert.Equal(discount, order.LineItems.Sum(l => l.TotalDiscountMoney.Amount));
        Assert.Equal(tax, order.LineItems.Sum(l => l.TotalTaxMoney.Amount));
        Assert.Equal(net.TotalMoney.Amount, order.LineItems.Sum(l => l.TotalMoney.Amount));
        Assert.All(order.LineItems, l => Assert.Equal(l.GrossSalesMoney.Amount - l.TotalDiscountMoney.Amount + l.TotalTaxMoney.Amount, l.TotalMoney.Amount));
    }

    [Fact]
    public async Task Each_change_increments_the_version_by_exactly_one()
    {
        var v1 = await Order.Create(Order(AdHoc("A", 1000)));
        var lineA = v1.LineItems[0].LineItemId;
        var v2 = await Order.AddLineItem(AddAdHoc("B", 500));
        var lineB = v2.LineItems.Single(l => l.Name == "B").LineItemId;
        var v3 = await Order.UpdateLineItem(lineA, new UpdateLineItemRequest { Quantity = 2 });
        var v4 = await Order.AddDiscount(AmountOff(100));
        var v5 = await Order.RemoveDiscount(v4.AppliedDiscounts[0].DiscountId, null);
        var v6 = await Order.RemoveLineItem(lineB, null);
        var v7 = await Order.Update(new UpdateOrderRequest { Metadata = new() { ["note"] = "x" } });
        var v8 = await Order.Cancel(null);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], new[] { v1, v2, v3, v4, v5, v6, v7, v8 }.Select(v => v.Version));
        Assert.Equal(8, (await Order.Get()).Version);
        Assert.Equal(2000, v8.NetAmounts.TotalMoney.Amount);
    }

    [Fact]
    public async Task A_change_sent_with_a_stale_version_is_VERSION_MISMATCH_and_changes_nothing()
    {
        var created = await Order.Create(Order(AdHoc("A", 1000), AdHoc("B", 500)));
        var lineA = created.LineItems[0].LineItemId;
        var withDiscount = await Order.AddDiscount(PercentOff("10", lineA));
        var discountId = withDiscount.AppliedDiscounts[0].DiscountId;
        var current = await Order.Update(new UpdateOrderRequest { Metadata = new() { ["k"] = "v" }, Version = 2 });
        Assert.Equal(3, current.Version);
        const long stale = 2;

        await AssertFails("VERSION_MISMATCH", () => Order.AddLineItem(AddAdHoc("C", 1, version: stale)));
        await AssertFails("VERSION_MISMATCH", () => Order.UpdateLineItem(lineA, new UpdateLineItemRequest { Quantity = 9, Version = stale }));
        await AssertFails("VERSION_MISMATCH", () => Order.RemoveLineItem(lineA, stale));
        await AssertFails("VERSION_MISMATCH", () => Order.AddDiscount(new AddDiscountRequest { Name = "x", Percentage = "50", Version = stale }));
        await AssertFails("VERSION_MISMATCH", () => Order.RemoveDiscount(discountId, stale));
        await AssertFails("VERSION_MISMATCH", () => Order.Update(new UpdateOrderRequest { Metadata = new() { ["k"] = "w" }, Version = stale }));
        await AssertFails("VERSION_MISMATCH", () => Order.Update(new UpdateOrderRequest { TaxLocation = Location("US"), Version = 4 }));
        await AssertFails("VERSION_MISMATCH", () => Order.RemoveCoupon("NONE", stale));
        var e = await AssertFails("VERSION_MISMATCH", () => Order.Cancel(stale));
        Assert.Equal(DomainErrorKind.Conflict, e.Kind);
        Assert.Equal("version", e.Param);

        var after = await Order.Get();
        Assert.Equal(("open", 3L), (after.Status, after.Version));
        Assert.Equal(current.NetAmounts, after.NetAmounts);
        Assert.Equal(["A", "B"], after.LineItems.Select(l => l.Name));
        Assert.Equal([1L, 1L], after.LineItems.Select(l => l.Quantity));
        Assert.Equal(discountId, Assert.Single(after.AppliedDiscounts).DiscountId);
        Assert.Equal("v", after.Metadata["k"]);
        Assert.Null(after.TaxLocation);

        // The current version is accepted.
        var added = await Order.AddLineItem(AddAdHoc("C", 1, version: 3));
        Assert.Equal(4, added.Version);
        Assert.Equal(5, (await Order.Cancel(4)).Version);
    }

    [Fact]
    public async Task An_order_reads_back_the_same_after_its_grain_was_deactivated()
    {
        await Grain<ITaxRatesGrain>(ITaxRatesGrain.Key).Create(FlintId.New(IdPrefix.Tax),
            new TaxRateRequest { Name = "VAT", Percentage = "19", Inclusion = "inclusive", Jurisdiction = new JurisdictionInput { Country = "DE" } });
        var berlin = FlintId.New(IdPrefix.Location);
        await Grain<Flint.Abstractions.Locations.ILocationGrain>(berlin).Create(new Flint.Abstractions.Locations.CreateLocationRequest
        {
            Name = "Berlin 1", Timezone = "Europe/Berlin",
        });
        var created = await Order.Create(new CreateOrderRequest
        {
            Currency = "EUR", Source = "pos", LocationId = berlin, TaxLocation = Location("DE", null, "10115"),
            LineItems = [AdHoc("Brot", 450, 2, "EUR"), AdHoc("Kaffee", 320, 1, "EUR")],
            Metadata = new() { ["till"] = "2" },
        });
        await Order.AddDiscount(new AddDiscountRequest { Name = "Stammkunde", Percentage = "12.5", LineItemIds = [created.LineItems[0].LineItemId] });
        var before = await Order.Update(new UpdateOrderRequest { Metadata = new() { ["shift"] = "am" } });

        await Deactivate(Order);
        var after = await Order.Get();

        Assert.Equal(FlintJsonOf(before), FlintJsonOf(after));
        Assert.Equal(3, after.Version);
        // 9.00 − 1.12 = 7.88 and 3.20: 11.08 × 19 / 119 = 1.7691 → 1.77 carved out, total unchanged.
        Assert.Equal((1220L, 112L, 177L, 1108L), (after.NetAmounts.SubtotalMoney.Amount, after.NetAmounts.DiscountMoney.Amount,
            after.NetAmounts.TaxMoney.Amount, after.NetAmounts.TotalMoney.Amount));
    }

    private static string FlintJsonOf(OrderView v) => Flint.Abstractions.FlintJson.Serialize(v);

    [Fact]
    public async Task The_quote_grain_prices_a_body_exactly_like_the_saved_order_and_saves_nothing()
    {
        await Grain<ITaxRatesGrain>(ITaxRatesGrain.Key).Create(FlintId.New(IdPrefix.Tax),
            new TaxRateRequest { Name = "Sales", Percentage = "7.25", Jurisdiction = new JurisdictionInput { Country = "US" } });
        var body = new CreateOrderRequest { Currency = "USD", TaxLocation = Location("US"), LineItems = [AdHoc("A", 1999, 3), AdHoc("B", 1)] };

        var quote = await Grain<IOrderQuoteGrain>("quote").Calculate(body);
        var saved = await Order.Create(body);

        Assert.Null(quote.OrderId);
        Assert.Equal(saved.NetAmounts, quote.NetAmounts);
        Assert.Equal(saved.LineItems.Select(l => (l.GrossSalesMoney, l.TotalTaxMoney, l.TotalMoney)), quote.LineItems.Select(l => (l.GrossSalesMoney, l.TotalTaxMoney, l.TotalMoney)));
        // 59.98 × 7.25 % = 4.34855 → 4.35
        Assert.Equal((5998L, 435L, 6433L), (quote.NetAmounts.SubtotalMoney.Amount, quote.NetAmounts.TaxMoney.Amount, quote.NetAmounts.TotalMoney.Amount));
    }

    [Fact]
    public async Task A_line_whose_amount_overflows_is_AMOUNT_OVERFLOW_and_the_order_is_left_as_it_was()
    {
        await Order.Create(Order(AdHoc("A", 1000)));
        const long max = Flint.Domain.Money.MaxAmount;

        await AssertFails("AMOUNT_OVERFLOW", () => Order.AddLineItem(AddAdHoc("Yacht", max, 1_000_000)));
        await AssertFails("AMOUNT_OVERFLOW", () => Grain<IOrderGrain>(FlintId.New(IdPrefix.Order)).Create(Order(AdHoc("Yacht", max, 1_000_000))));
        // Each line fits, their sum does not.
        var big = await Order.AddLineItem(AddAdHoc("Ship", max, 600_000));
        Assert.Equal(max * 600_000 + 1000, big.NetAmounts.TotalMoney.Amount);
        await AssertFails("AMOUNT_OVERFLOW", () => Order.AddLineItem(AddAdHoc("Ship", max, 600_000)));

        var after = await Order.Get();
        Assert.Equal((2L, max * 600_000 + 1000), (after.Version, after.NetAmounts.TotalMoney.Amount));
        Assert.Equal(2, after.LineItems.Count);
    }
}
