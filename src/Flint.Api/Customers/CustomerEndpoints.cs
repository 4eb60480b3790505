using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Npgsql;

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

        g.MapGet("", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            // Deleted customers are gone for good (GET is 404), so there is no status filter to bring them back.
            var q = new ListQuery(Authentication.TenantOf(ctx), "customer", ctx.Request.Query).Search().Where("o.status <> 'deleted'");
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "customer_id");
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

        // The order history: the orders' own projection, filtered by the customer id inside the snapshot
        // (served by flint_objects_order_customer_idx). The customer is read first so a missing, deleted or
        // foreign customer is a 404 rather than an empty page.
        g.MapGet("/{customer_id}/orders", async (HttpContext ctx, IGrainFactory grains, NpgsqlDataSource db, string customer_id) =>
        {
            await Customer(grains, ctx, customer_id).Get();
            var q = new ListQuery(Authentication.TenantOf(ctx), "order", ctx.Request.Query, allowedSorts: ["created_at", "updated_at"])
                .Where("o.doc->>'customer_id' = @customer_id", new NpgsqlParameter("customer_id", customer_id));
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "order_id");
        }).DocList<OrderView>().Query([.. ApiQuery.Listing("created_at", "updated_at"), ApiQuery.Fields]).Produces<ErrorEnvelope>(404);
    }

    private static ICustomerGrain Customer(IGrainFactory grains, HttpContext ctx, string id) =>
        grains.Grain<ICustomerGrain>(ctx, Responses.PathId(id, IdPrefix.Customer));
}
