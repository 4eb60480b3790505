using Flint.Abstractions;
using Flint.Domain;
using Orleans.Serialization;
using Orleans.Storage;

namespace Flint.Grains.Common;

/// <summary>
/// Base of every tenant-owned grain. Its <see cref="Change{TResult}"/> is the only way state changes:
/// the mutation runs on a deep copy, the copy (with its projection and outbox events) is written, and only
/// then does it become the grain's state — a failed write leaves the grain exactly as it was.
/// </summary>
public abstract class TenantGrain<TState> : Grain where TState : ObjectState, new()
{
    private readonly IPersistentState<TState> _store;
    private readonly DeepCopier<TState> _copier;

    protected TenantGrain(IPersistentState<TState> store, DeepCopier<TState> copier, TimeProvider clock)
    {
        _store = store;
        _copier = copier;
        Clock = clock;
    }

    protected TimeProvider Clock { get; }
    protected Tenant Tenant { get; private set; } = new("", "");
    protected string ObjectId { get; private set; } = "";
    /// <summary>The state as of the last accepted change (in grouped mode, possibly ahead of what is durable).</summary>
    protected TState State => _working ?? _store.State;
    protected bool Exists => State.Version > 0;

    /// <summary>
    /// Grouped writes, for a hot grain marked [Reentrant]: each change is applied at once to the in-memory state and
    /// its caller waits until a write that contains it is durable; while one write is in flight, the changes that
    /// arrive are collected and persisted together by the next one. Nobody is answered before their change is
    /// durable, and one commit serves a whole burst. Changes must do all their checks before mutating.
    /// </summary>
    protected virtual bool GroupsWrites => false;

    private TState? _working;
    private TaskCompletionSource? _nextBatch;
    private Task? _flusher;

