using Flint.Abstractions;
using Npgsql;

namespace Flint.Persistence.Storage;

/// <summary>
/// The database's refusals of a state write that carry a business meaning, recognised by their SQLSTATE and
/// constraint (never by their text) and handed to the grain as a typed <see cref="UniqueValueTakenException"/>:
/// <list type="bullet">
/// <item>a SKU owned by another object: flint_apply_state_effects (deploy/sql/010_flint.sql) raises 23505 with
/// CONSTRAINT <see cref="SkuRegistry"/> and the SKU alone as DETAIL;</item>
/// <item>a second live coupon with the same code: 23505 on the unique index <see cref="CouponCodeIndex"/>; the code
/// is the refused write's own projection name (the coupon projection's name column holds the code).</item>
/// </list>
/// </summary>
internal static class StorageRefusals
{
    public const string SkuRegistry = "flint_skus_pkey";
    public const string CouponCodeIndex = "flint_objects_coupon_code_uniq";

    /// <summary>What the grain is thrown for a refused write: the typed refusal (with the database's error inside), or
    /// the database's error itself when the refusal has no business meaning.</summary>
    public static Exception Typed(FlintStorageException refusal, string? detail, ObjectState? state) =>
        refusal.SqlState != PostgresErrorCodes.UniqueViolation ? refusal : refusal.ConstraintName switch
        {
            SkuRegistry when detail is not null => new UniqueValueTakenException(UniqueValue.Sku, detail, refusal),
            CouponCodeIndex => new UniqueValueTakenException(UniqueValue.CouponCode, state?.Projection?.Name ?? "", refusal),
            _ => refusal,
        };
}
