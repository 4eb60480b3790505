using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Payments;

/// <summary>An order whose payment or refund saga was left in flight.</summary>
public sealed record PendingOrder(Tenant Tenant, string OrderId);

/// <summary>
/// Orders with a payment or refund that stayed pending longer than any live saga takes: a pay or refund saga writes
/// its plan (the payment or refund row in status pending) before its first irreversible step and settles the row in
/// its last write, so such a row belongs to a saga whose process died. Served by the small partial index
/// flint_objects_pending_idx (deploy/sql/011_pending_payments.sql).
/// </summary>
public interface IPendingPayments
{
    /// <summary>At most <paramref name="limit"/> distinct orders, in no particular order.</summary>
    Task<IReadOnlyList<PendingOrder>> PendingLongerThan(TimeSpan age, int limit, CancellationToken ct);
}

internal sealed class PendingPayments(NpgsqlDataSource db) : IPendingPayments
{
    private static readonly string Sql = $"""
        SELECT DISTINCT merchant_id, environment, doc->>'{PaymentProjection.OrderId.Name}' FROM flint_objects
        WHERE kind IN ('{PaymentProjection.Kind}', '{PaymentProjection.RefundKind}') AND status = '{PaymentProjection.Pending}' AND updated_at < now() - @age
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<PendingOrder>> PendingLongerThan(TimeSpan age, int limit, CancellationToken ct)
    {
        var stuck = new List<PendingOrder>();
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("age", age);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (!reader.IsDBNull(2)) stuck.Add(new PendingOrder(new Tenant(reader.GetString(0), reader.GetString(1)), reader.GetString(2)));
        return stuck;
    }
}