    /// <summary>Now, truncated to the millisecond so every copy of a timestamp (state, projection, API) agrees.</summary>
    protected DateTimeOffset Now
    {
        get
        {
            var t = Clock.GetUtcNow();
            return new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (Tenant, ObjectId) = Tenant.ParseGrainKey(this.GetPrimaryKeyString());
        // Whatever the outbox holds was committed with the state that holds it.
        WithoutEffects(_store.State);
        if (GroupsWrites) _working = _copier.Copy(_store.State);
        return base.OnActivateAsync(cancellationToken);
    }

    /// <param name="bumpVersion">False for bookkeeping writes nobody outside can see (the object's version, which
    /// clients compare, stays; the projection is then left alone by the database's version guard).</param>
    protected async Task<TResult> Change<TResult>(Func<TState, TResult> mutate, bool bumpVersion = true)
    {
        if (_working is not null) return await ChangeGrouped(mutate, bumpVersion);
        var draft = WithoutEffects(_copier.Copy(_store.State));
        // The new version first, so the result and the events recorded by the mutation carry the version being written.
        if (bumpVersion) draft.Version++;
        var result = mutate(draft);
        // The database keeps a projection only if its version is newer, so a write that keeps the version (bookkeeping
        // nobody outside sees) does not send one.
        draft.Projection = bumpVersion ? Project(draft) : null;
        if (await Write(draft) is { } error) throw error;
        return result;
    }

    /// <summary>A bookkeeping write (no new version, so nobody outside sees it), e.g. moving what a state stored by an
    /// older Flint held into log rows.</summary>
    protected Task Bookkeeping(Action<TState> change) => Change(draft =>
    {
        change(draft);
        return 0;
    }, bumpVersion: false);

    private async Task<TResult> ChangeGrouped<TResult>(Func<TState, TResult> mutate, bool bumpVersion)
    {
        // Synchronous up to here: no other call runs between the caller's checks and this change.
        if (bumpVersion) _working!.Version++;
        var result = mutate(_working!);
        _nextBatch ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var durable = _nextBatch.Task;
        if (_flusher is null || _flusher.IsCompleted) _flusher = FlushBatches();
        await durable;
        return result;
    }

    private async Task FlushBatches()
    {
        while (_nextBatch is { } batch)
        {
            _nextBatch = null;
            var snapshot = _copier.Copy(_working!);
            snapshot.Projection = Project(snapshot);
            var written = snapshot.Outbox.Select(e => e.Id).ToHashSet();
            var logged = snapshot.Log?.Select(e => e.Id).ToHashSet();
            if (await Write(snapshot) is { } error)
            {
                // Back to the last durable state; the changes of this batch and of any batch queued behind it (checked
                // against state that is now gone) fail, and nothing of them remains.
                _working = WithoutEffects(_copier.Copy(_store.State));
                batch.SetException(error);
                if (_nextBatch is { } queued)
                {
                    _nextBatch = null;
                    queued.SetException(error);
                }
                return;
            }
            _working!.Outbox.RemoveAll(x => written.Contains(x.Id));
            if (logged is not null) _working.Log?.RemoveAll(x => logged.Contains(x.Id));
            batch.SetResult();
        }
    }

    /// <summary>
    /// Writes <paramref name="next"/> as the grain's state. A failed write leaves the state as it was and comes back as
    /// the client's error (<see cref="DomainErrorOf"/>); a stale etag (e.g. a write that timed out but committed) also
    /// deactivates the grain, so it reloads on its next call.
    /// </summary>
    private async Task<Exception?> Write(TState next)
    {
        var previous = _store.State;
        _store.State = next;
        try
        {
            await _store.WriteStateAsync();
            return null;
        }
        catch (Exception e)
        {
            _store.State = previous;
            OnChangesLost();
            if (e is InconsistentStateException) DeactivateOnIdle();
            return DomainErrorOf(e);
        }
    }

    /// <summary>The state without the side effects a write carried: those were committed with the write that held
    /// them, and a new write carries only its own.</summary>
    private static TState WithoutEffects(TState state)
    {
        state.Outbox.Clear();
        state.RelatedProjections = null;
        state.Log = null;
        return state;
    }

    /// <summary>Changes this grain had applied were lost instead of written (their write failed): the state is back
    /// to the last one written, and what a grain keeps beside its state about those changes must go too. Called in
    /// the turn that found the failure, before anyone hears of it.</summary>
    protected virtual void OnChangesLost()
    {
    }

    /// <summary>Completes once every change applied so far is written or lost: a read of the database then sees all
    /// of them that were written.</summary>
    protected Task Written() => _flusher ?? Task.CompletedTask;

    protected void Record(TState draft, string type, object snapshot)
    {
        draft.Outbox.Add(new OutboxEvent
        {
            Id = FlintId.New(IdPrefix.Event),
            MerchantId = Tenant.MerchantId,
            Environment = Tenant.Environment,
            Type = type,
            CreatedAt = Now,
            Data = "{\"object\":" + FlintJson.Serialize(snapshot) + "}",
        });
    }

    /// <summary>A row of this object's log (<c>flint_object_log</c>), to ride in a write's <c>Log</c>:
    /// <paramref name="withdrawn"/> deletes the row with that id instead of adding one.</summary>
    protected LogEntry LogRow(string kind, string id, DateTimeOffset at, object doc, bool withdrawn = false) =>
        LogRowOfJson(kind, id, at, FlintJson.Serialize(doc), withdrawn);

    /// <summary>A row of this object's log whose document is <paramref name="json"/> as it is.</summary>
    protected LogEntry LogRowOfJson(string kind, string id, DateTimeOffset at, string json, bool withdrawn = false) => new()
    {
        Kind = kind,
        MerchantId = Tenant.MerchantId,
        Environment = Tenant.Environment,
        OwnerId = ObjectId,
        Id = id,
        CreatedAt = at,
        Doc = json,
        Withdrawn = withdrawn,
    };

    /// <summary>The list/search copy of the state, or null for grains nobody lists.</summary>
    protected abstract ProjectionRecord? Project(TState state);

    /// <summary>The list row of an object kept inside this grain's state (an order's payment or refund, a
    /// subscription's invoice), carried by this write (the latest one per object). Its version is the object's own
    /// revision, which grows with each of its changes.</summary>
    protected void SetRelatedProjection(TState s, string kind, string id, long revision, string status, DateTimeOffset createdAt,
        DateTimeOffset updatedAt, object view, string? customerId)
    {
        s.RelatedProjections ??= [];
        s.RelatedProjections.RemoveAll(x => x.Kind == kind && x.Id == id);
        var row = Row(kind, id, revision, view);
        row.Status = status;
        row.CreatedAt = createdAt;
        row.UpdatedAt = updatedAt;
        row.SearchText = string.Join(' ', new[] { id, ObjectId, customerId }.Where(x => x is not null));
        s.RelatedProjections.Add(row);
    }

    protected ProjectionRecord NewProjection(TState state, string kind, object doc) => Row(kind, ObjectId, state.Version, doc);

    /// <summary>A row of flint_objects in this grain's tenant.</summary>
    private ProjectionRecord Row(string kind, string id, long version, object doc) => new()
    {
        Kind = kind,
        MerchantId = Tenant.MerchantId,
        Environment = Tenant.Environment,
        Id = id,
        Version = version,
        Doc = FlintJson.Serialize(doc),
    };

    protected static DomainException NotFound(string what) => DomainException.NotFound($"No such {what}.");

    /// <summary>How long until <paramref name="at"/> on this grain's clock, zero once it has passed: a reminder's first
    /// due time.</summary>
    protected TimeSpan DueIn(DateTimeOffset at)
    {
        var due = at - Clock.GetUtcNow();
        return due < TimeSpan.Zero ? TimeSpan.Zero : due;
    }

    /// <summary>Unregisters this grain's reminder named <paramref name="name"/>, when there is one.</summary>
    protected async Task ForgetReminder(string name)
    {
        if (await this.GetReminder(name) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>A refused write that has a business meaning, as the client's error; any other failure as it is. The
    /// storage raises <see cref="UniqueValueTakenException"/>; Orleans may wrap it on the way.</summary>
    private static Exception DomainErrorOf(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is not UniqueValueTakenException taken) continue;
            return taken.What switch
            {
                UniqueValue.Sku => DomainException.Conflict("SKU_ALREADY_EXISTS", $"SKU '{taken.Value}' is already used by another variant or bundle.", "sku"),
                UniqueValue.CouponCode => DomainException.Conflict("COUPON_CODE_EXISTS", "Another coupon already uses this code.", "code"),
                _ => e,
            };
        }
        return e;
    }
}
