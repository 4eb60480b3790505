using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Customers;

public static class CustomerEndpoints
{
    internal static readonly ObjectKind Customers = new("/customers", "Customers", IdPrefix.Customer, "customer_id");

    public static void MapCustomerEndpoints(this IEndpointRouteBuilder v1)
    {
        // Deleted customers are gone for good (GET is 404), so there is no status filter to bring them back.
        var g = v1.MapCatalogRoutes<ICustomerGrain, CustomerRequest, CustomerRequest, CustomerView>(Customers,
            new(r => r.Lists.Customers(r.Tenant, new CustomerListFilter(ListParameters.Search(r.Query)), r.Window, r.Aborted), [ApiQuery.Search]));

        // The order history: the orders' own projection, filtered by the customer id inside the snapshot. The customer
        // is read first so a missing, deleted or foreign customer is a 404 rather than an empty page.
        g.MapGet("/{customer_id}/orders", async (HttpContext ctx, IGrainFactory grains, IObjectLists lists, string customer_id) =>
        {
            await Customers.Grain<ICustomerGrain>(grains, ctx, customer_id).Get();
            var window = ListParameters.Window(ctx.Request.Query, allowedSorts: ["created_at", "updated_at"]);
            var page = await lists.Orders(Authentication.TenantOf(ctx), new OrderListFilter(null, customer_id, null), window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "order_id");
        }).DocList<OrderView>().Query([.. ApiQuery.Listing("created_at", "updated_at"), ApiQuery.Fields]).Produces<ErrorEnvelope>(404);
    }
}
