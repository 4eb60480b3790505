using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Orleans.Concurrency;

namespace Flint.Grains.Orders;

/// <summary>Prices an order body exactly like a saved order would be priced, and saves nothing.
/// Keyed by tenant (<c>tenant.GrainKey("quote")</c>) so catalog look-ups stay inside the tenant.</summary>
[StatelessWorker]
public sealed class OrderQuoteGrain(TimeProvider clock) : Grain, IOrderQuoteGrain
{
    public async Task<OrderView> Calculate(CreateOrderRequest request)
    {
        var (tenant, _) = Tenant.ParseGrainKey(this.GetPrimaryKeyString());
        var draft = await OrderDrafting.New(GrainFactory, tenant, request);
        draft.CreatedAt = draft.UpdatedAt = clock.GetUtcNow();
        return OrderPricing.View(draft, orderId: null);
    }
}
