namespace Flint.Abstractions;

/// <summary>Values the database keeps unique per merchant and environment, whose clash has a business meaning.</summary>
public enum UniqueValue
{
    /// <summary>A SKU, across variants and bundles (the SKU registry).</summary>
    Sku,

    /// <summary>A coupon code, among coupons that are not deleted.</summary>
    CouponCode,
}

/// <summary>
/// A grain state write the database refused because it claims a unique value another object holds. The write and
/// everything that rode with it (projection, events, log rows) were rolled back. The grain storage raises it from
/// the database's refusal (its SQLSTATE and constraint), so grains learn what was taken as a typed value, never by
/// reading error text; <c>TenantGrain</c> turns it into the client's 409.
/// </summary>
[GenerateSerializer, Alias("flint.unique_value_taken")]
public sealed class UniqueValueTakenException : Exception
{
    public UniqueValueTakenException(UniqueValue what, string value, Exception? databaseError = null)
        : base($"{what} '{value}' is already taken.", databaseError)
    {
        What = what;
        Value = value;
    }

    [Id(0)] public UniqueValue What { get; init; }

    /// <summary>The SKU or the (upper-case) coupon code.</summary>
    [Id(1)] public string Value { get; init; }
}
