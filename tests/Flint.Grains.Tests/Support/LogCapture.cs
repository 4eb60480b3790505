using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Domain.Inventory;
using Orleans.Storage;

namespace Flint.Grains.Tests.Support;

/// <summary>
/// The grain tests' stand-in for flint_object_log: a storage that passes every call to the memory storage and,
/// after a write succeeded, keeps the <see cref="ObjectState.Log"/> rows it carried (and drops those it withdrew) — what
/// the real storage does to the log table in the same transaction. A write that fails keeps nothing, as in the database.
/// It also keeps each grain's last written state, and lets a test plant a state as an older Flint stored it.
/// </summary>
public sealed class LogCapturingStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LogEntry>> Rows = new();
    private static readonly ConcurrentDictionary<string, object?> Planted = new();
    private static readonly ConcurrentDictionary<string, object?> LastWritten = new();

    /// <summary>The next activation of the grain with this key (<c>merchant/environment/id</c>) reads
    /// <paramref name="state"/>, as if an older Flint had stored it.</summary>
    public static void Plant(string grainKey, object state) => Planted[grainKey] = state;

    /// <summary>The state last written for the grain with this key.</summary>
    public static T Stored<T>(string grainKey) => (T)LastWritten[grainKey]!;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!Planted.TryRemove(grainId.Key.ToString()!, out var planted)) return inner.ReadStateAsync(stateName, grainId, grainState);
        grainState.State = (T)planted!;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        LastWritten[grainId.Key.ToString()!] = grainState.State;
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

    /// <summary>The owner's row of that kind and id, if there is one.</summary>
    public static LogEntry? Row(string ownerId, string kind, string id) =>
        Rows.TryGetValue(ownerId, out var rows) && rows.TryGetValue(id, out var row) && row.Kind == kind ? row : null;
}

/// <summary>The typed look-ups of the object log (Flint.Persistence's, in the host) over the captured rows, counting
/// how often a grain asked: the hot paths should not ask at all.</summary>
public sealed class CapturedLogLookups : ICouponRedemptions, IFinishedReservations
{
    private static readonly ConcurrentDictionary<string, int> AskedOf = new();

    /// <summary>How many look-ups the grain of this object made so far.</summary>
    public static int Asked(string ownerId) => AskedOf.GetValueOrDefault(ownerId);

    private static void Ask(string ownerId) => AskedOf.AddOrUpdate(ownerId, 1, (_, n) => n + 1);

    public Task<CouponRedemptionRow?> HeldBy(Tenant tenant, string couponId, string orderId, CancellationToken ct)
    {
        Ask(couponId);
        var row = LogCapturingStorage.Row(couponId, ICouponRedemptions.LogKind, orderId);
        return Task.FromResult(row is null ? null : JsonSerializer.Deserialize<CouponRedemptionRow>(row.Doc, FlintJson.Options));
    }

    public Task<long> CountOf(Tenant tenant, string couponId, string customerId, CancellationToken ct)
    {
        Ask(couponId);
        return Task.FromResult((long)LogCapturingStorage.Of(couponId).Count(r => r.Kind == ICouponRedemptions.LogKind
            && JsonSerializer.Deserialize<CouponRedemptionRow>(r.Doc, FlintJson.Options)!.CustomerId == customerId));
    }

    public Task<ReservationOutcome?> OutcomeOf(Tenant tenant, string variantId, string reservationId, CancellationToken ct)
    {
        Ask(variantId);
        if (LogCapturingStorage.Row(variantId, IFinishedReservations.LogKind, reservationId) is { } moved)
            return Task.FromResult<ReservationOutcome?>(JsonSerializer.Deserialize<FinishedReservationRow>(moved.Doc, FlintJson.Options)!.Outcome);
        var sold = LogCapturingStorage.Of(variantId).Any(r => r.Kind == InventoryProjection.ChangeLogKind && SaleReservation(r) == reservationId);
        return Task.FromResult<ReservationOutcome?>(sold ? ReservationOutcome.Committed : null);
    }

    /// <summary>The reservation a sale's inventory change names, if any.</summary>
    public static string? SaleReservation(LogEntry change) =>
        JsonNode.Parse(change.Doc)![IFinishedReservations.SaleReservationField]?.GetValue<string>();
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
            .Where(r => r.Kind == InventoryProjection.ChangeLogKind)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
            .Select(r => JsonSerializer.Deserialize<InventoryChangeView>(r.Doc, FlintJson.Options)!)
            .ToList();
        var offset = pageToken is null ? 0 : int.Parse(pageToken);
        var items = all.Skip(offset).Take(pageSize).ToList();
        var next = offset + pageSize < all.Count ? (offset + pageSize).ToString() : null;
        return new Page<InventoryChangeView>(items, next);
    }
}
