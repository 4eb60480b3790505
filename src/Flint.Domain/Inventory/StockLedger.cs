namespace Flint.Domain.Inventory;

/// <summary>
/// Stock arithmetic for one variant. <see cref="OnHand"/> is what is physically there, <see cref="Reserved"/> the sum of
/// active reservations (held by unpaid orders mid-checkout), <see cref="Available"/> what can still be promised.
/// The rule it enforces: with <see cref="EnforceLimit"/> (enforce_inventory_limit), no change may take Available below
/// zero. Without it, stock may go negative (overselling is allowed and visible). Immutable: every change returns a
/// new ledger, so the owning grain applies it only after the whole operation succeeded.
/// </summary>
/// <remarks>
/// Codes: <c>INVALID_QUANTITY_DELTA</c> (a zero adjustment), <c>INVALID_QUANTITY</c> (a reservation quantity ≤ 0),
/// <c>QUANTITY_OVERFLOW</c>, and the conflict <c>INSUFFICIENT_INVENTORY</c>.
/// </remarks>
public sealed record StockLedger(long OnHand, long Reserved, bool EnforceLimit)
{
    public long Available => OnHand - Reserved;

    public static StockLedger Empty(bool enforceLimit) => new(0, 0, enforceLimit);

    /// <summary>
    /// Changes stock on hand (received stock, damage, a count correction). Only a decrease can be refused: raising
    /// stock is always allowed, even when Available stays negative after the limit was switched on.
    /// </summary>
    public StockLedger Adjust(long delta, string param = "quantity_delta")
    {
        if (delta == 0)
        {
            throw DomainException.Invalid("INVALID_QUANTITY_DELTA", $"{param} must not be zero.", param);
        }

        var onHand = Add(OnHand, delta, param);
        if (EnforceLimit && delta < 0 && Available + delta < 0)
        {
            throw Insufficient($"cannot remove {-delta}");
        }

        return this with { OnHand = onHand };
    }

    /// <summary>Whether <paramref name="quantity"/> more units can be held for an order.</summary>
    public bool CanReserve(long quantity) =>
        quantity > 0 && (!EnforceLimit || Available >= quantity);

    public StockLedger Reserve(long quantity, string param = "quantity")
    {
        if (quantity <= 0)
        {
            throw DomainException.Invalid("INVALID_QUANTITY", $"{param} must be at least 1 (got {quantity}).", param);
        }

        if (!CanReserve(quantity))
        {
            throw Insufficient($"cannot reserve {quantity}");
        }

        return this with { Reserved = Add(Reserved, quantity, param) };
    }

    /// <summary>Gives reserved units back (order cancelled or reservation expired).</summary>
    public StockLedger Release(long quantity)
    {
        RequireReserved(quantity);
        return this with { Reserved = Reserved - quantity };
    }

    /// <summary>Reserved units leave the shelf (order paid): both on hand and reserved drop, Available is unchanged.</summary>
    public StockLedger Commit(long quantity)
    {
        RequireReserved(quantity);
        return this with { OnHand = OnHand - quantity, Reserved = Reserved - quantity };
    }

    // Releasing or committing more than is reserved means the grain lost track of its reservations: a bug, not input.
    private void RequireReserved(long quantity)
    {
        if (quantity <= 0 || quantity > Reserved)
        {
            throw new InvalidOperationException($"Cannot take {quantity} units out of {Reserved} reserved.");
        }
    }

    private DomainException Insufficient(string refusal) =>
        DomainException.Conflict(
            "INSUFFICIENT_INVENTORY",
            $"Only {Math.Max(Available, 0)} units are available; {refusal} while the inventory limit is enforced.");

    private static long Add(long current, long delta, string param)
    {
        try
        {
            return checked(current + delta);
        }
        catch (OverflowException)
        {
            throw DomainException.Invalid("QUANTITY_OVERFLOW", $"{param} makes the stock quantity too large.", param);
        }
    }
}
