using Flint.Domain.Inventory;

namespace Flint.Abstractions.Inventory;

/// <summary>
/// How a variant's reservations ended, from its object log (flint_object_log) rather than its state: a sale's row in
/// the inventory history (kind <see cref="InventoryProjection.ChangeLogKind"/>) names the reservation it committed
/// (<see cref="SaleReservationField"/>), written with the sale in the same transaction. So the variant's state does
/// not carry every reservation ever sold, and a saga recovering long after its sale still finds it committed (and
/// takes no stock twice). Reservations that finished before sales named theirs were kept in the variant's state; they
/// are rows of kind <see cref="LogKind"/> (id = the reservation, doc = <see cref="FinishedReservationRow"/>).
/// </summary>
public interface IFinishedReservations
{
    /// <summary>The member of a sale's inventory change row that holds the reservation's id (absent from other changes,
    /// and not part of the <see cref="InventoryChangeView"/> the history shows).</summary>
    public const string SaleReservationField = "reservation_id";

    /// <summary>Rows of reservations moved out of a state stored before sales named theirs.</summary>
    public const string LogKind = "reservation_finished";

    /// <summary>How the reservation ended on the variant, or null when nothing says it did (it never finished, or only
    /// while it lived in memory: released and expired holds are not written).</summary>
    Task<ReservationOutcome?> OutcomeOf(Tenant tenant, string variantId, string reservationId, CancellationToken ct);
}

/// <summary>What a finished reservation's row (kind <see cref="IFinishedReservations.LogKind"/>) says besides its id
/// and when it finished.</summary>
public sealed record FinishedReservationRow(ReservationOutcome Outcome, long Quantity);
