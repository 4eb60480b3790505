using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Coupons;

/// <summary>Which live coupon has a code. Codes are unique among a tenant's coupons that are not deleted (a unique
/// index over the coupon projection's name, which holds the upper-case code, makes it so).</summary>
public interface ICouponCodeIndex
{
    /// <param name="code">The normalized (upper-case) code.</param>
    Task<string?> CouponIdOf(Tenant tenant, string code, CancellationToken ct);
}

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
