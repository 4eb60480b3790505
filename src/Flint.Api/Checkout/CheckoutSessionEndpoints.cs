using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Checkout;

namespace Flint.Api.Checkout;

public static class CheckoutSessionEndpoints
{
    internal static readonly ObjectKind Sessions = new("/checkout-sessions", "Checkout", IdPrefix.CheckoutSession, "checkout_session_id");
    private static readonly string[] Statuses = [.. SnakeCase.Names<CheckoutSessionStatus>()];

    public static void MapCheckoutSessionEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapObjectRoutes<ICheckoutSessionGrain, CreateCheckoutSessionRequest, UpdateCheckoutSessionRequest, CheckoutSessionView>(Sessions,
            new(r => r.Lists.CheckoutSessions(r.Tenant, ListParameters.OneOf(r.Query, "status", Statuses), r.Window, r.Aborted),
                [ApiQuery.Status(Statuses)], Sorts: ["created_at", "updated_at"], Summary: "List checkout sessions: status, created/updated ranges."),
            createSummary: "A hosted checkout for an order (order_id) or for new line_items: send the buyer to its url.");
        g.MapChange(Sessions, HttpMethods.Post, "/expire", (ICheckoutSessionGrain s, EmptyRequest _) => s.Expire(), optionalBody: true)
         .WithSummary("Expire an open session now (its own order is canceled; a session paid meanwhile completes instead).");

        // The hosted fallback for what another channel left due on an order.
        v1.MapPost("/orders/{order_id}/checkout-session", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var orderId = Responses.PathId(order_id, IdPrefix.Order);
            var body = await JsonBody.Read<OrderCheckoutSessionRequest>(ctx);
            var session = await grains.Grain<ICheckoutSessionGrain>(ctx, FlintId.New(IdPrefix.CheckoutSession)).Create(body.For(orderId));
            return Responses.Ok(ctx, session, 201);
        }).Doc<OrderCheckoutSessionRequest, CheckoutSessionView>(201).PathIds("order_id").WithTags("Checkout")
          .WithSummary("A checkout session for what is still due on this order.");
    }
}
