using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
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
            new(r => r.Lists.Customers(r.Tenant, new CustomerListFilter(ListParameters.Search(r.Query)), r.Window, r.Aborted), [ApiQuery.Search]),
            ownGet: true);

        // GET answers the customer and its newest subscriptions, read from the subscriptions' own projection like the
        // order history below (the customer grain knows nothing of them). Only GET: the list, create, update and delete
        // answer the customer alone, as its grain does.
        g.MapGet(Customers.One, async (HttpContext ctx, IGrainFactory grains, IObjectLists lists, string customer_id) =>
        {
            var customer = await Customers.Grain<ICustomerGrain>(grains, ctx, customer_id).Get();
            var newest = new ListWindow(ListSort.CreatedAt, SortDirection.Desc, CustomerSubscriptions.Shown, null);
            var page = await lists.Subscriptions(Authentication.TenantOf(ctx), new SubscriptionListFilter(null, customer.CustomerId, null), newest, ctx.RequestAborted);
            var subscriptions = new CustomerSubscriptions([.. page.Items.Select(s => s.Deserialize<SubscriptionView>(FlintJson.Options)!)], page.NextPageToken is not null);
            return Responses.Ok(ctx, CustomerDetailsView.Of(customer, subscriptions));
        }).Doc<CustomerDetailsView>();

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
