using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence;

/// <summary>
/// A part kept in its owner's state (a payment or refund in its order, an invoice in its subscription) is written as a
/// projection of its own, under the part's id, whose doc names the owner. This is the one look-up from a part's id to
/// its owner, for the GETs of parts (<see cref="Payments.IPaymentIndex"/>, <see cref="Subscriptions.IInvoiceIndex"/>).
/// </summary>
internal static class PartOwner
{
    /// <summary>The owner's id as <paramref name="owner"/> of the part's doc names it; null when there is no such part.</summary>
    public static async Task<string?> Of(NpgsqlDataSource db, Tenant tenant, string kind, string id, ProjectionField owner, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT doc->>'{owner.Name}' FROM flint_objects WHERE merchant_id = @m AND environment = @e AND kind = @k AND id = @id");
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("k", kind);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
