using Flint.Abstractions;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Events;

namespace Flint.Api.Events;

public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/events", async (HttpContext ctx, IEventLog events) =>
        {
            var query = ctx.Request.Query;
            var size = PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var type = query["type"].ToString();
            if (type.Length > 100) throw ApiException.Invalid("INVALID_FIELD", "type is at most 100 characters.", "type");
            var token = query["page_token"].ToString() is { Length: > 0 } t ? t : null;
            var page = await events.Page(Authentication.TenantOf(ctx), type.Length > 0 ? type : null, size, token, ctx.RequestAborted);
            return Responses.List(ctx, page.Items, page.NextPageToken);
        }).DocList<EventView>().Query([.. ApiQuery.Paging, ApiQuery.Text("type", "Only events of this type, e.g. order.paid.", maxLength: 100)]).WithTags("Events").WithSummary("Every recorded state change, newest first; filter by type.");
    }
}
