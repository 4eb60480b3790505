using Flint.Abstractions;
using Orleans.Storage;

namespace Flint.Persistence.Storage;

/// <summary>
/// The <see cref="StorageNames.Plain"/> storage: Orleans' stock ADO.NET grain storage (on <c>orleans_storage</c>,
/// through the queries deploy/sql/003_orleans_persistence.sql registers), behind one check. That provider stores the
/// state and nothing else, while an <see cref="ObjectState"/>'s projection, events and log rows travel beside the
/// state (they are left out of its payload): a grain that starts recording them while on this storage would lose
/// them silently. So such a write is refused here, loudly, and the grain belongs on <see cref="StorageNames.Flint"/>.
/// </summary>
internal sealed class PlainGrainStorage(IGrainStorage stock) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        stock.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is ObjectState { Projection: not null } or ObjectState { Outbox.Count: > 0 }
            or ObjectState { RelatedProjections.Count: > 0 } or ObjectState { Log.Count: > 0 })
            throw new InvalidOperationException(
                $"Grain state '{stateName}' of {grainId} carries a projection, events or log rows, which the '{StorageNames.Plain}' " +
                $"storage does not store: give the grain [PersistentState(..., StorageNames.{nameof(StorageNames.Flint)})].");
        return stock.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        stock.ClearStateAsync(stateName, grainId, grainState);
}
