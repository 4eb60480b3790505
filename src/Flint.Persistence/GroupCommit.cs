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
    private readonly object _gate = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _queue = [];
    private int _inFlight;

    public GroupCommit(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> flush, int maxBatch = 128, int maxInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _flush = flush;
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
    }

    public Task<TResult> Submit(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add((item, done));
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
            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
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
            try
            {
                var results = await _flush(batch.Select(b => b.Item).ToList());
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
