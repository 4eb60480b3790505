using System.Globalization;
using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence.Events;

/// <summary>An event as <c>GET /v1/events</c> shows it.</summary>
public sealed record EventView(string Id, string Type, DateTimeOffset CreatedAt, JsonObject Data);

/// <summary>Every recorded state change of a tenant (the outbox, flint_events, written with the change), newest first.</summary>
public interface IEventLog
{
    /// <param name="type">Only events of this type (e.g. order.paid); null for all.</param>
    Task<Page<EventView>> Page(Tenant tenant, string? type, int pageSize, string? pageToken, CancellationToken ct);
}

internal sealed class EventLog(NpgsqlDataSource db) : IEventLog
{
    public async Task<Page<EventView>> Page(Tenant tenant, string? type, int pageSize, string? pageToken, CancellationToken ct)
    {
        var fingerprint = $"events|{type}";
        var cursor = PageToken.Decode(pageToken, "created_at", "desc", fingerprint);

        var sql = "SELECT id, type, created_at, data::text FROM flint_events WHERE merchant_id = @m AND environment = @e";
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        if (type is not null)
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
        cmd.CommandText = sql + $" ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT {pageSize + 1}";
        var items = new List<EventView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                items.Add(new EventView(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
        }
        string? next = null;
        if (items.Count > pageSize)
        {
            items.RemoveAt(pageSize);
            var last = items[^1];
            next = PageToken.Encode(new PageCursor("created_at", "desc", fingerprint, last.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), last.Id));
        }
        return new Page<EventView>(items, next);
    }
}
