using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Checkout;

/// <summary>The tenant of a checkout session, by its id alone: the hosted page is opened without an API key (served by
/// flint_objects_checkout_session_idx, deploy/sql/017_checkout.sql).</summary>
public interface ICheckoutSessionIndex
{
    Task<Tenant?> TenantOf(string checkoutSessionId, CancellationToken ct);
    /// <summary>A payment link's tenant, by its id alone (<c>/l/{id}</c> is opened without an API key).</summary>
    Task<Tenant?> TenantOfPaymentLink(string paymentLinkId, CancellationToken ct);
}

internal sealed class CheckoutSessionIndex(NpgsqlDataSource db) : ICheckoutSessionIndex
{
    private const string Sql = "SELECT merchant_id, environment FROM flint_objects WHERE kind = @kind AND id = @id";

    public Task<Tenant?> TenantOf(string checkoutSessionId, CancellationToken ct) => Of(CheckoutSessionProjection.Kind, checkoutSessionId, ct);

    public Task<Tenant?> TenantOfPaymentLink(string paymentLinkId, CancellationToken ct) => Of(PaymentLinkProjection.Kind, paymentLinkId, ct);

    private async Task<Tenant?> Of(string kind, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Tenant(r.GetString(0), r.GetString(1)) : null;
    }
}
