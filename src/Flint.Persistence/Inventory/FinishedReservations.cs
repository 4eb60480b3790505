using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain.Inventory;
using Npgsql;

namespace Flint.Persistence.Inventory;

/// <summary>From flint_object_log, where the variant grain writes a row per finished reservation (id = the
/// reservation) with the sale it made; found by primary key.</summary>
internal sealed class FinishedReservations(NpgsqlDataSource db) : IFinishedReservations
{
    private const string Sql = $"""
        SELECT doc::text FROM flint_object_log
         WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND id = @id AND kind = '{IFinishedReservations.LogKind}'
        """;

    public async Task<ReservationOutcome?> OutcomeOf(Tenant tenant, string variantId, string reservationId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("o", variantId);
        cmd.Parameters.AddWithValue("id", reservationId);
        return await cmd.ExecuteScalarAsync(ct) is string doc
            ? JsonSerializer.Deserialize<FinishedReservationRow>(doc, FlintJson.Options)!.Outcome
            : null;
    }
}
