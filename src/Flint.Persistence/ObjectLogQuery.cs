using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence;

/// <summary>A query over one object's rows of flint_object_log (its history, its redemptions, its sold reservations):
/// the tenant and the owner bound as <c>@m</c>, <c>@e</c> and <c>@o</c>.</summary>
internal static class ObjectLogQuery
{
    public static NpgsqlCommand Of(NpgsqlDataSource db, string sql, Tenant tenant, string ownerId)
    {
        var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("o", ownerId);
        return cmd;
    }
}
