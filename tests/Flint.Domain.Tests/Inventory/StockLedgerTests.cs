using Flint.Domain.Inventory;

namespace Flint.Domain.Tests.Inventory;

public sealed class StockLedgerTests
{
    [Fact]
    public void Available_is_on_hand_minus_reserved() =>
        Assert.Equal(7, new StockLedger(10, 3, EnforceLimit: true).Available);

    [Fact]
    public void Receiving_five_units_raises_on_hand_by_five_and_leaves_the_original_untouched()
    {
        var before = StockLedger.Empty(enforceLimit: true);

        var after = before.Adjust(5);

        Assert.Equal(5, after.OnHand);
        Assert.Equal(0, before.OnHand);
    }

    [Fact]
    public void A_zero_adjustment_is_INVALID_QUANTITY_DELTA() =>
        Expect.Error("INVALID_QUANTITY_DELTA", () => new StockLedger(5, 0, true).Adjust(0));

    [Fact]
    public void With_the_limit_enforced_stock_can_be_taken_down_to_exactly_zero_available() =>
        Assert.Equal(0, new StockLedger(3, 1, true).Adjust(-2).Available);

    [Fact]
    public void With_the_limit_enforced_taking_more_than_available_is_an_INSUFFICIENT_INVENTORY_conflict()
    {
        var error = Expect.Error("INSUFFICIENT_INVENTORY", () => new StockLedger(3, 1, true).Adjust(-3));
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void Without_the_limit_stock_may_go_negative() =>
        Assert.Equal(-2, new StockLedger(3, 1, false).Adjust(-4).Available);

    [Fact]
    public void Receiving_stock_is_allowed_even_while_available_stays_negative()
    {
        var oversold = new StockLedger(-5, 0, true); // the limit was switched on after overselling

        Assert.Equal(-3, oversold.Adjust(2).Available);
        Expect.Error("INSUFFICIENT_INVENTORY", () => oversold.Adjust(-1));
    }

    [Fact]
    public void A_reservation_fits_only_in_available_stock_when_enforced()
    {
        var ledger = new StockLedger(5, 3, true);

        Assert.True(ledger.CanReserve(2));
        Assert.False(ledger.CanReserve(3));
        Assert.False(ledger.CanReserve(0));
        Assert.True(new StockLedger(0, 0, false).CanReserve(100));
    }

    [Fact]
    public void Reserving_raises_reserved_and_lowers_available()
    {
        var after = new StockLedger(5, 0, true).Reserve(2);

        Assert.Equal((5L, 2L, 3L), (after.OnHand, after.Reserved, after.Available));
    }

    [Fact]
    public void Reserving_more_than_available_is_an_INSUFFICIENT_INVENTORY_conflict() =>
        Expect.Error("INSUFFICIENT_INVENTORY", () => new StockLedger(5, 4, true).Reserve(2));

    [Fact]
    public void Reserving_zero_is_INVALID_QUANTITY() =>
        Expect.Error("INVALID_QUANTITY", () => new StockLedger(5, 0, true).Reserve(0));

    [Fact]
    public void Releasing_a_reservation_makes_its_units_available_again() =>
        Assert.Equal(5, new StockLedger(5, 2, true).Release(2).Available);

    [Fact]
    public void Committing_a_reservation_ships_its_units_without_changing_available()
    {
        var after = new StockLedger(5, 2, true).Commit(2);

        Assert.Equal((3L, 0L, 3L), (after.OnHand, after.Reserved, after.Available));
    }

    [Fact]
    public void Releasing_more_than_reserved_is_a_bug_in_the_caller() =>
        Assert.Throws<InvalidOperationException>(() => new StockLedger(5, 1, true).Release(2));

    [Fact]
    public void An_adjustment_past_long_max_is_QUANTITY_OVERFLOW() =>
        Expect.Error("QUANTITY_OVERFLOW", () => new StockLedger(long.MaxValue, 0, false).Adjust(1));
}
