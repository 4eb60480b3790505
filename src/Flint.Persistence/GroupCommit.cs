using System.Diagnostics;
using System.Diagnostics.Metrics;
using Flint.Abstractions;

namespace Flint.Persistence;

/// <summary>
/// Group commit for small database writes that many requests make at once (grain state writes, idempotency
/// records): items submitted while a flush is in flight wait and go together in the next one, so a burst of N
/// writes costs a few transactions instead of N. Every caller is answered only after the flush holding its item
/// has finished — nobody hears "done" before their write is durable.
/// </summary>
/// <remarks>
/// The flush gets the items in submission order and returns one result per item, in the same order. A flush
/// that throws fails every item of its batch with that exception (items of other batches are unaffected).
/// With <c>maxInFlight</c> &gt; 1 several batches can be flushed at once (on separate connections); items
/// are then not ordered across batches, which is fine for writes of different rows.
/// </remarks>
internal sealed class GroupCommit<TItem, TResult>
{
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _flush;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly KeyValuePair<string, object?> _group;
    private readonly object _gate = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done, long Queued)> _queue = [];
    private int _inFlight;

    public GroupCommit(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> flush, int maxBatch = 128, int maxInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _flush = flush;
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
        _group = new("group", GroupCommitMetrics.GroupOf(flush));
    }

    public Task<TResult> Submit(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add((item, done, Stopwatch.GetTimestamp()));
            start = _inFlight < _maxInFlight;
            if (start) _inFlight++;
        }
        if (start) _ = Task.Run(Drain);
        return done.Task;
    }

    /// <summary>One flusher: takes what is queued, flushes it, and goes on while there is more.</summary>
    private async Task Drain()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done, long Queued)> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }
                if (_queue.Count <= _maxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, _maxBatch);
                    _queue.RemoveRange(0, _maxBatch);
                }
            }
            var flushStarted = Stopwatch.GetTimestamp();
            GroupCommitMetrics.Batch(batch.Count, flushStarted, batch.Select(b => b.Queued), _group);
            try
            {
                var results = await _flush(batch.Select(b => b.Item).ToList());
                GroupCommitMetrics.Flushed(flushStarted, _group);
                if (results.Count != batch.Count)
                    throw new InvalidOperationException($"A group flush returned {results.Count} results for {batch.Count} items.");
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var b in batch) b.Done.TrySetException(e);
            }
        }
    }
}

/// <summary>
/// The group commits' instruments (meter <see cref="FlintMeter.Name"/>), tagged <c>group</c> with the flush that
/// owns them (<c>FlintGrainStorage.FlushWrites</c>, <c>IdempotencyRecords.FlushClaims</c>, …): how many items a flush
/// carries, how long an item queues for its flush, and how long a flush takes. Together they say whether a silo's
/// writes are being grouped (batches above 1) and what the grouping costs each caller (wait + flush).
/// </summary>
internal static class GroupCommitMetrics
{
    private static readonly Histogram<int> BatchSize = FlintMeter.Instance.CreateHistogram("flint.group_commit.batch_size", "{item}",
        "Items written by one group flush.", tags: null,
        new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    private static readonly Histogram<double> Wait = FlintMeter.Seconds("flint.group_commit.wait",
        "Time an item waited in the queue for the flush that carried it (a flush already in flight holds the next group back).");

    private static readonly Histogram<double> Flush = FlintMeter.Seconds("flint.group_commit.flush.duration",
        "Time one group flush took (statement and commit).");

    /// <summary>The flush method's type and name: stable, readable, and chosen without any caller passing a name.</summary>
    public static string GroupOf(Delegate flush) => $"{flush.Method.DeclaringType?.Name}.{flush.Method.Name}";

    public static void Batch(int size, long flushStarted, IEnumerable<long> queuedAt, KeyValuePair<string, object?> group)
    {
        BatchSize.Record(size, group);
        if (!Wait.Enabled) return;
        foreach (var queued in queuedAt) Wait.Record(Stopwatch.GetElapsedTime(queued, flushStarted).TotalSeconds, group);
    }

    public static void Flushed(long flushStarted, KeyValuePair<string, object?> group) =>
        Flush.Record(Stopwatch.GetElapsedTime(flushStarted).TotalSeconds, group);
}
