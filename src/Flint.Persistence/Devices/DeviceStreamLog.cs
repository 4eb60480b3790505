using System.Globalization;
using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Npgsql;

namespace Flint.Persistence.Devices;

/// <summary>A device's stream as written (the device grain writes each event in its state write, before it announces it).</summary>
public interface IDeviceStreamLog
{
    /// <summary>The device's events numbered after <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeviceStreamEvent>> After(Tenant tenant, string deviceId, long after, int limit, CancellationToken ct);
}

internal sealed class DeviceStreamLog(NpgsqlDataSource db) : IDeviceStreamLog
{
    public async Task<IReadOnlyList<DeviceStreamEvent>> After(Tenant tenant, string deviceId, long after, int limit, CancellationToken ct)
    {
        // Served by the log's primary key (merchant, environment, owner, id).
        await using var cmd = ObjectLogQuery.Of(db, $"""
            SELECT id, doc->>'type', doc->>'created_at', (doc->'data')::text FROM flint_object_log
            WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND kind = '{DeviceProjection.StreamLogKind}' AND id > @after
            ORDER BY id
            LIMIT @n
            """, tenant, deviceId);
        cmd.Parameters.AddWithValue("after", DeviceStream.RowId(Math.Max(after, 0)));
        cmd.Parameters.AddWithValue("n", limit);
        var events = new List<DeviceStreamEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // The envelope in its written order (jsonb keeps keys its own way), compact like every answer of the API.
            var seq = long.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            var type = reader.GetString(1);
            var json = $$"""{"id":"{{seq}}","type":{{System.Text.Json.JsonSerializer.Serialize(type)}},"created_at":"{{reader.GetString(2)}}","data":{{System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(3))!.ToJsonString()}}}""";
            events.Add(new DeviceStreamEvent(seq, type, json));
        }
        return events;
    }
}
