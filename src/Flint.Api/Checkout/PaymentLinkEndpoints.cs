using Flint.Abstractions.Checkout;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Checkout;

public static class PaymentLinkEndpoints
{
    public static void MapPaymentLinkEndpoints(this IEndpointRouteBuilder v1) =>
        v1.MapCatalogRoutes<IPaymentLinkGrain, CreatePaymentLinkRequest, UpdatePaymentLinkRequest, PaymentLinkView>(
            new("/payment-links", "Checkout", IdPrefix.PaymentLink, "payment_link_id"),
            ObjectList.Catalog(lists => lists.PaymentLinks, "List payment links: query (id, name), status (active, inactive)."));
}
