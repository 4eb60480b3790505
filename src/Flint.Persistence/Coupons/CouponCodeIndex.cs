using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Npgsql;

namespace Flint.Persistence.Coupons;

/// <summary>The coupon code look-up on the coupon projections (see <see cref="ICouponCodeIndex"/>).</summary>
internal sealed class CouponCodeIndex(NpgsqlDataSource db) : ICouponCodeIndex
{
    private const string Sql = $"""
        SELECT id FROM flint_objects WHERE merchant_id = @m AND environment = @e AND kind = '{CouponProjection.Kind}' AND name = @code AND status <> 'deleted'
        """;

    public async Task<string?> CouponIdOf(Tenant tenant, string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("code", code);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
