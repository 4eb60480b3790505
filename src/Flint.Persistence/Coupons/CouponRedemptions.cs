using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Npgsql;

namespace Flint.Persistence.Coupons;

/// <summary>From flint_object_log, where the coupon grain keeps a row per redemption held (id = the order): an
/// order's by primary key, a customer's count by flint_object_log_coupon_customer_idx (deploy/sql/013).</summary>
internal sealed class CouponRedemptions(NpgsqlDataSource db) : ICouponRedemptions
{
    private static readonly string CustomerField = ProjectionField.Of(nameof(CouponRedemptionRow.CustomerId), JsonValueKind.String).Name;

    private const string HeldSql = $"""
        SELECT doc::text FROM flint_object_log
         WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND id = @id AND kind = '{ICouponRedemptions.LogKind}'
        """;

    // The kind is written out (not a parameter) so that the planner can match the partial index.
    private static readonly string CountSql = $"""
        SELECT count(*) FROM flint_object_log
         WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND kind = '{ICouponRedemptions.LogKind}'
           AND (doc ->> '{CustomerField}') = @c
        """;

    public async Task<CouponRedemptionRow?> HeldBy(Tenant tenant, string couponId, string orderId, CancellationToken ct)
    {
        await using var cmd = ObjectLogQuery.Of(db, HeldSql, tenant, couponId);
        cmd.Parameters.AddWithValue("id", orderId);
        return await cmd.ExecuteScalarAsync(ct) is string doc ? JsonSerializer.Deserialize<CouponRedemptionRow>(doc, FlintJson.Options) : null;
    }

    public async Task<long> CountOf(Tenant tenant, string couponId, string customerId, CancellationToken ct)
    {
        await using var cmd = ObjectLogQuery.Of(db, CountSql, tenant, couponId);
        cmd.Parameters.AddWithValue("c", customerId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
