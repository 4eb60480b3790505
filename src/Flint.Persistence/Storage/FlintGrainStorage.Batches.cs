using System.Runtime.ExceptionServices;
using System.Text.Json;
using Flint.Abstractions;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Flint.Persistence.Storage;

// The batches behind FlintGrainStorage's reads and writes: one statement (one transaction) per group of concurrent
// writes, the isolated retry when one fails, the alone retry after a deadlock, and the grouped reads.
public sealed partial class FlintGrainStorage
{
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
                        reader.IsDBNull(5) ? null : reader.GetString(5),
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

    /// <summary>The effects document flint_apply_state_effects reads (snake_case through <see cref="FlintJson.Options"/>).</summary>
    private sealed record StateEffects(
        ProjectionRecord? Projection,
        List<ProjectionRecord>? RelatedProjections,
        List<OutboxEvent>? Outbox,
        List<LogEntry>? Log);

    private readonly record struct WriteItem(StorageKey Key, int? ExpectedVersion, byte[] Payload, string? Effects);

    /// <summary>A write's result: the new version; or the database's refusal (with its DETAIL, which names the value
    /// refused when the refusal is a SKU clash); or neither (ETag mismatch); or the exception that made it fail.</summary>
    private readonly record struct WriteOutcome(int? NewVersion, string? SqlState, string? Message, string? Constraint, string? Detail, Exception? Failure)
    {
        public static WriteOutcome Failed(Exception e) => new(null, null, null, null, null, e);
    }

    /// <summary>Rows of a statement that committed, or its error and whether it may have committed anyway.</summary>
    private sealed record WriteAttempt(WriteOutcome[]? Rows, ExceptionDispatchInfo? Error, bool MaybeCommitted);

    private readonly record struct ReadOutcome(byte[]? Payload, int? Version);
}
