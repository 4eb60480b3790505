using Flint.Domain.Orders;

namespace Flint.Domain.Tests.Orders;

public sealed class OrderStatusMachineTests
{
    [Fact]
    public void Only_an_open_order_is_editable()
    {
        Assert.True(OrderStatusMachine.IsEditable(OrderStatus.Open));
        foreach (var status in Enum.GetValues<OrderStatus>().Where(s => s != OrderStatus.Open))
        {
            Assert.False(OrderStatusMachine.IsEditable(status));
            var error = Expect.Error("ORDER_NOT_EDITABLE", () => OrderStatusMachine.EnsureEditable(status));
            Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        }

        OrderStatusMachine.EnsureEditable(OrderStatus.Open);
    }

    [Theory]
    [InlineData(OrderStatus.Open, 1000, 1000, OrderStatus.Paid)]
    [InlineData(OrderStatus.Open, 1000, 1200, OrderStatus.Paid)]
    [InlineData(OrderStatus.Open, 1000, 400, OrderStatus.PartiallyPaid)]
    [InlineData(OrderStatus.PartiallyPaid, 1000, 900, OrderStatus.PartiallyPaid)]
    [InlineData(OrderStatus.PartiallyPaid, 1000, 1000, OrderStatus.Paid)]
    [InlineData(OrderStatus.Open, 0, 0, OrderStatus.Paid)]
    public void A_payment_moves_an_open_or_partially_paid_order_by_how_much_is_paid(
        OrderStatus current, long total, long paid, OrderStatus expected) =>
        Assert.Equal(expected, OrderStatusMachine.AfterPayment(current, total, paid));

    [Theory]
    [InlineData(OrderStatus.Paid, 1000, 1000, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Paid, 1000, 300, OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.PartiallyRefunded, 1000, 600, OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.PartiallyRefunded, 1000, 1000, OrderStatus.Refunded)]
    public void A_refund_moves_a_paid_or_partially_refunded_order_by_how_much_is_returned(
        OrderStatus current, long paid, long refunded, OrderStatus expected) =>
        Assert.Equal(expected, OrderStatusMachine.AfterRefund(current, paid, refunded));

    [Fact]
    public void An_open_order_can_be_canceled() =>
        Assert.Equal(OrderStatus.Canceled, OrderStatusMachine.Cancel(OrderStatus.Open));

    [Theory]
    [InlineData(OrderStatus.Open, 1, true)]
    [InlineData(OrderStatus.PartiallyPaid, 600, true)]
    [InlineData(OrderStatus.Open, 0, false)]
    [InlineData(OrderStatus.PartiallyPaid, 0, false)]
    [InlineData(OrderStatus.Paid, 0, false)]
    [InlineData(OrderStatus.PartiallyRefunded, 300, false)]
    [InlineData(OrderStatus.Refunded, 1000, false)]
    [InlineData(OrderStatus.Canceled, 1000, false)]
    public void A_payment_can_start_only_for_an_order_taking_payments_with_something_left_to_pay(OrderStatus status, long balanceMinor, bool payable)
    {
        Assert.Equal(payable, OrderStatusMachine.IsPayable(status, balanceMinor));
        Assert.Equal(status is OrderStatus.Open or OrderStatus.PartiallyPaid, OrderStatusMachine.AcceptsPayments(status));
        if (payable)
        {
            OrderStatusMachine.EnsurePayable(status, balanceMinor, "order_id");
            return;
        }
        var error = Expect.Error("ORDER_NOT_PAYABLE", () => OrderStatusMachine.EnsurePayable(status, balanceMinor, "order_id"));
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Equal("order_id", error.Param);
        Assert.Equal($"The order is {SnakeCase.ToSnake(status)} with nothing left to pay.", error.Message);
    }

    [Theory]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.Refunded)]
    [InlineData(OrderStatus.Canceled)]
    public void Payments_are_refused_once_paid_refunded_or_canceled(OrderStatus current)
    {
        var error = Expect.Error("INVALID_STATE_TRANSITION", () => OrderStatusMachine.AfterPayment(current, 1000, 1000));
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
    }

    [Theory]
    [InlineData(OrderStatus.Open)]
    [InlineData(OrderStatus.PartiallyPaid)]
    [InlineData(OrderStatus.Refunded)]
    [InlineData(OrderStatus.Canceled)]
    public void Refunds_are_refused_unless_paid_or_partially_refunded(OrderStatus current) =>
        Expect.Error("INVALID_STATE_TRANSITION", () => OrderStatusMachine.AfterRefund(current, 1000, 100));

    [Theory]
    [InlineData(OrderStatus.PartiallyPaid)]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.Refunded)]
    [InlineData(OrderStatus.Canceled)]
    public void Only_an_open_order_can_be_canceled(OrderStatus current) =>
        Expect.Error("INVALID_STATE_TRANSITION", () => OrderStatusMachine.Cancel(current));

    [Theory]
    [InlineData(OrderStatus.Open, OrderStatus.Paid, "order.paid")]
    [InlineData(OrderStatus.Open, OrderStatus.PartiallyPaid, "order.partially_paid")]
    [InlineData(OrderStatus.PartiallyPaid, OrderStatus.PartiallyPaid, "order.partially_paid")]
    [InlineData(OrderStatus.PartiallyPaid, OrderStatus.Paid, "order.paid")]
    [InlineData(OrderStatus.Paid, OrderStatus.PartiallyRefunded, "order.partially_refunded")]
    [InlineData(OrderStatus.Paid, OrderStatus.Refunded, "order.refunded")]
    [InlineData(OrderStatus.PartiallyRefunded, OrderStatus.Refunded, "order.refunded")]
    [InlineData(OrderStatus.Open, OrderStatus.Canceled, "order.canceled")]
    public void Each_transition_records_its_event_type(OrderStatus from, OrderStatus to, string eventType) =>
        Assert.Equal(eventType, OrderStatusMachine.EventFor(from, to));

    [Theory]
    [InlineData(OrderStatus.Paid, OrderStatus.Open)]
    [InlineData(OrderStatus.Canceled, OrderStatus.Paid)]
    [InlineData(OrderStatus.Open, OrderStatus.Refunded)]
    public void A_transition_outside_the_machine_has_no_event(OrderStatus from, OrderStatus to) =>
        Assert.Throws<ArgumentException>(() => OrderStatusMachine.EventFor(from, to));

    [Fact]
    public void Statuses_are_snake_case_on_the_wire() =>
        Assert.Equal(
            ["open", "partially_paid", "paid", "partially_refunded", "refunded", "canceled"],
            SnakeCase.Names<OrderStatus>());
}
