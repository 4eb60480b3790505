using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Subscriptions;

/// <summary>Invoices live in their subscription's state; their projections say which subscription holds them.</summary>
public interface IInvoiceIndex
{
    Task<string?> SubscriptionOfInvoice(Tenant tenant, string invoiceId, CancellationToken ct);
}

internal sealed class InvoiceIndex(NpgsqlDataSource db) : IInvoiceIndex
{
    public Task<string?> SubscriptionOfInvoice(Tenant tenant, string invoiceId, CancellationToken ct) =>
        PartOwner.Of(db, tenant, InvoiceProjection.Kind, invoiceId, InvoiceProjection.SubscriptionId, ct);
}
