using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence.Events;

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
        var page = NewestFirst.From(pageToken, $"events|{type}");
        var sql = "SELECT id, type, created_at, data::text FROM flint_events WHERE merchant_id = @m AND environment = @e";
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        if (type is not null)
        {
            sql += " AND type = @type";
            cmd.Parameters.AddWithValue("type", type);
        }
        cmd.CommandText = sql + page.After(cmd) + NewestFirst.OrderAndLimit(pageSize);
        var items = new List<EventView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                items.Add(new EventView(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
        }
        return page.Cut(items, pageSize, e => (e.CreatedAt, e.Id));
    }
}
