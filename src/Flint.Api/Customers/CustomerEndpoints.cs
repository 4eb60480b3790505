using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Customers;

public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/customers").WithTags("Customers");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<CustomerRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<ICustomerGrain>(ctx, FlintId.New(IdPrefix.Customer)).Create(body), 201);
        }).Doc<CustomerRequest, CustomerView>(201);

        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            // Deleted customers are gone for good (GET is 404), so there is no status filter to bring them back.
            var window = ListParameters.Window(ctx.Request.Query);
            var page = await lists.Customers(Authentication.TenantOf(ctx), new CustomerListFilter(ListParameters.Search(ctx.Request.Query)), window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "customer_id");
        }).DocList<CustomerView>().Query([.. ApiQuery.Listing("created_at", "updated_at", "name"), ApiQuery.Search, ApiQuery.Fields]);

        g.MapGet("/{customer_id}", async (HttpContext ctx, IGrainFactory grains, string customer_id) =>
            Responses.Ok(ctx, await Customer(grains, ctx, customer_id).Get())).Doc<CustomerView>();

        g.MapPatch("/{customer_id}", async (HttpContext ctx, IGrainFactory grains, string customer_id) =>
        {
            var grain = Customer(grains, ctx, customer_id);
            return Responses.Ok(ctx, await grain.Update(await JsonBody.Read<CustomerRequest>(ctx)));
        }).Doc<CustomerRequest, CustomerView>();

        g.MapDelete("/{customer_id}", async (HttpContext ctx, IGrainFactory grains, string customer_id) =>
            Responses.Ok(ctx, await Customer(grains, ctx, customer_id).Delete())).Doc<CustomerView>();

        // The order history: the orders' own projection, filtered by the customer id inside the snapshot. The customer
        // is read first so a missing, deleted or foreign customer is a 404 rather than an empty page.
        g.MapGet("/{customer_id}/orders", async (HttpContext ctx, IGrainFactory grains, IObjectLists lists, string customer_id) =>
        {
            await Customer(grains, ctx, customer_id).Get();
            var window = ListParameters.Window(ctx.Request.Query, allowedSorts: ["created_at", "updated_at"]);
            var page = await lists.Orders(Authentication.TenantOf(ctx), new OrderListFilter(null, customer_id, null), window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "order_id");
        }).DocList<OrderView>().Query([.. ApiQuery.Listing("created_at", "updated_at"), ApiQuery.Fields]).Produces<ErrorEnvelope>(404);
    }

    private static ICustomerGrain Customer(IGrainFactory grains, HttpContext ctx, string id) =>
        grains.Grain<ICustomerGrain>(ctx, Responses.PathId(id, IdPrefix.Customer));
}
