using Flint.Domain;

namespace Flint.Grains.Common;

/// <summary>
/// What a grain knows, without asking the database, about rows it keeps by key in its object log (a coupon's
/// redemptions by order, a variant's finished reservations): the values of the keys it changed or looked up lately, in
/// a window of bounded size; and, where keys are made of Flint ids (which carry the time they were made), that a key
/// made after the <em>horizon</em> has no row at all, for every key with a row outside the window was made at or before
/// it. Orders and reservations reach these grains just after they are made, so the hot path reads nothing; an old one
/// (a retry, a recovery) costs one look-up.
/// </summary>
/// <remarks>
/// The window follows the grain's applied changes, written or not; when changes are lost (<see cref="ForgetAll"/>) it
/// starts again from the horizon. A look-up reads only after everything applied before it is written, and keeps what
/// it read only if the key did not change meanwhile; otherwise the caller asks again.
/// </remarks>
/// <typeparam name="T">What a key's row says; <c>default</c> for a key known to have none.</typeparam>
internal sealed class RecentRows<T>(int capacity, bool keysCarryTime)
{
    private Dictionary<string, T> _newer = new(StringComparer.Ordinal);
    private Dictionary<string, T> _older = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lookingUp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _writing = new(StringComparer.Ordinal);
    /// <summary>Every key with a row that is not in the window was made at or before this (null: no such key).</summary>
    private DateTimeOffset? _horizon;
    /// <summary>Moves whenever a key being looked up changes, or the window is forgotten: a read begun before is stale.</summary>
    private long _epoch;

    /// <summary>The value of a key in the window.</summary>
    public bool TryGet(string key, out T value) => _newer.TryGetValue(key, out value!) || _older.TryGetValue(key, out value!);

    /// <summary>A key's value, when it is known without a read: in the window, or <c>default</c> (no row) when the key
    /// was made after the horizon.</summary>
    public bool TryKnow(string key, out T? value)
    {
        if (TryGet(key, out var known))
        {
            value = known;
            return true;
        }
        value = default;
        return keysCarryTime && KeyTime.Of(key) is { } made && !(made <= _horizon);
    }

    public void Set(string key, T value)
    {
        if (_lookingUp.ContainsKey(key)) _epoch++;
        _older.Remove(key);
        _newer[key] = value;
        if (_newer.Count < capacity) return;
        // The older half leaves; the horizon moves over its keys.
        Cover(_older.Keys);
        _older.Clear();
        (_older, _newer) = (_newer, _older);
    }

    /// <summary>Moves the horizon over a key made at <paramref name="made"/> that has a row the window does not hold
    /// (on activation: the newest key the grain's state says ever had one).</summary>
    public void Cover(DateTimeOffset? made)
    {
        if (made is { } m && !(m <= _horizon)) _horizon = m;
    }

    /// <summary>Forgets every key: after changes were lost, what the window says may not be what was written.</summary>
    public void ForgetAll()
    {
        Cover(_newer.Keys);
        Cover(_older.Keys);
        _newer.Clear();
        _older.Clear();
        _epoch++;
    }

    /// <summary>Reads the key's row and keeps what it says, unless the key changed meanwhile (the caller then asks
    /// again). <paramref name="written"/> completes once every change applied so far is written: one that left the
    /// window unwritten would be missed by the read.</summary>
    public async Task LookUp(string key, Task written, Func<Task<T>> read)
    {
        _lookingUp[key] = _lookingUp.GetValueOrDefault(key) + 1;
        try
        {
            var epoch = _epoch;
            // Written or lost alike: the read then sees what was written.
            await Task.WhenAny(written);
            var row = await read();
            if (epoch == _epoch && !TryGet(key, out _)) Set(key, row);
        }
        finally
        {
            if (--_lookingUp[key] == 0) _lookingUp.Remove(key);
        }
    }

    /// <summary>
    /// Null when the key's value is known now without a read (in <paramref name="value"/>) and no change of it is being
    /// written; otherwise what to await before asking again: that change's write (so one write never carries two
    /// entries for one row, and nobody is told of a change before it is written), or a look-up through
    /// <paramref name="lookUp"/>. After the wait anything may have changed: the caller checks everything anew.
    /// </summary>
    public Task? Settle(string key, out T? value, Func<string, Task> lookUp)
    {
        value = default;
        if (_writing.TryGetValue(key, out var write)) return Task.WhenAny(write);
        return TryKnow(key, out value) ? null : lookUp(key);
    }

    /// <summary>Awaits the write of a change of <paramref name="key"/>; until it is done, <see cref="Settle"/> waits
    /// for it.</summary>
    public async Task<TResult> Writing<TResult>(string key, Task<TResult> write)
    {
        _writing[key] = write;
        try
        {
            return await write;
        }
        finally
        {
            if (_writing.TryGetValue(key, out var current) && current == write) _writing.Remove(key);
        }
    }

    private void Cover(IEnumerable<string> keys)
    {
        if (!keysCarryTime) return;
        foreach (var key in keys) Cover(KeyTime.Of(key));
    }
}

/// <summary>When a key made of Flint ids was made, by the ids' own clock.</summary>
internal static class KeyTime
{
    /// <summary>The newest creation time among the Flint ids a key is made of (<c>ord_…</c>, <c>ord_…:pay_…</c>), or
    /// null when no part of it is one (such a key is always looked up).</summary>
    public static DateTimeOffset? Of(string key)
    {
        DateTimeOffset? newest = null;
        foreach (var part in key.Split(':'))
        {
            var underscore = part.IndexOf('_');
            if (underscore > 0 && FlintId.TryGetTimestamp(part, part[..underscore], out var made) && !(made <= newest)) newest = made;
        }
        return newest;
    }

    /// <summary><paramref name="upTo"/>, moved over the time <paramref name="key"/> was made where that is later.</summary>
    public static DateTimeOffset? Covering(DateTimeOffset? upTo, string key) => Of(key) is { } made && !(made <= upTo) ? made : upTo;
}
