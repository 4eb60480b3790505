using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Domain.Inventory;
using Npgsql;

namespace Flint.Persistence.Inventory;

/// <summary>From flint_object_log: a sale's inventory change names its reservation (found by
/// flint_object_log_sale_reservation_idx, deploy/sql/013); a reservation moved out of an older state has a row of its
/// own (found by primary key).</summary>
internal sealed class FinishedReservations(NpgsqlDataSource db) : IFinishedReservations
{
    // The kinds are written out (not parameters) so that the planner can match the partial index.
    private const string Sql = $"""
        SELECT doc ->> 'outcome' FROM flint_object_log
         WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND id = @r AND kind = '{IFinishedReservations.LogKind}'
        UNION ALL
        SELECT 'committed' FROM flint_object_log
         WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND kind = '{InventoryProjection.ChangeLogKind}'
           AND (doc ->> '{IFinishedReservations.SaleReservationField}') = @r
        LIMIT 1
        """;

    public async Task<ReservationOutcome?> OutcomeOf(Tenant tenant, string variantId, string reservationId, CancellationToken ct)
    {
        await using var cmd = ObjectLogQuery.Of(db, Sql, tenant, variantId);
        cmd.Parameters.AddWithValue("r", reservationId);
        return await cmd.ExecuteScalarAsync(ct) is string outcome
            ? Validation.ParseSnakeEnum<ReservationOutcome>(outcome, "outcome")
            : null;
    }
}
