namespace Flint.Domain.Orders;

/// <summary>
/// Where one payment of an order is; wire form snake_case (<c>pending</c>, <c>partially_refunded</c>, …), the same in
/// API answers, list rows and stored order state. A payment is planned <c>pending</c> and ends <c>succeeded</c> or
/// <c>failed</c>; refunds then move a succeeded one to <c>partially_refunded</c> and <c>refunded</c>.
/// </summary>
public enum PaymentStatus
{
    Pending,
    Succeeded,
    Failed,
    PartiallyRefunded,
    Refunded,
}

/// <summary>Where one refund of an order is: <c>pending</c> until the processor answered, then <c>succeeded</c>
/// (possibly for part of what was asked) or <c>failed</c>.</summary>
public enum RefundStatus
{
    Pending,
    Succeeded,
    Failed,
}
