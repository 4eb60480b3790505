namespace Flint.Domain.Inventory;

/// <summary>Why stock on hand changed; wire form snake_case (<c>received_stock</c>, <c>order_fulfillment</c>, …).</summary>
public enum InventoryChangeReason
{
    ManualAdjustment,
    OrderFulfillment,
    OrderCancellation,
    OrderRefund,
    ReceivedStock,
    InventoryCount,
    Damage,
    Theft,
    Loss,
}
