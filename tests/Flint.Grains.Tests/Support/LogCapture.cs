using System.Collections.Concurrent;
using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Orleans.Storage;

namespace Flint.Grains.Tests.Support;

/// <summary>
/// The grain tests' stand-in for flint_object_log: a storage that passes every call to the memory storage and,
/// after a write succeeded, keeps the <see cref="ObjectState.Log"/> rows it carried (and drops those it withdrew) — what
/// the real storage does to the log table in the same transaction. A write that fails keeps nothing, as in the database.
/// </summary>
public sealed class LogCapturingStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LogEntry>> Rows = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (grainState.State is ObjectState { Log: { Count: > 0 } log })
        {
            foreach (var row in log)
            {
                var rows = Rows.GetOrAdd(row.OwnerId, _ => new());
                if (!row.Withdrawn) rows.TryAdd(row.Id, row);
                else if (rows.TryGetValue(row.Id, out var held) && held.Kind == row.Kind) rows.TryRemove(row.Id, out _);
            }
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public static IReadOnlyList<LogEntry> Of(string ownerId) =>
        Rows.TryGetValue(ownerId, out var rows) ? rows.Values.ToList() : [];
}

public static class InventoryLog
{
    /// <summary>A variant's stock changes, newest first, as the history endpoint pages them (the token is an offset
    /// here); 404 like the endpoint for a variant that is not the product's.</summary>
    public static async Task<Page<InventoryChangeView>> History(this IVariantInventoryGrain inventory, string productId, int pageSize, string? pageToken)
    {
        await inventory.GetStock(productId);
        var variantId = inventory.GetPrimaryKeyString().Split('/')[^1];
        var all = LogCapturingStorage.Of(variantId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
            .Select(r => JsonSerializer.Deserialize<InventoryChangeView>(r.Doc, FlintJson.Options)!)
            .ToList();
        var offset = pageToken is null ? 0 : int.Parse(pageToken);
        var items = all.Skip(offset).Take(pageSize).ToList();
        var next = offset + pageSize < all.Count ? (offset + pageSize).ToString() : null;
        return new Page<InventoryChangeView>(items, next);
    }
}
