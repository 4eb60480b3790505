using System.Text.Json.Serialization;

namespace Flint.Abstractions;

/// <summary>An event recorded in the same state write as the change it describes. The grain storage passes it to
/// the database with that write, which stores it in flint_events in the same transaction; the grain then drops it
/// from memory.</summary>
[GenerateSerializer, Alias("flint.outbox_event")]
public sealed class OutboxEvent
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string MerchantId { get; set; } = "";
    [Id(2)] public string Environment { get; set; } = "";
    [Id(3)] public string Type { get; set; } = "";
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>{ "object": snapshot } as raw JSON, stored as a JSON object (not a string).</summary>
    [Id(5), JsonConverter(typeof(RawJsonConverter))] public string Data { get; set; } = "{}";
}

/// <summary>The queryable copy of an object that lists and search read. Written with the state, in the same
/// transaction, and ignored by the database when its version is not newer than the stored one.</summary>
[GenerateSerializer, Alias("flint.projection")]
public sealed class ProjectionRecord
{
    [Id(0)] public string Kind { get; set; } = "";
    [Id(1)] public string MerchantId { get; set; } = "";
    [Id(2)] public string Environment { get; set; } = "";
    [Id(3)] public string Id { get; set; } = "";
    [Id(4)] public long Version { get; set; }
    [Id(5)] public string? Name { get; set; }
    [Id(6)] public string? Status { get; set; }
    [Id(7)] public string? SearchText { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The SKUs this object owns; null = this kind owns none (the database then skips the registry).</summary>
    [Id(10)] public List<string>? Skus { get; set; }
    [Id(11), JsonConverter(typeof(RawJsonConverter))] public string Doc { get; set; } = "{}";
}

/// <summary>Base of every tenant-owned grain state: the outbox, projections and log rows ride along in each write.</summary>
/// <remarks>Those four members are the write's side effects, not state: the grain storage hands them to the database
/// separately (applied in the same transaction as the state row) and leaves them out of the stored payload, hence
/// [JsonIgnore] (the Orleans wire format, [Id], still carries them between silos). A state read back has them
/// empty; the grains never rely on them after a reload.</remarks>
[GenerateSerializer, Alias("flint.object_state")]
public abstract class ObjectState
{
    [Id(0)] public long Version { get; set; }
    /// <summary>Events this write records; stored in flint_events in the same transaction.</summary>
    [Id(1), JsonIgnore] public List<OutboxEvent> Outbox { get; set; } = [];
    [Id(2), JsonIgnore] public ProjectionRecord? Projection { get; set; }
    /// <summary>Projections of objects kept inside this state (an order's payments and refunds) that this write
    /// changed; like the outbox, they are only carried by the write that produced them.</summary>
    [Id(3), JsonIgnore] public List<ProjectionRecord>? RelatedProjections { get; set; }
    /// <summary>Log rows (an inventory change, a coupon redemption taken or given back) this write produced; stored in
    /// flint_object_log in the same transaction and, like the outbox, carried only by the write that produced them.</summary>
    [Id(4), JsonIgnore] public List<LogEntry>? Log { get; set; }
}

/// <summary>One row of an object's log (e.g. a variant's inventory history, a coupon's redemptions), kept in
/// flint_object_log instead of the grain state so the state stays small however long the log grows.</summary>
[GenerateSerializer, Alias("flint.log_entry")]
public sealed class LogEntry
{
    [Id(0)] public string Kind { get; set; } = "";
    [Id(1)] public string MerchantId { get; set; } = "";
    [Id(2)] public string Environment { get; set; } = "";
    /// <summary>The object whose log this is (the variant id).</summary>
    [Id(3)] public string OwnerId { get; set; } = "";
    /// <summary>The row's own id (unique per owner; a repeated write of the same row is ignored).</summary>
    [Id(4)] public string Id { get; set; } = "";
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6), JsonConverter(typeof(RawJsonConverter))] public string Doc { get; set; } = "{}";
    /// <summary>True: the write deletes the owner's row with this id and kind instead of adding one. For rows that
    /// stand for something the owner holds rather than for history (a coupon redemption, given back). A write's
    /// withdrawals are applied before its additions, so a write must carry at most one entry per row.</summary>
    [Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Withdrawn { get; set; }
}
