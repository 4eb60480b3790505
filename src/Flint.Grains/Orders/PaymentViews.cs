using Flint.Abstractions.Payments;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>Turns an order's payments and refunds into their views: what GET /v1/payments/{id} and
/// GET /v1/refunds/{id} answer, what their events carry and what their list rows hold. Amounts are in the order's
/// currency; statuses go out in their snake_case wire form.</summary>
public static class PaymentViews
{
    public static PaymentView Of(OrderState s, string orderId, PaymentState p) => new()
    {
        PaymentId = p.PaymentId,
        OrderId = orderId,
        CustomerId = s.CustomerId,
        Status = SnakeCase.ToSnake(p.Status),
        AmountMoney = new(p.AmountMinor, s.Currency),
        TipMoney = new(p.TipMinor, s.Currency),
        SourceType = p.SourceType,
        CardBrand = p.Brand,
        CardLast4 = p.Last4,
        ProcessorReference = p.ProcessorReference,
        DeclineCode = p.DeclineCode,
        RefundedMoney = new(p.RefundedMinor, s.Currency),
        TenderedMoney = p.TenderedMinor is { } t ? new(t, s.Currency) : null,
        ChangeBackMoney = p.ChangeBackMinor is { } c ? new(c, s.Currency) : null,
        BuyerEmail = p.BuyerEmail,
        CustomerPaymentMethodId = p.CustomerPaymentMethodId,
        CreatedAt = p.CreatedAt,
        UpdatedAt = p.UpdatedAt,
        CreatedBy = p.CreatedBy,
        // Payments taken before the channel was kept: a subscription's cycle, else the API.
        Source = p.Source ?? (s.SubscriptionId is not null ? "subscription" : "api"),
        DeviceId = p.DeviceId,
        LocationId = p.LocationId,
    };

    public static RefundView Of(OrderState s, string orderId, RefundState r) => new()
    {
        RefundId = r.RefundId,
        OrderId = orderId,
        CustomerId = s.CustomerId,
        Status = SnakeCase.ToSnake(r.Status),
        AmountMoney = new(r.AmountMinor, s.Currency),
        TaxMoney = new(r.TaxMinor, s.Currency),
        Reason = r.Reason,
        Allocations = r.Allocations.Select(a => new RefundAllocationView(a.PaymentId, new(a.AmountMinor, s.Currency))).ToList(),
        RestockedLineItems = r.Restock.Select(x => new RestockedLineView(x.VariantId, x.Quantity)).ToList(),
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
        CreatedBy = r.CreatedBy,
        DeviceId = r.DeviceId,
        LocationId = r.LocationId,
    };
}
