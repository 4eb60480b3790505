using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Flint.Abstractions;
using Flint.Api.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Flint.Api.Storage;

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
public sealed class FlintGrainStorage : IGrainStorage
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
        SELECT ordinal, new_version, sql_state, message, constraint_name
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
            // Refusals with a business meaning (SKU or coupon code taken) are translated by the grain.
            _log.LogDebug("Grain state write {StateName} of {GrainId} refused: {SqlState} {Message}", stateName, grainId, sqlState, outcome.Message);
            throw new FlintStorageException(sqlState, outcome.Message ?? "", outcome.Constraint);
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

    // ---- writes ----

    private async Task<IReadOnlyList<WriteOutcome>> FlushWrites(IReadOnlyList<WriteItem> items)
    {
        InterlockedMax(ref _largestWriteBatch, items.Count);
        var outcomes = new WriteOutcome[items.Count];
        List<int>? alone = null;
        // First without a subtransaction per write (the common case: nothing fails); if anything fails, the statement
        // wrote nothing and the batch runs again with each write isolated, so only the failing ones fail.
        var batch = await RunWrites(items, isolate: false);
        if (batch.Rows is null && !batch.MaybeCommitted) batch = await RunWrites(items, isolate: true);
        if (batch.Rows is { } rows)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                // Lost a deadlock (or the like) inside the committed batch: only that write was undone; try it alone.
                if (IsTransient(rows[i].SqlState)) (alone ??= []).Add(i);
                else outcomes[i] = rows[i];
            }
        }
        else if (batch.MaybeCommitted)
        {
            // Fails every write of this batch (GroupCommit hands the exception to each caller).
            batch.Error!.Throw();
        }
        else
        {
            var e = batch.Error!.SourceException;
            _log.LogWarning(e, "A batch of {Count} grain state writes failed before commit ({SqlState}); writing them one by one",
                items.Count, (e as PostgresException)?.SqlState);
            alone = Enumerable.Range(0, items.Count).ToList();
        }
        if (alone is not null) await WriteAlone(items, alone, outcomes);
        return outcomes;
    }

    /// <summary>Each write in its own transaction, one after the other. When the database cannot be reached at all,
    /// the remaining writes fail with that error instead of each waiting for its own connection timeout.</summary>
    private async Task WriteAlone(IReadOnlyList<WriteItem> items, List<int> indices, WriteOutcome[] outcomes)
    {
        Exception? unreachable = null;
        foreach (var i in indices)
        {
            Interlocked.Increment(ref _writesRetriedAlone);
            if (unreachable is not null)
            {
                outcomes[i] = WriteOutcome.Failed(unreachable);
                continue;
            }
            for (var attempt = 1; ; attempt++)
            {
                var single = await RunWrites([items[i]], isolate: true);
                if (single.Rows is { } rows)
                {
                    if (IsTransient(rows[0].SqlState) && attempt < AloneAttempts)
                    {
                        await Task.Delay(Random.Shared.Next(5, 25) * attempt);
                        continue;
                    }
                    outcomes[i] = rows[0];
                    break;
                }
                var e = single.Error!.SourceException;
                if (!single.MaybeCommitted && e is PostgresException pe && IsTransient(pe.SqlState) && attempt < AloneAttempts)
                {
                    await Task.Delay(Random.Shared.Next(5, 25) * attempt);
                    continue;
                }
                outcomes[i] = WriteOutcome.Failed(e);
                if (e is not PostgresException) unreachable = e;
                break;
            }
        }
    }

    /// <summary>Runs one batch as a single autocommit statement (one round trip, one transaction).</summary>
    private async Task<WriteAttempt> RunWrites(IReadOnlyList<WriteItem> items, bool isolate)
    {
        Interlocked.Increment(ref _writeStatements);
        // In key order: batches of different silos then take row locks in the same order and deadlock less.
        var order = new int[items.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        if (order.Length > 1) Array.Sort(order, (a, b) => items[a].Key.CompareTo(items[b].Key));

        var n = items.Count;
        var types = new string[n];
        var n0 = new long[n];
        var n1 = new long[n];
        var ids = new string[n];
        var idHashes = new int[n];
        var typeHashes = new int[n];
        var expected = new int?[n];
        var payloads = new byte[n][];
        var effects = new string?[n];
        for (var j = 0; j < n; j++)
        {
            var item = items[order[j]];
            types[j] = item.Key.GrainType;
            n0[j] = item.Key.N0;
            n1[j] = item.Key.N1;
            ids[j] = item.Key.IdString;
            idHashes[j] = item.Key.IdHash;
            typeHashes[j] = item.Key.TypeHash;
            expected[j] = item.ExpectedVersion;
            payloads[j] = item.Payload;
            effects[j] = item.Effects;
        }

        var sent = false;
        try
        {
            await using var connection = await _db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand(WriteSql, connection);
            cmd.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
            cmd.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
            cmd.Parameters.Add(new NpgsqlParameter("n0", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = n0 });
            cmd.Parameters.Add(new NpgsqlParameter("n1", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = n1 });
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            cmd.Parameters.Add(new NpgsqlParameter("id_hashes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = idHashes });
            cmd.Parameters.Add(new NpgsqlParameter("type_hashes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = typeHashes });
            cmd.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = expected });
            cmd.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = payloads });
            cmd.Parameters.Add(new NpgsqlParameter("effects", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = effects });
            cmd.Parameters.Add(new NpgsqlParameter<bool>("isolate", isolate));

            var rows = new WriteOutcome[n];
            var seen = 0;
            sent = true;
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var index = order[reader.GetInt32(0) - 1];
                    rows[index] = new WriteOutcome(
                        reader.IsDBNull(1) ? null : reader.GetInt32(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        null);
                    seen++;
                }
                // Reads on to the server's ReadyForQuery, which follows the commit: an error in committing is raised
                // here, and once this returns the batch is durable.
                await reader.NextResultAsync();
            }
            if (seen != n) throw new InvalidOperationException($"flint_write_grain_states returned {seen} rows for {n} writes.");
            return new WriteAttempt(rows, null, false);
        }
        catch (Exception e)
        {
            // An error the server reported for the statement rolled its transaction back; anything else after
            // sending (connection lost, timeout, server shutting down) leaves the outcome unknown.
            var rolledBack = !sent || e is PostgresException { InvariantSeverity: "ERROR" };
            return new WriteAttempt(null, ExceptionDispatchInfo.Capture(e), !rolledBack);
        }
    }

    private static bool IsTransient(string? sqlState) =>
        sqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable;

    /// <summary>The state's side effects as one JSON object, or null when it carries none.</summary>
    private static string? EffectsOf(ObjectState state)
    {
        var related = state.RelatedProjections is { Count: > 0 } r ? r : null;
        var outbox = state.Outbox is { Count: > 0 } o ? o : null;
        var log = state.Log is { Count: > 0 } l ? l : null;
        if (state.Projection is null && related is null && outbox is null && log is null) return null;
        return JsonSerializer.Serialize(new StateEffects(state.Projection, related, outbox, log), FlintJson.Options);
    }

    // ---- reads ----

    private async Task<IReadOnlyList<ReadOutcome>> FlushReads(IReadOnlyList<StorageKey> keys)
    {
        Interlocked.Increment(ref _readStatements);
        var n = keys.Count;
        var types = new string[n];
        var n0 = new long[n];
        var n1 = new long[n];
        var ids = new string[n];
        for (var i = 0; i < n; i++)
        {
            types[i] = keys[i].GrainType;
            n0[i] = keys[i].N0;
            n1[i] = keys[i].N1;
            ids[i] = keys[i].IdString;
        }
        var results = new ReadOutcome[n];
        await using var cmd = _db.CreateCommand(ReadSql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("service", _serviceId));
        cmd.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
        cmd.Parameters.Add(new NpgsqlParameter("n0", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = n0 });
        cmd.Parameters.Add(new NpgsqlParameter("n1", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = n1 });
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var index = reader.GetInt32(0) - 1;
            results[index] = new ReadOutcome(reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetInt32(2));
        }
        return results;
    }

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

    /// <summary>The effects document flint_apply_state_effects reads (snake_case through <see cref="FlintJson.Options"/>).</summary>
    private sealed record StateEffects(
        ProjectionRecord? Projection,
        List<ProjectionRecord>? RelatedProjections,
        List<OutboxEvent>? Outbox,
        List<LogEntry>? Log);

    private readonly record struct WriteItem(StorageKey Key, int? ExpectedVersion, byte[] Payload, string? Effects);

    /// <summary>A write's result: the new version; or the database's refusal; or neither (ETag mismatch);
    /// or the exception that made it fail.</summary>
    private readonly record struct WriteOutcome(int? NewVersion, string? SqlState, string? Message, string? Constraint, Exception? Failure)
    {
        public static WriteOutcome Failed(Exception e) => new(null, null, null, null, e);
    }

    /// <summary>Rows of a statement that committed, or its error and whether it may have committed anyway.</summary>
    private sealed record WriteAttempt(WriteOutcome[]? Rows, ExceptionDispatchInfo? Error, bool MaybeCommitted);

    private readonly record struct ReadOutcome(byte[]? Payload, int? Version);
}

