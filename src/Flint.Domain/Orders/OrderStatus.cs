using System.Globalization;

namespace Flint.Domain.Orders;

/// <summary>
/// Where an order is in its life; wire form snake_case (<c>open</c>, <c>partially_paid</c>, …).
/// <c>open → partially_paid → paid → partially_refunded → refunded</c>, and <c>open → canceled</c>.
/// </summary>
public enum OrderStatus
{
    Open,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
    Canceled,
}

/// <summary>
/// The one place the order status machine lives: grains ask it for the next status instead of setting one, so an
/// illegal transition cannot be written anywhere else. Refusals are 409 conflicts because the request itself is
/// well-formed — only the order's current state forbids it.
/// </summary>
public static class OrderStatusMachine
{
    /// <summary>Only an open order's lines, coupons, discounts and tax location may change: once money moved, the
    /// amounts it was computed from are frozen.</summary>
    public static bool IsEditable(OrderStatus status) => status == OrderStatus.Open;

    public static void EnsureEditable(OrderStatus status)
    {
        if (!IsEditable(status))
        {
            throw DomainException.Conflict(
                "ORDER_NOT_EDITABLE",
                $"The order is {SnakeCase.ToSnake(status)}; line items, discounts, coupons and the tax location can only change while it is open.");
        }
    }

    /// <summary>Only an open or partially paid order takes a payment.</summary>
    public static bool AcceptsPayments(OrderStatus status) => status is OrderStatus.Open or OrderStatus.PartiallyPaid;

    /// <summary>Whether a payment can be started for the order now: it takes payments and something is left to pay.
    /// What a hosted checkout page and a terminal checkout ask before they offer to take money.</summary>
    public static bool IsPayable(OrderStatus status, long balanceMinor) => AcceptsPayments(status) && balanceMinor > 0;

    public static void EnsurePayable(OrderStatus status, long balanceMinor, string param)
    {
        if (!IsPayable(status, balanceMinor))
        {
            throw DomainException.Conflict(
                "ORDER_NOT_PAYABLE", $"The order is {SnakeCase.ToSnake(status)} with nothing left to pay.", param);
        }
    }

    /// <summary>
    /// Status after a payment brought the paid amount to <paramref name="paidMinor"/>. Paying at least the total
    /// (a zero total included) makes it <c>paid</c>; less makes it <c>partially_paid</c>.
    /// </summary>
    public static OrderStatus AfterPayment(OrderStatus current, long totalMinor, long paidMinor)
    {
        if (!AcceptsPayments(current))
        {
            throw Refused(current, "take a payment", "only open or partially paid orders accept payments");
        }

        return paidMinor >= totalMinor ? OrderStatus.Paid : OrderStatus.PartiallyPaid;
    }

    /// <summary>
    /// Status after refunds brought the refunded amount to <paramref name="refundedMinor"/>: everything paid given back
    /// is <c>refunded</c>, less is <c>partially_refunded</c>. A partially paid order is not refundable here: the
    /// payments flow refunds a payment only once the order is fully paid, so the status history stays linear.
    /// </summary>
    public static OrderStatus AfterRefund(OrderStatus current, long paidMinor, long refundedMinor)
    {
        if (current is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded))
        {
            throw Refused(current, "refund", "only paid or partially refunded orders can be refunded");
        }

        return refundedMinor >= paidMinor ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
    }

    /// <summary>Canceling is only for orders no money has touched; a paid order is refunded instead.</summary>
    public static OrderStatus Cancel(OrderStatus current)
    {
        if (current != OrderStatus.Open)
        {
            throw Refused(current, "cancel", "only open orders can be canceled; refund a paid order instead");
        }

        return OrderStatus.Canceled;
    }

    /// <summary>
    /// Event type recorded with a status change (<c>order.paid</c>, <c>order.partially_refunded</c>, …). A repeated
    /// status (a second partial payment) records the same event again, since the amounts changed.
    /// </summary>
    public static string EventFor(OrderStatus from, OrderStatus to)
    {
        var allowed = (from, to) switch
        {
            (OrderStatus.Open or OrderStatus.PartiallyPaid, OrderStatus.PartiallyPaid or OrderStatus.Paid) => true,
            (OrderStatus.Paid or OrderStatus.PartiallyRefunded, OrderStatus.PartiallyRefunded or OrderStatus.Refunded) => true,
            (OrderStatus.Open, OrderStatus.Canceled) => true,
            _ => false,
        };
        if (!allowed)
        {
            // Only the machine's own results reach here, so anything else is a programming error, not a client one.
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{from} → {to} is not a transition of the order status machine."),
                nameof(to));
        }

        return "order." + SnakeCase.ToSnake(to);
    }

    private static DomainException Refused(OrderStatus current, string action, string rule) =>
        DomainException.Conflict(
            "INVALID_STATE_TRANSITION",
            $"Cannot {action}: the order is {SnakeCase.ToSnake(current)}, and {rule}.");
}
