using Flint.Abstractions;
using Flint.Abstractions.Subscriptions;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Subscriptions;
using Flint.Persistence.Lists;

namespace Flint.Api.Subscriptions;

public static class SubscriptionEndpoints
{
    // fields= on create and read, as a new kind takes it (see FieldsOn).
    internal static readonly ObjectKind Subscriptions = new("/subscriptions", "Subscriptions", IdPrefix.Subscription, "subscription_id",
        FieldsOn.Create | FieldsOn.Get);

    public static void MapSubscriptionEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapObjectRoutes<ISubscriptionGrain, CreateSubscriptionRequest, UpdateSubscriptionRequest, SubscriptionView>(Subscriptions, new(r =>
        {
            var status = ListParameters.Text(r.Query, "status") is { } s ? Validation.ParseSnakeEnum<SubscriptionStatus>(s, "status") : (SubscriptionStatus?)null;
            var filter = new SubscriptionListFilter(status, ListParameters.Text(r.Query, "customer_id"), ListParameters.Text(r.Query, "plan_id"));
            return r.Lists.Subscriptions(r.Tenant, filter, r.Window, r.Aborted);
        }, [ApiQuery.EnumOf<SubscriptionStatus>("status", "Only subscriptions with this status."), ApiQuery.Text("customer_id", "Only this customer's subscriptions."),
            ApiQuery.Text("plan_id", "Only the subscriptions to this plan.")], Sorts: ["created_at", "updated_at"],
            Summary: "List subscriptions: status, customer_id, plan_id, created/updated ranges, sort_by created_at|updated_at."),
            createSummary: "Subscribe a customer to a plan: the first cycle is billed at once to the saved card, unless a trial or a later billing_anchor puts it off.");

        // The actions take a body whose fields all have defaults, read as an order's cancel reads its: no body is {}.
        g.MapChange(Subscriptions, HttpMethods.Post, "/pause", (ISubscriptionGrain s, EmptyRequest _) => s.Pause(), optionalBody: true)
         .WithSummary("Pause: nothing is billed until resumed.");
        g.MapChange(Subscriptions, HttpMethods.Post, "/resume", (ISubscriptionGrain s, EmptyRequest _) => s.Resume(), optionalBody: true)
         .WithSummary("Resume a paused subscription: a new period starts, and is billed, at once.");
        g.MapChange(Subscriptions, HttpMethods.Post, "/cancel", (ISubscriptionGrain s, CancelSubscriptionRequest r) => s.Cancel(r), optionalBody: true)
         .WithSummary("Cancel now, or with at_period_end: true when the current period ends.");
    }
}
