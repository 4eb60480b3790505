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
    public Task<string?> OrderOfPayment(Tenant tenant, string paymentId, CancellationToken ct) =>
        PartOwner.Of(db, tenant, PaymentProjection.Kind, paymentId, PaymentProjection.OrderId, ct);

    public Task<string?> OrderOfRefund(Tenant tenant, string refundId, CancellationToken ct) =>
        PartOwner.Of(db, tenant, PaymentProjection.RefundKind, refundId, PaymentProjection.OrderId, ct);
}
