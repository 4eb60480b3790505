namespace Flint.Abstractions.Inventory;

[GenerateSerializer, Alias("flint.inventory.adjustment")]
public sealed class InventoryAdjustmentRequest
{
    [Id(0)] public long? QuantityDelta { get; set; }
    [Id(1)] public string? ChangeReason { get; set; }
    [Id(2)] public string? Note { get; set; }
}

/// <summary>What the catalog tells a variant's inventory about the variant (sent on create and every change).</summary>
[GenerateSerializer, Alias("flint.inventory.variant_policy"), Immutable]
public sealed record VariantPolicy(
    [property: Id(0)] string ProductId,
    [property: Id(1)] bool EnforceInventoryLimit,
    [property: Id(2)] bool Sellable);

[GenerateSerializer, Immutable, Alias("flint.inventory.stock_view")]
public sealed record StockView
{
    [Id(0)] public required string VariantId { get; init; }
    [Id(1)] public required string ProductId { get; init; }
    [Id(2)] public long QuantityOnHand { get; init; }
    [Id(3)] public long QuantityReserved { get; init; }
    [Id(4)] public long QuantityAvailable { get; init; }
    [Id(5)] public bool EnforceInventoryLimit { get; init; }
    [Id(6)] public bool Sellable { get; init; }
    [Id(7)] public DateTimeOffset UpdatedAt { get; init; }
}

[GenerateSerializer, Alias("flint.inventory.change_view")]
public sealed record InventoryChangeView
{
    [Id(0)] public required string InventoryChangeId { get; init; }
    [Id(1)] public required string VariantId { get; init; }
    [Id(2)] public long QuantityDelta { get; init; }
    [Id(3)] public required string ChangeReason { get; init; }
    [Id(4)] public long QuantityBefore { get; init; }
    [Id(5)] public long QuantityAfter { get; init; }
    [Id(6)] public string? Note { get; init; }
    [Id(7)] public string? Actor { get; init; }
    [Id(8)] public string? Reference { get; init; }
    [Id(9)] public DateTimeOffset CreatedAt { get; init; }
}

[GenerateSerializer, Alias("flint.inventory.adjustment_result")]
public sealed record InventoryAdjustmentResult(
    [property: Id(0)] InventoryChangeView Change,
    [property: Id(1)] StockView Stock);

public interface IVariantInventoryGrain : IGrainWithStringKey
{
    /// <summary>Idempotent: first call sets the initial stock; later calls only update the policy.</summary>
    Task<StockView> Configure(VariantPolicy policy, long initialQuantity, string? actor);
    /// <summary>Throws RESOURCE_NOT_FOUND when the variant was never configured (or belongs to another product
    /// when <paramref name="productId"/> is given).</summary>
    Task<StockView> GetStock(string? productId = null);
    Task<InventoryAdjustmentResult> Adjust(string productId, InventoryAdjustmentRequest request, string? actor);

    /// <summary>Idempotent by reservation id. Reserved stock is not available to anyone else until it is
    /// committed, released, or expires at <paramref name="expiresAt"/>.</summary>
    Task<StockView> Reserve(string reservationId, long quantity, DateTimeOffset expiresAt);
    /// <summary>Turns a reservation into a sale (stock leaves). Idempotent; committing an unknown or expired
    /// reservation is a conflict.</summary>
    Task<StockView> Commit(string reservationId, string changeReason, string? reference);
    /// <summary>Returns a reservation to available stock. Idempotent; unknown ids are a no-op.</summary>
    Task<StockView> Release(string reservationId);
    /// <summary>Puts sold units back (e.g. a refund's restock). Idempotent by <paramref name="changeKey"/>.</summary>
    Task<StockView> Restock(string changeKey, long quantity, string changeReason, string? reference);
}
