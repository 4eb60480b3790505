using System.Globalization;
using System.Runtime.InteropServices;
using Flint.Abstractions;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Flint.Persistence.Storage;

/// <summary>
/// Flint's grain storage (the named storage "flint" every grain uses), on the <c>orleans_storage</c> table.
/// </summary>
/// <remarks>
/// <para>Why Flint has its own instead of Orleans' ADO.NET grain storage:</para>
/// <list type="bullet">
/// <item><b>Group commit.</b> The ADO.NET provider runs every state write as its own transaction; a checkout touches
/// many grains, so commits were the limit (DESIGN.md, "Performance principles"). Here every write of the silo goes
/// through one <see cref="GroupCommit{TItem,TResult}"/>: writes that arrive while a batch is in flight wait and go
/// together in the next one, ONE statement and ONE transaction
/// (<c>flint_write_grain_states</c>, deploy/sql/003_orleans_persistence.sql). Nobody is answered before the
/// transaction holding their write committed. Concurrent activations' reads are batched the same way.</item>
/// <item><b>Effects without parsing.</b> A state's projection, related projections, outbox events and log rows
/// (<see cref="ObjectState"/>) are passed as a separate jsonb value and applied by <c>flint_apply_state_effects</c>
/// (010_flint.sql); the database never parses the state payload, and the payload no longer carries them.</item>
/// </list>
/// <para>What stays as it was: the table and its key (so existing rows are found), the version as ETag with the
/// same optimistic concurrency (a stale ETag writes nothing and throws <see cref="InconsistentStateException"/>),
/// the payload as the configured <see cref="IGrainStorageSerializer"/> writes it, and one transaction for a state
/// row and its effects: each write of a batch runs in its own subtransaction, so a write the database refuses
/// (a SKU or coupon code taken) is undone with its effects and fails alone while the rest of the batch commits.</para>
/// <para>Failure handling: a batch whose statement fails as a whole (deadlock with another silo's batch, any
/// error reported before commit) is retried write by write, each in its own transaction, so a write that would
/// have succeeded alone does not fail because of its neighbours; so is a single write of a committed batch that
/// lost a deadlock. When the connection breaks after the batch was sent, whether it committed is unknown: every
/// write of the batch fails with that error (the grain's next write then meets an ETag clash and the grain
/// reloads).</para>
/// </remarks>
public sealed partial class FlintGrainStorage : IGrainStorage
{
    /// <summary>At most 64 writes per batch: when a batch has to be retried with each write isolated, each runs in a
    /// subtransaction, and a transaction with more than 64 subtransactions that wrote overflows PostgreSQL's
    /// per-backend subtransaction cache, which makes every other session's snapshots slower.</summary>
    public const int MaxWriteBatch = 64;
    /// <summary>Batches being written at once. One: everything that arrives meanwhile goes in the next batch, so the
    /// batches are as large as the load makes them (measured: ~15 % less CPU per checkout than with two in flight,
    /// whose second batch mostly carried one or two writes).</summary>
    public const int MaxWritesInFlight = 1;
    public const int MaxReadBatch = 128;
    public const int MaxReadsInFlight = 1;
    /// <summary>Attempts of a write retried alone that keeps losing deadlocks.</summary>
    private const int AloneAttempts = 3;

    private const string WriteSql = """
        SELECT ordinal, new_version, sql_state, message, constraint_name, detail
          FROM flint_write_grain_states(@service, @types, @n0, @n1, @ids, @id_hashes, @type_hashes, @expected, @payloads, @effects, @isolate)
        """;

    private const string ReadSql = """
        SELECT k.ord::integer, s.payload_binary, s.version
          FROM unnest(@types, @n0, @n1, @ids) WITH ORDINALITY AS k(grain_type, n0, n1, id, ord)
          JOIN orleans_storage s
            ON s.service_id = @service AND s.grain_type = k.grain_type
           AND s.grain_id_n0 = k.n0 AND s.grain_id_n1 = k.n1 AND s.grain_id_string = k.id
        """;

    // Keeps the row (payload NULL) so the version keeps counting and a stale activation still clashes.
    private const string ClearSql = """
        UPDATE orleans_storage
           SET payload_binary = NULL, modified_on = now(), version = version + 1
         WHERE service_id = @service AND grain_type = @type AND grain_id_n0 = @n0 AND grain_id_n1 = @n1
           AND grain_id_string = @id AND version = @expected
        RETURNING version
        """;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly NpgsqlDataSource _db;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _log;
    private readonly GroupCommit<WriteItem, WriteOutcome> _writes;
    private readonly GroupCommit<StorageKey, ReadOutcome> _reads;

    private long _writesSubmitted;
    private long _pendingWrites;
    private long _writeStatements;
    private long _largestWriteBatch;
    private long _writesRetriedAlone;
    private long _readsSubmitted;
    private long _readStatements;

