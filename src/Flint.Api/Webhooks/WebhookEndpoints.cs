using Flint.Abstractions;
using Flint.Abstractions.Webhooks;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Webhooks;
using Flint.Persistence.Lists;
using Flint.Persistence.Webhooks;

namespace Flint.Api.Webhooks;

public static class WebhookEndpoints
{
    internal static readonly ObjectKind Endpoints = new("/webhook-endpoints", "Webhooks", IdPrefix.WebhookEndpoint, "webhook_endpoint_id");

    public static void MapWebhookEndpoints(this IEndpointRouteBuilder v1)
    {
        // Listed by query (id, url, description); deleted endpoints are left out. (The status words are the endpoint's
        // own, enabled/disabled, so the catalog status filter is not offered.)
        var g = v1.MapCatalogRoutes<IWebhookEndpointGrain, CreateWebhookEndpointRequest, UpdateWebhookEndpointRequest, WebhookEndpointView>(Endpoints,
            new(r => r.Lists.WebhookEndpoints(r.Tenant, new CatalogListFilter(ListParameters.Search(r.Query), null), r.Window, r.Aborted),
                [ApiQuery.Search], Summary: "List webhook endpoints (the signing secret is never listed)."));
        g.MapChange(Endpoints, HttpMethods.Post, "/roll-secret", (IWebhookEndpointGrain e, EmptyRequest _) => e.RollSecret(), optionalBody: true)
         .WithSummary("A new signing secret, shown in this answer only; the previous one keeps signing beside it for 24 hours.");

        g.MapGet(Endpoints.One + "/deliveries", async (HttpContext ctx, IGrainFactory grains, IWebhookDeliveries deliveries, string webhook_endpoint_id) =>
        {
            var endpoint = Endpoints.Grain<IWebhookEndpointGrain>(grains, ctx, webhook_endpoint_id);
            var view = await endpoint.Get();
            var query = ctx.Request.Query;
            var size = PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var token = query["page_token"].ToString() is { Length: > 0 } t ? t : null;
            var page = await deliveries.Page(Authentication.TenantOf(ctx), view.WebhookEndpointId, size, token, ctx.RequestAborted);
            return Responses.List(ctx, page.Items, page.NextPageToken);
        }).DocList<WebhookDeliveryView>().Query(ApiQuery.Paging).PathIds(Endpoints.IdField)
          .WithSummary("The endpoint's deliveries, newest first: status (pending, delivered, failed), attempts, the last answer.");

        g.MapPost(Endpoints.One + "/deliveries/{webhook_delivery_id}/resend", async (HttpContext ctx, IGrainFactory grains, IWebhookDeliveries deliveries,
            string webhook_endpoint_id, string webhook_delivery_id) =>
        {
            var view = await Endpoints.Grain<IWebhookEndpointGrain>(grains, ctx, webhook_endpoint_id).Get();
            await JsonBody.Read<EmptyRequest>(ctx, optional: true);
            if (!SnakeCase.Is(view.Status, WebhookEndpointStatus.Enabled)) throw new ApiException(409, "conflict", "ENDPOINT_DISABLED", "Enable the endpoint before resending to it.");
            // Delivery ids are made by the database (whd_ + 32 hex digits); anything else is no delivery.
            if (!webhook_delivery_id.StartsWith("whd_", StringComparison.Ordinal) || webhook_delivery_id.Length != 36) throw ApiException.NotFound();
            var resent = await deliveries.Resend(Authentication.TenantOf(ctx), view.WebhookEndpointId, webhook_delivery_id, ctx.RequestAborted)
                ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, resent);
        }).DocOptionalBody<EmptyRequest, WebhookDeliveryView>(200).PathIds(Endpoints.IdField, "webhook_delivery_id")
          .WithSummary("Send a delivery again now (a failed or delivered one too).");
    }
}
