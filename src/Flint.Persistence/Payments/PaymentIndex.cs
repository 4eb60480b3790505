using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Payments;

/// <summary>Payments and refunds live in their order's state; their projections say which order holds them.</summary>
public interface IPaymentIndex
{
    Task<string?> OrderOfPayment(Tenant tenant, string paymentId, CancellationToken ct);
    Task<string?> OrderOfRefund(Tenant tenant, string refundId, CancellationToken ct);
}

internal sealed class PaymentIndex(NpgsqlDataSource db) : IPaymentIndex
{
    private static readonly string Sql =
        $"SELECT doc->>'{PaymentProjection.OrderId.Name}' FROM flint_objects WHERE merchant_id = @m AND environment = @e AND kind = @k AND id = @id";

    public Task<string?> OrderOfPayment(Tenant tenant, string paymentId, CancellationToken ct) =>
        OrderOf(tenant, PaymentProjection.Kind, paymentId, ct);

    public Task<string?> OrderOfRefund(Tenant tenant, string refundId, CancellationToken ct) =>
        OrderOf(tenant, PaymentProjection.RefundKind, refundId, ct);

    private async Task<string?> OrderOf(Tenant tenant, string kind, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("k", kind);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
