using Flint.Abstractions;
using Flint.Domain;
using Flint.Payments;

namespace Flint.Grains.Payments;

/// <summary>Picks the processor for a merchant: Stripe when it configured a key, otherwise the simulated
/// processor in test mode. Live mode without a key cannot take card payments.</summary>
public sealed class PaymentProcessorRouter(IPaymentProcessor simulated, IPaymentProcessor stripe)
{
    public (IPaymentProcessor Processor, ProcessorContext Context) For(Tenant tenant, string? stripeSecretKey)
    {
        if (stripeSecretKey is not null) return (stripe, new ProcessorContext(tenant.MerchantId, tenant.Environment, stripeSecretKey));
        if (tenant.Environment == Tenant.Test) return (simulated, new ProcessorContext(tenant.MerchantId, tenant.Environment, null));
        throw DomainException.Conflict("PAYMENTS_NOT_CONFIGURED", "Live card payments need a Stripe key: PUT /v1/settings/payments.");
    }
}
