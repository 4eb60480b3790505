namespace Flint.Domain.Orders;

/// <summary>Where an order came from (wire form snake_case).</summary>
public enum OrderSource
{
    Api,
    Checkout,
    PaymentLink,
    Pos,
    Subscription,
}
