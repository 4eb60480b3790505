using System.Globalization;
using System.Text.Json.Nodes;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Npgsql;

namespace Flint.Api.Events;

public sealed record EventView(string Id, string Type, DateTimeOffset CreatedAt, JsonObject Data);

public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/events", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            var tenant = Authentication.TenantOf(ctx);
            var query = ctx.Request.Query;
            var size = PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var type = query["type"].ToString();
            if (type.Length > 100) throw ApiException.Invalid("INVALID_FIELD", "type is at most 100 characters.", "type");
            var fingerprint = $"events|{type}";
            PageCursor? cursor;
            try { cursor = PageToken.Decode(query["page_token"].ToString() is { Length: > 0 } t ? t : null, "created_at", "desc", fingerprint); }
            catch (DomainException e) { throw ApiException.Invalid(e.Code, e.Message, e.Param); }

            var sql = "SELECT id, type, created_at, data::text FROM flint_events WHERE merchant_id = @m AND environment = @e";
            await using var cmd = db.CreateCommand();
            cmd.Parameters.AddWithValue("m", tenant.MerchantId);
            cmd.Parameters.AddWithValue("e", tenant.Environment);
            if (type.Length > 0)
            {
                sql += " AND type = @type";
                cmd.Parameters.AddWithValue("type", type);
            }
            if (cursor is not null)
            {
                sql += " AND (created_at, id COLLATE \"C\") < (@after, @after_id COLLATE \"C\")";
                cmd.Parameters.AddWithValue("after", DateTimeOffset.Parse(cursor.LastSortValue, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
                cmd.Parameters.AddWithValue("after_id", cursor.LastId);
            }
            cmd.CommandText = sql + $" ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT {size + 1}";
            var items = new List<EventView>();
            await using (var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted))
            {
                while (await r.ReadAsync(ctx.RequestAborted))
                    items.Add(new EventView(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
            }
            string? next = null;
            if (items.Count > size)
            {
                items.RemoveAt(size);
                var last = items[^1];
                next = PageToken.Encode(new PageCursor("created_at", "desc", fingerprint, last.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), last.Id));
            }
            return Responses.List(ctx, items, next);
        }).DocList<EventView>().Query([.. ApiQuery.Paging, ApiQuery.Text("type", "Only events of this type, e.g. order.paid.", maxLength: 100)]).WithTags("Events").WithSummary("Every recorded state change, newest first; filter by type.");
    }
}
