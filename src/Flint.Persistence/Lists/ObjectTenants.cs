using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Lists;

/// <summary>Whose an object is, by its kind and id alone: for what is reached without an API key — a checkout session
/// (/checkout/{id}), a payment link (/l/{id}), a partner app (/oauth/authorize?client_id=…). Each such kind has a
/// partial index on flint_objects (id) (deploy/sql/017_checkout.sql, 019_apps.sql); ids are unguessable (80 random bits).</summary>
public interface IObjectTenants
{
    Task<Tenant?> TenantOf(string kind, string id, CancellationToken ct);
}

internal sealed class ObjectTenants(NpgsqlDataSource db) : IObjectTenants
{
    public async Task<Tenant?> TenantOf(string kind, string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT merchant_id, environment FROM flint_objects WHERE kind = @kind AND id = @id");
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Tenant(r.GetString(0), r.GetString(1)) : null;
    }
}
