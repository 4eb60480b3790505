using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Merchants;
using Flint.Grains.Payments;
using Flint.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Flint.Grains.Orders;

/// <summary>
/// What the pay and refund sagas call outside the order — the merchant's payment processor, the variants' stock, the
/// coupons — and how a processor call that failed is retried.
/// </summary>
public sealed partial class OrderGrain
{
    private const int ProcessorAttempts = 3;

    private PaymentProcessorRouter Processors => ServiceProvider.GetRequiredService<PaymentProcessorRouter>();

    private async Task<(IPaymentProcessor Processor, ProcessorContext Context)> Processor()
    {
        var key = await GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).StripeSecretKey();
        return Processors.For(Tenant, key);
    }

    /// <summary>Calls the processor again while it reports a failure (not a decline), a little later each time. Every
    /// call of one charge or refund carries the same idempotency key, so a retry can never move the money twice.</summary>
    private static async Task<T> WithProcessorRetries<T>(Func<Task<T>> call, Func<T, bool> failed)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await call();
            if (!failed(result)) return result;
            await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt));
            if (attempt == ProcessorAttempts) return result;
        }
    }

    private IVariantInventoryGrain Inventory(string variantId) => GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    private ICouponGrain Coupon(string couponId) => GrainFactory.GetGrain<ICouponGrain>(Tenant.GrainKey(couponId));
}
