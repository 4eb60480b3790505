using System.Text.Json.Serialization;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain.Inventory;

namespace Flint.Grains.Inventory;

[GenerateSerializer, Alias("flint.inventory.state")]
public sealed class InventoryState : ObjectState
{
    [Id(0)] public string? ProductId { get; set; }
    [Id(1)] public long OnHand { get; set; }
    [Id(2)] public bool EnforceLimit { get; set; }
    [Id(3)] public bool Sellable { get; set; } = true;
    /// <summary>Only in states written before holds moved to the grain's memory: such holds are taken over on
    /// activation and leave the state with its next write. New reservations never land here.</summary>
    [Id(4)] public Dictionary<string, ReservationState> Reservations { get; set; } = [];
    /// <summary>Only in states written before finished reservations moved to the object log: the activation moves them
    /// there (<see cref="IFinishedReservations"/>). New ones never land here.</summary>
    [Id(5)] public Dictionary<string, FinishedReservation> Finished { get; set; } = [];
    /// <summary>Only in states written before the history moved to flint_object_log (the <see cref="ObjectState.Log"/>
    /// effect): such entries are moved there by the next change. New changes never land here.</summary>
    [Id(6)] public List<InventoryChangeState> History { get; set; } = [];
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Keys of idempotent changes already applied (restocks), the most recent
    /// <see cref="VariantInventoryGrain.AppliedChangesKept"/>.</summary>
    [Id(8)] public Dictionary<string, DateTimeOffset> AppliedChanges { get; set; } = [];
    [Id(9)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The newest creation time (in the ids it is made of) of a reservation that ever finished here: one made
    /// later has no row unless this activation wrote it, so holding or committing it needs no look-up.</summary>
    [Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? FinishedReservationsMadeUpTo { get; set; }
}

[GenerateSerializer, Alias("flint.inventory.reservation")]
public sealed class ReservationState
{
    [Id(0)] public long Quantity { get; set; }
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
}

[GenerateSerializer, Alias("flint.inventory.finished_reservation")]
public sealed class FinishedReservation
{
    /// <summary>Stored as its snake_case name (<c>committed</c>), like every enum in FlintJson.</summary>
    [Id(0)] public ReservationOutcome Outcome { get; set; }
    [Id(1)] public long Quantity { get; set; }
    [Id(2)] public DateTimeOffset At { get; set; }
}

[GenerateSerializer, Alias("flint.inventory.change")]
public sealed class InventoryChangeState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public long QuantityDelta { get; set; }
    [Id(2)] public string ChangeReason { get; set; } = "";
    [Id(3)] public long QuantityBefore { get; set; }
    [Id(4)] public long QuantityAfter { get; set; }
    [Id(5)] public string? Note { get; set; }
    [Id(6)] public string? Actor { get; set; }
    [Id(7)] public string? Reference { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
}