/// <summary>Where a grain state lives in orleans_storage (see the header of deploy/sql/003_orleans_persistence.sql).
/// The split of the grain id is the one of Orleans' ADO.NET grain storage, so rows it wrote are found.</summary>
internal readonly record struct StorageKey(string GrainType, long N0, long N1, string IdString, int IdHash, int TypeHash)
    : IComparable<StorageKey>
{
    public static StorageKey Of(string stateName, GrainId grainId)
    {
        long n0 = 0, n1 = 0;
        string? id;
        if (grainId.TryGetGuidKey(out var guid, out var extension))
        {
            Span<byte> bytes = stackalloc byte[16];
            guid.TryWriteBytes(bytes);
            n0 = BitConverter.ToInt64(bytes[..8]);
            n1 = BitConverter.ToInt64(bytes[8..]);
            id = extension;
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            id = extension;
        }
        else
        {
            id = grainId.Key.ToString();
        }
        return new StorageKey(stateName, n0, n1, id ?? "", unchecked((int)grainId.GetUniformHashCode()), Fnv1a(stateName));
    }

    public int CompareTo(StorageKey other)
    {
        var c = string.CompareOrdinal(GrainType, other.GrainType);
        if (c == 0) c = string.CompareOrdinal(IdString, other.IdString);
        if (c == 0) c = N0.CompareTo(other.N0);
        if (c == 0) c = N1.CompareTo(other.N1);
        return c;
    }

    private static int Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return unchecked((int)hash);
    }
}

/// <summary>Counters of <see cref="FlintGrainStorage"/> since the silo started.</summary>
/// <param name="WritesSubmitted">State writes asked for.</param>
/// <param name="PendingWrites">Writes waiting for their batch to commit right now.</param>
/// <param name="WriteStatements">Write statements run (each one transaction): batches plus writes retried alone.</param>
/// <param name="LargestWriteBatch">Most writes flushed together.</param>
/// <param name="WritesRetriedAlone">Writes that were retried in a transaction of their own.</param>
/// <param name="ReadsSubmitted">State reads asked for.</param>
/// <param name="ReadStatements">Read statements run.</param>
public readonly record struct FlintGrainStorageStats(
    long WritesSubmitted, long PendingWrites, long WriteStatements, long LargestWriteBatch, long WritesRetriedAlone,
    long ReadsSubmitted, long ReadStatements);
