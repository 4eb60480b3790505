namespace Flint.Domain.Inventory;

/// <summary>How a stock reservation ended; wire form snake_case (<c>committed</c>, …), also in stored inventory state.
/// Committed = sold; released = given back by its saga; expired = its hold ran out.</summary>
public enum ReservationOutcome
{
    Committed,
    Released,
    Expired,
}
