using Flint.Abstractions;
using Flint.Abstractions.Devices;

namespace Flint.Grains.Devices;

[GenerateSerializer, Alias("flint.devices.code_state")]
public sealed class PairingCodeState
{
    [Id(0)] public PairingCodeHolder? Holder { get; set; }
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(2)] public bool Used { get; set; }
}

/// <summary>One pairing code, keyed by the code itself: a code has one holder at a time in the whole cluster, and is
/// redeemed once. Its state carries no projection or event, so it lives in the plain storage.</summary>
public sealed class PairingCodeGrain(
    [PersistentState("pairing_code", StorageNames.Plain)] IPersistentState<PairingCodeState> store,
    TimeProvider clock) : Grain, IPairingCodeGrain
{
    public async Task<bool> Reserve(PairingCodeHolder holder, DateTimeOffset expiresAt)
    {
        if (store.State.Holder is not null && !store.State.Used && store.State.ExpiresAt > clock.GetUtcNow()) return false;
        store.State = new PairingCodeState { Holder = holder, ExpiresAt = expiresAt };
        await store.WriteStateAsync();
        return true;
    }

    public async Task<PairingCodeHolder?> Redeem()
    {
        if (store.State.Holder is not { } holder || store.State.Used || store.State.ExpiresAt <= clock.GetUtcNow()) return null;
        store.State.Used = true;
        await store.WriteStateAsync();
        return holder;
    }
}
