using Flint.Abstractions.Subscriptions;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Subscriptions;
using Flint.Persistence.Lists;
using Flint.Persistence.Subscriptions;

namespace Flint.Api.Subscriptions;

/// <summary>Invoices live in their subscription's state (one per billed cycle): read through the subscription that holds
/// them, listed from their own projections.</summary>
public static class InvoiceEndpoints
{
    private static readonly string[] Statuses = [.. SnakeCase.Names<InvoiceStatus>()];
    private static readonly string[] Sorts = ["created_at", "updated_at"];

    public static void MapInvoiceEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/invoices").WithTags("Invoices");

        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var query = ctx.Request.Query;
            var window = ListParameters.Window(query, Sorts);
            var filter = new InvoiceListFilter(ListParameters.OneOf(query, "status", Statuses),
                ListParameters.Text(query, "subscription_id"), ListParameters.Text(query, "customer_id"));
            var page = await lists.Invoices(Authentication.TenantOf(ctx), filter, window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "invoice_id");
        }).DocList<InvoiceView>()
          .Query([.. ApiQuery.Listing(Sorts), ApiQuery.Status(Statuses), ApiQuery.Text("subscription_id", "Only this subscription's invoices."),
                  ApiQuery.Text("customer_id", "Only this customer's invoices."), ApiQuery.Fields])
          .WithSummary("List invoices: status, subscription_id, customer_id, created/updated ranges, sort_by created_at|updated_at.");

        // A malformed id, or one no invoice of this merchant has, is 404 like any missing object.
        g.MapGet("/{invoice_id}", async (HttpContext ctx, IGrainFactory grains, IInvoiceIndex invoices, string invoice_id) =>
        {
            var id = Responses.PathId(invoice_id, IdPrefix.Invoice);
            var subscriptionId = await invoices.SubscriptionOfInvoice(Authentication.TenantOf(ctx), id, ctx.RequestAborted) ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, await grains.Grain<ISubscriptionGrain>(ctx, subscriptionId).GetInvoice(id));
        }).Doc<InvoiceView>();
    }
}
