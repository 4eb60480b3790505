using Flint.Abstractions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Orleans.Serialization;

namespace Flint.Grains.Common;

/// <summary>
/// The lifecycle every catalog-style object shares, written once: created once per id (a retried create answers with
/// what exists), read, changed by sparse updates, deleted for good. Every change stamps <c>updated_at</c>, bumps the
/// version and records <c>{kind}.{change}</c> with the object as it now is, in the same write. A grain states only
/// what differs: its <see cref="Kind"/>, how it shows its object (<see cref="Viewer"/>), how a request becomes fields,
/// and, where it differs, what deleting means.
/// </summary>
public abstract class CatalogGrain<TState, TView>(IPersistentState<TState> store, DeepCopier<TState> copier, TimeProvider clock)
    : TenantGrain<TState>(store, copier, clock)
    where TState : CatalogObjectState, new()
    where TView : class
{
    /// <summary>The kind's snake_case name: the prefix of its events (<c>modifier_set.updated</c>), its projection kind,
    /// and, with spaces, the noun of its errors ("No such modifier set.", <c>MODIFIER_SET_DELETED</c>).</summary>
    protected abstract string Kind { get; }

    /// <summary>
    /// How the object is shown, made ready before a change: products and bundles read live stock first (a grain calls
    /// no other grain in the middle of a change). The others answer synchronously, which a grain that groups writes
    /// relies on: its checks and its change then run in one turn.
    /// </summary>
    protected abstract ValueTask<Func<TState, TView>> Viewer();

    /// <summary>True where a deleted object reads as missing everywhere (customers, as in Stripe); otherwise it stays
    /// readable and refuses edits with <c>{KIND}_DELETED</c>.</summary>
    protected virtual bool DeletedReadsAsMissing => false;

    private string Noun => Kind.Replace('_', ' ');

    public virtual async Task<TView> Get()
    {
        EnsureExists();
        return await Current();
    }

    /// <summary>Permanent, and the object is kept (orders still point at it); deleting it again answers with it.</summary>
    public virtual async Task<TView> Delete()
    {
        EnsureExists();
        if (State.Status == CatalogStatus.Deleted) return await Current();
        return await Save("deleted", MarkDeleted);
    }

    protected virtual void MarkDeleted(TState draft) => draft.Status = CatalogStatus.Deleted;

    protected virtual DomainException DeletedConflict() =>
        DomainException.Conflict($"{Kind.ToUpperInvariant()}_DELETED", $"This {Noun} is deleted; deletion is permanent.");

    /// <summary>The object as it is, whatever its status.</summary>
    protected async Task<TView> Current() => WithCreator((await Viewer())(State), State);

    /// <summary>Every view of the object, its list row and its events name who created it.</summary>
    private static TView WithCreator(TView view, TState s) =>
        view is CatalogObjectView v && s.CreatedBy is not null ? (TView)(object)(v with { CreatedBy = s.CreatedBy }) : view;

    protected void EnsureExists()
    {
        if (!Exists || (DeletedReadsAsMissing && State.Status == CatalogStatus.Deleted)) throw NotFound(Noun);
    }

    protected void EnsureEditable()
    {
        EnsureExists();
        if (State.Status == CatalogStatus.Deleted) throw DeletedConflict();
    }

    /// <summary>Writes the object's first state: <paramref name="apply"/> sets its fields, both timestamps are
    /// <paramref name="now"/>.</summary>
    protected Task<TView> SaveNew(Action<TState> apply, DateTimeOffset now, Func<TState, TView>? viewer = null) =>
        Save("created", draft =>
        {
            apply(draft);
            draft.CreatedAt = now;
            draft.CreatedBy = Actors.Current;
        }, viewer, now);

    /// <summary>
    /// One change of the object in one write: <paramref name="mutate"/>, then <c>updated_at</c> (<paramref name="at"/>,
    /// or now), and the <c>{kind}.{change}</c> event with the object as the answer shows it. With
    /// <paramref name="viewer"/> given or answered synchronously, nothing here yields before the change is applied.
    /// </summary>
    protected async Task<TView> Save(string change, Action<TState> mutate, Func<TState, TView>? viewer = null, DateTimeOffset? at = null) =>
        await SaveAs(change, mutate, WithCreator(viewer ?? await Viewer()), at);

    private static Func<TState, TView> WithCreator(Func<TState, TView> viewer) => s => WithCreator(viewer(s), s);

    /// <summary><see cref="Save"/> for a change shown as a part of the object (a customer's saved card): the event
    /// and the answer carry <paramref name="show"/>'s view.</summary>
    protected Task<T> SaveAs<T>(string change, Action<TState> mutate, Func<TState, T> show, DateTimeOffset? at = null) where T : class
    {
        var eventType = $"{Kind}.{change}";
        return Change(draft =>
        {
            mutate(draft);
            draft.UpdatedAt = at ?? Now;
            var view = show(draft);
            Record(draft, eventType, view);
            return view;
        });
    }

    /// <summary>The row lists and search read: the object's name, status and timestamps, and the text search matches.</summary>
    protected ProjectionRecord CatalogProjection(TState s, TView view, string? name, string searchText)
    {
        var p = NewProjection(s, Kind, WithCreator(view, s));
        p.Name = name;
        p.Status = SnakeCase.ToSnake(s.Status);
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = searchText;
        return p;
    }
}
