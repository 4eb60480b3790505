using System.Text.Json.Nodes;
using Orleans.Concurrency;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Domain.Inventory;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Inventory;

/// <summary>
/// The stock of one variant. Every change — adjustment, reservation, commit, release, expiry — goes through
/// this grain one at a time, so "never below zero" needs no lock.
/// <para>A reservation is a hold in memory, not a durable change: reserving and releasing write nothing, only the
/// commit (the sale) is written, and no caller hears of a sale before it is durable. This is safe because a pay
/// saga never relies on its hold surviving a restart: its plan is durable in the order, and if the hold is gone
/// when it commits (expired, or lost with the process) it takes the stock again if it is there, or gives the money
/// back — see the order's commit step. Holds stop counting the moment they expire (availability is computed
/// against the clock) and are dropped by a timer that keeps the grain active while it holds anything.</para>
/// The history of changes is not kept in the
/// state (it would make every write of a busy variant bigger): each change is a row of flint_object_log written in
/// the same transaction as the stock it changed (the <see cref="ObjectState.Log"/> effect). Nor are the reservations
/// it sold: a sale's row names its reservation (<see cref="IFinishedReservations"/>), the proof that a saga repeating
/// its commit after a crash, however many sales later, already has its stock. Recent reservations, and any made after
/// the newest that ever finished, are known from memory (<see cref="RecentRows{T}"/>); only an older one is looked up.
/// </summary>
[Reentrant]
public sealed class VariantInventoryGrain(
    [PersistentState("inventory", StorageNames.Flint)] IPersistentState<InventoryState> store,
    DeepCopier<InventoryState> copier,
    TimeProvider clock,
    IFinishedReservations finishedReservations) : TenantGrain<InventoryState>(store, copier, clock), IVariantInventoryGrain, IRemindable
{
    /// <summary>Idempotency keys of restocks kept in the state.</summary>
    public const int AppliedChangesKept = 10_000;

    /// <summary>The hot grain of a flash sale: one commit per burst of sales, not one per sale.</summary>
    protected override bool GroupsWrites => true;
    /// <summary>Only states written before holds moved to memory have this reminder; it is dropped when it fires.</summary>
    private const string LegacyExpiryReminder = "reservation-expiry";
    /// <summary>Reservations remembered per half of the window: a saga commits, releases or repeats within seconds,
    /// and a catalog has many variants, each keeping its own.</summary>
    private const int RecentReservationsKept = 512;
    private IGrainTimer? _expiryTimer;
    private readonly Dictionary<string, ReservationState> _held = [];
    /// <summary>How recent reservations ended: sold (also a row), or released or expired (memory only), so a late
    /// repeat gets the same answer; null for one known never to have finished.</summary>
    private readonly RecentRows<ReservationOutcome?> _finished = new(RecentReservationsKept, keysCarryTime: true);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // A state from before holds moved to memory may still carry durable reservations: they keep holding stock
        // until they expire, and leave the state with its next write.
        foreach (var (id, r) in State.Reservations) _held[id] = r;
        State.Reservations.Clear();
        // A state from before finished reservations were rows: they move to the object log now.
        if (State.Finished.Count > 0) await Bookkeeping(MoveFinishedToLog);
        _finished.Cover(State.FinishedReservationsMadeUpTo);
        ScheduleExpiryTimer();
    }

    public async Task<StockView> Configure(VariantPolicy policy, long initialQuantity, string? actor)
    {
        if (Exists && State.ProductId != policy.ProductId) throw NotFound("variant");
        if (Exists && State.EnforceLimit == policy.EnforceInventoryLimit && State.Sellable == policy.Sellable)
            return View(State);
        var first = !Exists;
        return await Change(draft =>
        {
            draft.ProductId = policy.ProductId;
            draft.EnforceLimit = policy.EnforceInventoryLimit;
            draft.Sellable = policy.Sellable;
            draft.UpdatedAt = Now;
            if (first) draft.CreatedAt = draft.UpdatedAt;
            if (first && initialQuantity != 0)
                Apply(draft, initialQuantity, "received_stock", "initial quantity", actor, reference: null);
            return View(draft);
        });
    }

    public Task<StockView> GetStock(string? productId = null)
    {
        EnsureVariant(productId);
        return Task.FromResult(View(State));
    }

    public async Task<InventoryAdjustmentResult> Adjust(string productId, InventoryAdjustmentRequest request, string? actor)
    {
        EnsureVariant(productId);
        if (request.QuantityDelta is null)
            throw DomainException.Missing("quantity_delta");
        if (request.ChangeReason is null)
            throw DomainException.Missing("change_reason");
        var delta = request.QuantityDelta.Value;
        Validation.RequireRange(delta, -1_000_000_000, 1_000_000_000, "quantity_delta");
        var reason = SnakeCase.ToSnake(Validation.ParseSnakeEnum<InventoryChangeReason>(request.ChangeReason, "change_reason").ToString());
        if (request.Note is not null) Validation.RequireLength(request.Note, "note", 0, 500);
        Ledger(State, Clock.GetUtcNow()).Adjust(delta); // throws INSUFFICIENT_INVENTORY / INVALID_QUANTITY_DELTA before anything changes

        return await Change(draft =>
        {
            var change = Apply(draft, delta, reason, request.Note is "" ? null : request.Note, actor, reference: null);
            return new InventoryAdjustmentResult(ToView(change), View(draft));
        });
    }

    public async Task<StockView> Reserve(string reservationId, long quantity, DateTimeOffset expiresAt)
    {
        // Each pass either answers, holds, or waits for what it needs to know and looks again: after a wait anything
        // may have changed, so every check is made anew in the turn that holds the stock.
        while (true)
        {
            EnsureVariant(null);
            var now = Clock.GetUtcNow();
            if (_held.TryGetValue(reservationId, out var held))
            {
                if (held.ExpiresAt > now) return View(State);
                throw AlreadyFinished(reservationId, ReservationOutcome.Expired);
            }
            if (_finished.Settle(reservationId, out var finished, LookUpFinished) is { } wait)
            {
                await wait;
                continue;
            }
            if (finished is { } outcome) throw AlreadyFinished(reservationId, outcome);
            if (quantity < 1) throw DomainException.Invalid("INVALID_QUANTITY", "A reservation is for at least 1 unit.", "quantity");
            if (!State.Sellable) throw DomainException.Conflict("ITEM_NOT_SELLABLE", "This variant is not for sale.");
            if (expiresAt <= now) throw DomainException.Invalid("INVALID_EXPIRY", "A reservation must expire in the future.", "expires_at");
            if (State.EnforceLimit && Available(State, now) < quantity)
                throw DomainException.Conflict("INSUFFICIENT_INVENTORY", $"Only {Math.Max(0, Available(State, now))} available.");

            DropExpired(now);
            _held[reservationId] = new ReservationState { Quantity = quantity, ExpiresAt = expiresAt };
            ScheduleExpiryTimer();
            return View(State);
        }
    }

    public async Task<StockView> Commit(string reservationId, string changeReason, string? reference)
    {
        while (true)
        {
            EnsureVariant(null);
            var now = Clock.GetUtcNow();
            // A live hold was granted to a reservation known not to have finished (and its commit, once begun, takes it
            // away): the common case needs no look-up.
            if (!_held.TryGetValue(reservationId, out var r) || r.ExpiresAt <= now)
            {
                if (_finished.Settle(reservationId, out var finished, LookUpFinished) is { } wait)
                {
                    await wait;
                    continue;
                }
                // Sold already: a recovering saga repeating its commit gets the same answer and takes nothing more.
                if (finished == ReservationOutcome.Committed) return View(State);
                if (finished == ReservationOutcome.Released) throw AlreadyFinished(reservationId, ReservationOutcome.Released);
                throw DomainException.Conflict("RESERVATION_NOT_FOUND", $"No active reservation {reservationId}.");
            }
            var reason = SnakeCase.ToSnake(Validation.ParseSnakeEnum<InventoryChangeReason>(changeReason, "change_reason").ToString());
            // Off the holds in the same turn as the stock leaves, so nobody counts these units twice meanwhile.
            _held.Remove(reservationId);
            try
            {
                return await _finished.Writing(reservationId, Change(draft =>
                {
                    var sale = Apply(draft, -r.Quantity, reason, note: null, actor: null, reference ?? reservationId);
                    Finish(draft, sale, reservationId);
                    return View(draft);
                }));
            }
            catch
            {
                // Not sold after all (the write failed): the hold is still the caller's until it expires.
                _held.TryAdd(reservationId, r);
                throw;
            }
            finally
            {
                ScheduleExpiryTimer();
            }
        }
    }

    public Task<StockView> Release(string reservationId)
    {
        EnsureVariant(null);
        if (_held.Remove(reservationId))
        {
            _finished.Set(reservationId, ReservationOutcome.Released);
            ScheduleExpiryTimer();
        }
        return Task.FromResult(View(State));
    }

    public async Task<StockView> Restock(string changeKey, long quantity, string changeReason, string? reference)
    {
        EnsureVariant(null);
        if (State.AppliedChanges.ContainsKey(changeKey)) return View(State);
        Validation.RequireRange(quantity, 1, 1_000_000_000, "quantity");
        var reason = SnakeCase.ToSnake(Validation.ParseSnakeEnum<InventoryChangeReason>(changeReason, "change_reason").ToString());
        return await Change(draft =>
        {
            Apply(draft, quantity, reason, note: null, actor: null, reference);
            draft.AppliedChanges[changeKey] = Now;
            if (draft.AppliedChanges.Count > AppliedChangesKept)
                foreach (var old in draft.AppliedChanges.OrderBy(kv => kv.Value).Take(draft.AppliedChanges.Count - AppliedChangesKept).ToList())
                    draft.AppliedChanges.Remove(old.Key);
            return View(draft);
        });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != LegacyExpiryReminder) return;
        await ForgetReminder(LegacyExpiryReminder);
    }

    private void DropExpired(DateTimeOffset now)
    {
        foreach (var (id, _) in _held.Where(kv => kv.Value.ExpiresAt <= now).ToList())
        {
            _held.Remove(id);
            _finished.Set(id, ReservationOutcome.Expired);
        }
    }

    protected override void OnChangesLost() => _finished.ForgetAll();

    private Task LookUpFinished(string reservationId) =>
        _finished.LookUp(reservationId, Written(), () => finishedReservations.OutcomeOf(Tenant, ObjectId, reservationId, CancellationToken.None));

    private void ScheduleExpiryTimer()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (_held.Count == 0) return;
        var due = _held.Values.Min(r => r.ExpiresAt) - Clock.GetUtcNow();
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        // KeepAlive: holds live in this activation, so it must not be collected while it has any.
        _expiryTimer = this.RegisterGrainTimer(_ =>
        {
            DropExpired(Clock.GetUtcNow());
            ScheduleExpiryTimer();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(due + TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>The sale's history row names the reservation it committed: the proof a repeated commit finds (see
    /// <see cref="IFinishedReservations"/>), at the cost of one index entry rather than a row of its own.</summary>
    private void Finish(InventoryState s, InventoryChangeState sale, string reservationId)
    {
        var row = s.Log!.Last(r => r.Id == sale.Id);
        var doc = JsonNode.Parse(row.Doc)!.AsObject();
        doc[IFinishedReservations.SaleReservationField] = reservationId;
        row.Doc = doc.ToJsonString();
        s.FinishedReservationsMadeUpTo = KeyTime.Covering(s.FinishedReservationsMadeUpTo, reservationId);
        _finished.Set(reservationId, ReservationOutcome.Committed);
    }

    /// <summary>Rows of their own (their sales, if any, did not name them); released and expired ones too: they were
    /// durable when holds were.</summary>
    private void MoveFinishedToLog(InventoryState s)
    {
        foreach (var (reservationId, f) in s.Finished)
        {
            (s.Log ??= []).Add(FinishedRow(reservationId, f.Outcome, f.Quantity, f.At));
            s.FinishedReservationsMadeUpTo = KeyTime.Covering(s.FinishedReservationsMadeUpTo, reservationId);
        }
        s.Finished = [];
    }

    private LogEntry FinishedRow(string reservationId, ReservationOutcome outcome, long quantity, DateTimeOffset at) =>
        LogRow(IFinishedReservations.LogKind, reservationId, at, new FinishedReservationRow(outcome, quantity));

    private static DomainException AlreadyFinished(string reservationId, ReservationOutcome outcome) =>
        DomainException.Conflict("RESERVATION_FINISHED", $"Reservation {reservationId} was already {SnakeCase.ToSnake(outcome)}.");

    private InventoryChangeState Apply(InventoryState s, long delta, string reason, string? note, string? actor, string? reference)
    {
        var change = new InventoryChangeState
        {
            Id = FlintId.New(IdPrefix.InventoryChange),
            QuantityDelta = delta,
            ChangeReason = reason,
            QuantityBefore = s.OnHand,
            QuantityAfter = checked(s.OnHand + delta),
            Note = note,
            Actor = actor,
            Reference = reference,
            CreatedAt = Now,
        };
        s.OnHand = change.QuantityAfter;
        s.Log ??= [];
        if (s.History.Count > 0)
        {
            // A state from before the log table: its history moves there with this write.
            s.Log.AddRange(s.History.Select(LogEntryOf));
            if (s.CreatedAt == default) s.CreatedAt = s.History[0].CreatedAt;
            s.History.Clear();
        }
        s.Log.Add(LogEntryOf(change));
        s.UpdatedAt = change.CreatedAt;
        Record(s, "inventory.adjusted", new { change = ToView(change), stock = View(s) });
        return change;
    }

    private LogEntry LogEntryOf(InventoryChangeState c) => LogRow(InventoryProjection.ChangeLogKind, c.Id, c.CreatedAt, ToView(c));

    private StockLedger Ledger(InventoryState s, DateTimeOffset now) => new(s.OnHand, Held(now), s.EnforceLimit);

    private long Held(DateTimeOffset now) => _held.Values.Where(r => r.ExpiresAt > now).Sum(r => r.Quantity);

    private long Available(InventoryState s, DateTimeOffset now) => Ledger(s, now).Available;

    private void EnsureVariant(string? productId)
    {
        if (!Exists || (productId is not null && State.ProductId != productId)) throw NotFound("variant");
    }

    private StockView View(InventoryState s)
    {
        var reserved = Held(Clock.GetUtcNow());
        return new StockView
        {
            VariantId = ObjectId,
            ProductId = s.ProductId ?? "",
            QuantityOnHand = s.OnHand,
            QuantityReserved = reserved,
            QuantityAvailable = s.OnHand - reserved,
            EnforceInventoryLimit = s.EnforceLimit,
            Sellable = s.Sellable,
            UpdatedAt = s.UpdatedAt,
        };
    }

    private InventoryChangeView ToView(InventoryChangeState c) => new()
    {
        InventoryChangeId = c.Id,
        VariantId = ObjectId,
        QuantityDelta = c.QuantityDelta,
        ChangeReason = c.ChangeReason,
        QuantityBefore = c.QuantityBefore,
        QuantityAfter = c.QuantityAfter,
        Note = c.Note,
        Actor = c.Actor,
        Reference = c.Reference,
        CreatedAt = c.CreatedAt,
    };

    protected override ProjectionRecord Project(InventoryState s)
    {
        var view = View(s);
        var p = NewProjection(s, InventoryProjection.Kind, view);
        p.Status = s.Sellable ? InventoryProjection.Sellable : InventoryProjection.NotSellable;
        p.CreatedAt = s.CreatedAt != default ? s.CreatedAt : s.History.Count > 0 ? s.History[0].CreatedAt : s.UpdatedAt;
        p.UpdatedAt = s.UpdatedAt;
        return p;
    }
}
