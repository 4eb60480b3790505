using Flint.Domain.Inventory;

namespace Flint.Abstractions.Inventory;

/// <summary>
/// A variant's finished reservations are rows of its object log (flint_object_log, kind <see cref="LogKind"/>, id =
/// the reservation's id, doc = <see cref="FinishedReservationRow"/>), written with the sale they made in the same
/// transaction. So the variant's state does not carry every reservation ever sold, and a saga recovering long after
/// its sale still finds it committed here (and takes no stock twice).
/// </summary>
public interface IFinishedReservations
{
    public const string LogKind = "reservation_finished";

    /// <summary>How the reservation ended on the variant, or null when it has no row (it never finished, or only
    /// while it lived in memory: released and expired holds are not written).</summary>
    Task<ReservationOutcome?> OutcomeOf(Tenant tenant, string variantId, string reservationId, CancellationToken ct);
}

/// <summary>What a finished reservation's row says besides its id and when it finished.</summary>
public sealed record FinishedReservationRow(ReservationOutcome Outcome, long Quantity);