    public FlintGrainStorage(string name, ClusterOptions cluster, NpgsqlDataSource db, IGrainStorageSerializer serializer,
        IActivatorProvider activators, ILogger<FlintGrainStorage> log)
    {
        _name = name;
        _serviceId = cluster.ServiceId;
        _db = db;
        _serializer = serializer;
        _activators = activators;
        _log = log;
        _writes = new GroupCommit<WriteItem, WriteOutcome>(FlushWrites, MaxWriteBatch, MaxWritesInFlight);
        _reads = new GroupCommit<StorageKey, ReadOutcome>(FlushReads, MaxReadBatch, MaxReadsInFlight);
    }

    /// <summary>Counters since start: how many writes and reads went through, in how many statements.</summary>
    public FlintGrainStorageStats Stats => new(
        Interlocked.Read(ref _writesSubmitted), Interlocked.Read(ref _pendingWrites), Interlocked.Read(ref _writeStatements),
        Interlocked.Read(ref _largestWriteBatch), Interlocked.Read(ref _writesRetriedAlone),
        Interlocked.Read(ref _readsSubmitted), Interlocked.Read(ref _readStatements));

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = StorageKey.Of(stateName, grainId);
        Interlocked.Increment(ref _readsSubmitted);
        ReadOutcome read;
        try
        {
            read = await _reads.Submit(key);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Reading grain state {StateName} of {GrainId} failed", stateName, grainId);
            throw new FlintStorageException($"Reading grain state '{stateName}' of {grainId} failed: {e.Message}", e);
        }
        var state = read.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : default;
        grainState.State = state ?? CreateInstance<T>();
        grainState.ETag = read.Version?.ToString(CultureInfo.InvariantCulture);
        // A cleared row is kept only for its version: there is no record to speak of.
        grainState.RecordExists = read.Payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Synchronous up to Submit, so a caller's write is queued when this returns its task.
        var item = new WriteItem(
            StorageKey.Of(stateName, grainId),
            ParseETag(grainState.ETag),
            Bytes(_serializer.Serialize(grainState.State)),
            grainState.State is ObjectState objectState ? EffectsOf(objectState) : null);
        Interlocked.Increment(ref _writesSubmitted);
        Interlocked.Increment(ref _pendingWrites);
        WriteOutcome outcome;
        try
        {
            outcome = await _writes.Submit(item);
        }
        catch (Exception e)
        {
            // The batch's connection broke after it was sent: it may or may not have committed.
            _log.LogError(e, "Writing grain state {StateName} of {GrainId} failed; whether it was stored is unknown", stateName, grainId);
            throw new FlintStorageException($"Writing grain state '{stateName}' of {grainId} failed, and whether it was stored is unknown: {e.Message}", e);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }

        if (outcome.NewVersion is { } version)
        {
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return;
        }
        if (outcome.Failure is { } failure)
        {
            _log.LogError(failure, "Writing grain state {StateName} of {GrainId} failed", stateName, grainId);
            throw new FlintStorageException($"Writing grain state '{stateName}' of {grainId} failed: {failure.Message}", failure);
        }
        if (outcome.SqlState is { } sqlState)
        {
            // Refusals with a business meaning (SKU or coupon code taken) reach the grain as a typed value.
            _log.LogDebug("Grain state write {StateName} of {GrainId} refused: {SqlState} {Message}", stateName, grainId, sqlState, outcome.Message);
            var refusal = new FlintStorageException(sqlState, outcome.Message ?? "", outcome.Constraint);
            throw StorageRefusals.Typed(refusal, outcome.Detail, grainState.State as ObjectState);
        }
        throw VersionConflict("WriteState", stateName, grainId, grainState.ETag);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!grainState.RecordExists)
        {
            await ReadStateAsync(stateName, grainId, grainState);
            if (!grainState.RecordExists) return;
        }
        var key = StorageKey.Of(stateName, grainId);
        int? version;
        await using (var cmd = _db.CreateCommand(ClearSql))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
            cmd.Parameters.Add(new NpgsqlParameter<string>("type", key.GrainType));
            cmd.Parameters.Add(new NpgsqlParameter<long>("n0", key.N0));
            cmd.Parameters.Add(new NpgsqlParameter<long>("n1", key.N1));
            cmd.Parameters.Add(new NpgsqlParameter<string>("id", key.IdString));
            cmd.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Integer) { Value = (object?)ParseETag(grainState.ETag) ?? DBNull.Value });
            version = await cmd.ExecuteScalarAsync() is int v ? v : null;
        }
        if (version is null) throw VersionConflict("ClearState", stateName, grainId, grainState.ETag);
        grainState.ETag = version.Value.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    private InconsistentStateException VersionConflict(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"Version conflict ({operation}): ServiceId={_serviceId} ProviderName={_name} GrainType={stateName} GrainId={grainId} ETag={etag}.");

    // ---- helpers ----

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();

    private static int? ParseETag(string? etag) =>
        string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static byte[] Bytes(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment.Array is { } array
            && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : data.ToArray();

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
