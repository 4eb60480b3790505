using Flint.Abstractions.Merchants;
using Flint.Grains.Payments;
using Flint.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Flint.Grains.Orders;

/// <summary>
/// The merchant's payment processor as both sagas reach it: which one (<see cref="PaymentProcessorRouter"/>: Stripe
/// when the merchant set a key, the simulated one in test mode) and how a call that failed is retried.
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
}
