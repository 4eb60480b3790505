using System.Globalization;
using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence.Inventory;

/// <summary>A variant's stock changes, newest first.</summary>
public interface IInventoryHistory
{
    /// <summary>The page after <paramref name="pageToken"/> (null: the first). Does not check that the variant exists.</summary>
    Task<Page<InventoryChangeView>> Page(Tenant tenant, string variantId, int pageSize, string? pageToken, CancellationToken ct);
}

/// <summary>
/// From flint_object_log: the variant grain writes each change there in the same transaction as the stock it
/// changed, so the history holds exactly the acknowledged changes.
/// </summary>
internal sealed class InventoryHistory(NpgsqlDataSource db) : IInventoryHistory
{
    public async Task<Page<InventoryChangeView>> Page(Tenant tenant, string variantId, int pageSize, string? pageToken, CancellationToken ct)
    {
        var cursor = PageToken.Decode(pageToken, "created_at", "desc", variantId);
        DateTimeOffset? afterTime = null;
        if (cursor is not null)
        {
            if (!DateTimeOffset.TryParse(cursor.LastSortValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                throw DomainException.Invalid("INVALID_PAGE_TOKEN", "The page_token is not valid.", "page_token");
            afterTime = t;
        }
        await using var cmd = ObjectLogQuery.Of(db, $"""
            SELECT doc::text, created_at, id FROM flint_object_log
            WHERE merchant_id = @m AND environment = @e AND owner_id = @o AND kind = '{InventoryProjection.ChangeLogKind}'
            {(afterTime is null ? "" : "AND (created_at, id) < (@t, @i)")}
            ORDER BY created_at DESC, id DESC
            LIMIT @n
            """, tenant, variantId);
        cmd.Parameters.AddWithValue("n", pageSize + 1);
        if (afterTime is not null)
        {
            cmd.Parameters.AddWithValue("t", afterTime.Value.ToUniversalTime());
            cmd.Parameters.AddWithValue("i", cursor!.LastId);
        }
        var items = new List<InventoryChangeView>();
        var keys = new List<(DateTimeOffset At, string Id)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(JsonSerializer.Deserialize<InventoryChangeView>(reader.GetString(0), FlintJson.Options)!);
                keys.Add((reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
            }
        }
        string? next = null;
        if (items.Count > pageSize)
        {
            items.RemoveAt(pageSize);
            var last = keys[pageSize - 1];
            next = PageToken.Encode(new PageCursor("created_at", "desc", variantId, FlintJson.Timestamp(last.At), last.Id));
        }
        return new Page<InventoryChangeView>(items, next);
    }
}
