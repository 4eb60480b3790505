namespace Flint.Domain.Checkout;

/// <summary>A checkout session's life: <c>open → complete | expired</c>; wire form snake_case.</summary>
public enum CheckoutSessionStatus
{
    Open,
    Complete,
    Expired,
}
