using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Webhooks;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence.Webhooks;

/// <summary>A delivery claimed by a worker: what to send (the event as <c>GET /v1/events</c> shows it) and to which
/// endpoint.</summary>
public sealed record ClaimedDelivery(
    string Id, Tenant Tenant, string EndpointId, string EventId, string EventType, DateTimeOffset EventCreatedAt, string EventData,
    int Attempts, DateTimeOffset? FirstAttemptAt);

/// <summary>The delivery queue (flint_webhook_deliveries, filled by the database when events are written:
/// the trigger of deploy/sql/019_apps.sql; the table is 016_webhooks.sql).</summary>
public interface IWebhookDeliveries
{
    /// <summary>Up to <paramref name="limit"/> due deliveries, each leased to the caller for <paramref name="lease"/>
    /// (another worker skips them until it ends; a worker that dies leaves them to be claimed again).</summary>
    Task<IReadOnlyList<ClaimedDelivery>> Claim(int limit, TimeSpan lease, CancellationToken ct);
    Task Delivered(string id, int statusCode, CancellationToken ct);
    /// <summary>A failed attempt: tried again at <paramref name="nextAttemptAt"/>, or failed for good when null.</summary>
    Task Failed(string id, int? statusCode, string error, DateTimeOffset? nextAttemptAt, CancellationToken ct);
    /// <summary>The endpoint's deliveries, newest first.</summary>
    Task<Page<WebhookDeliveryView>> Page(Tenant tenant, string endpointId, int pageSize, string? pageToken, CancellationToken ct);
    /// <summary>Sends a delivery again now (a failed or delivered one included); false when there is none.</summary>
    Task<WebhookDeliveryView?> Resend(Tenant tenant, string endpointId, string deliveryId, CancellationToken ct);
}

internal sealed class WebhookDeliveries(NpgsqlDataSource db) : IWebhookDeliveries
{
    private const string Columns = "id, endpoint_id, event_id, event_type, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at";

    public async Task<IReadOnlyList<ClaimedDelivery>> Claim(int limit, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_webhook_deliveries d SET locked_until = now() + @lease
              FROM (SELECT id FROM flint_webhook_deliveries q
                     WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
                       -- In order per object: not while an earlier delivery of the same object to this endpoint is
                       -- still pending (being sent, or waiting for its retry).
                       AND NOT EXISTS (SELECT 1 FROM flint_webhook_deliveries p
                                        WHERE p.endpoint_id = q.endpoint_id AND p.object_key = q.object_key AND p.status = 'pending'
                                          AND (p.created_at, p.event_id COLLATE "C") < (q.created_at, q.event_id COLLATE "C"))
                     ORDER BY next_attempt_at LIMIT @limit FOR UPDATE SKIP LOCKED) due, flint_events e
             WHERE d.id = due.id AND e.id = d.event_id
            RETURNING d.id, d.merchant_id, d.environment, d.endpoint_id, d.event_id, d.event_type, e.created_at, e.data::text, d.attempts, d.first_attempt_at
            """);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("limit", limit);
        var claimed = new List<ClaimedDelivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            claimed.Add(new ClaimedDelivery(r.GetString(0), new Tenant(r.GetString(1), r.GetString(2)), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6), r.GetString(7), r.GetInt32(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9)));
        return claimed;
    }

    public async Task Delivered(string id, int statusCode, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_webhook_deliveries SET status = 'delivered', attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, now()),
                   last_attempt_at = now(), last_status_code = @code, last_error = NULL, delivered_at = now(), locked_until = NULL
             WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("code", statusCode);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task Failed(string id, int? statusCode, string error, DateTimeOffset? nextAttemptAt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_webhook_deliveries SET status = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END,
                   attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(),
                   last_status_code = @code, last_error = @error, next_attempt_at = coalesce(@next, next_attempt_at), locked_until = NULL
             WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.Add(new NpgsqlParameter("code", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
        cmd.Parameters.AddWithValue("error", error.Length > 500 ? error[..500] : error);
        cmd.Parameters.Add(new NpgsqlParameter("next", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)nextAttemptAt ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<Page<WebhookDeliveryView>> Page(Tenant tenant, string endpointId, int pageSize, string? pageToken, CancellationToken ct)
    {
        var page = NewestFirst.From(pageToken, $"webhook_deliveries|{endpointId}");
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("endpoint", endpointId);
        cmd.CommandText = $"SELECT {Columns} FROM flint_webhook_deliveries WHERE merchant_id = @m AND environment = @e AND endpoint_id = @endpoint"
            + page.After(cmd) + NewestFirst.OrderAndLimit(pageSize);
        var items = new List<WebhookDeliveryView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) items.Add(Read(r));
        }
        return page.Cut(items, pageSize, d => (d.CreatedAt, d.WebhookDeliveryId));
    }

    public async Task<WebhookDeliveryView?> Resend(Tenant tenant, string endpointId, string deliveryId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            UPDATE flint_webhook_deliveries SET status = 'pending', next_attempt_at = now(), locked_until = NULL
             WHERE merchant_id = @m AND environment = @e AND endpoint_id = @endpoint AND id = @id
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue("m", tenant.MerchantId);
        cmd.Parameters.AddWithValue("e", tenant.Environment);
        cmd.Parameters.AddWithValue("endpoint", endpointId);
        cmd.Parameters.AddWithValue("id", deliveryId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static WebhookDeliveryView Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6),
        r.GetString(4) == "pending" ? r.GetFieldValue<DateTimeOffset>(7) : null,
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11));
}
