using Flint.Domain;

namespace Flint.Abstractions.Orders;

/// <summary>
/// What an order's events carry as <c>data.object</c>: the order's identity, where it stands (status, version, the
/// money in <see cref="NetAmounts"/>) and what it holds (the coupons, how many lines), not the order itself.
/// </summary>
/// <remarks>An order is the largest object Flint keeps (up to 500 lines with modifiers, discounts and taxes each),
/// and every change of it records an event: with the whole order in each, a checkout's three order events were a
/// quarter of its database writes. As in Square's order webhooks (<c>order.created</c>/<c>order.updated</c> carry
/// the order's id, state and version), the event says what happened and where the order now stands; a consumer that
/// needs the lines reads <c>GET /v1/orders/{order_id}</c>, whose <c>version</c> tells it whether it is looking at this
/// change or a later one. Every other object's events carry the object.</remarks>
public sealed record OrderEventObject
{
    /// <summary>Always "order": tells this summary from a whole object.</summary>
    public string Object { get; init; } = "order";
    public required string OrderId { get; init; }
    public required string Status { get; init; }
    public required string Currency { get; init; }
    public string? CustomerId { get; init; }
    public required string Source { get; init; }
    public string? LocationId { get; init; }
    public required int LineItemCount { get; init; }
    public required IReadOnlyList<string> CouponCodes { get; init; }
    public required NetAmountsView NetAmounts { get; init; }
    public long Version { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? CreatedBy { get; init; }

    public static OrderEventObject Of(OrderView order) => new()
    {
        OrderId = order.OrderId ?? "",
        Status = order.Status,
        Currency = order.Currency,
        CustomerId = order.CustomerId,
        Source = order.Source,
        LocationId = order.LocationId,
        LineItemCount = order.LineItems.Count,
        CouponCodes = order.CouponCodes,
        NetAmounts = order.NetAmounts,
        Version = order.Version,
        CreatedAt = order.CreatedAt,
        UpdatedAt = order.UpdatedAt,
        CreatedBy = order.CreatedBy,
    };
}
