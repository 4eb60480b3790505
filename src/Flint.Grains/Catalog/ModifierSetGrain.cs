using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Catalog;

[GenerateSerializer, Alias("flint.catalog.modifier_set_state")]
public sealed class ModifierSetState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public int MinSelections { get; set; }
    [Id(2)] public int MaxSelections { get; set; }
    /// <summary>Stored as the API shows them: an option is one value, with one type.</summary>
    [Id(3)] public List<ModifierOptionView> Options { get; set; } = [];
    [Id(4)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
}

/// <summary>A set of options (e.g. "Milk": oat +0.50, soy +0.40) a buyer picks from when a product or bundle
/// it is assigned to is ordered, between min and max selections.</summary>
public sealed class ModifierSetGrain(
    [PersistentState("modifier_set", StorageNames.Flint)] IPersistentState<ModifierSetState> store,
    DeepCopier<ModifierSetState> copier,
    TimeProvider clock) : CatalogGrain<ModifierSetState, ModifierSetView>(store, copier, clock), IModifierSetGrain
{
    public const int MaxOptions = 50;

    protected override string Kind => ModifierSetProjection.Kind;

    public async Task<ModifierSetView> Create(ModifierSetRequest r)
    {
        if (Exists) return await Current();
        return await SaveNew(Resolve(r, current: null), Now);
    }

    public Task<ModifierSetView> Update(ModifierSetRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.MinSelections is null && r.MaxSelections is null && r.Options is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        return Save("updated", Resolve(r, State));
    }

    public Task EnsureAssignable()
    {
        if (!Exists || State.Status == CatalogStatus.Deleted)
            throw DomainException.Invalid("INVALID_MODIFIER_SET", $"Modifier set {ObjectId} does not exist.", "modifier_set_ids");
        return Task.CompletedTask;
    }

    // The message modifier sets have always answered with (the other kinds add "deletion is permanent").
    protected override DomainException DeletedConflict() =>
        DomainException.Conflict("MODIFIER_SET_DELETED", "This modifier set is deleted.");

    protected override ValueTask<Func<ModifierSetState, ModifierSetView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(ModifierSetState s) =>
        CatalogProjection(s, ToView(s), s.Name, CatalogInput.SearchText([ObjectId, s.Name], s.Options.Select(o => o.Name)));

    /// <summary>The set's fields after <paramref name="r"/> (on create, <paramref name="current"/> is null), validated
    /// as a whole: a sparse update must leave min ≤ max ≤ options.</summary>
    private static Action<ModifierSetState> Resolve(ModifierSetRequest r, ModifierSetState? current)
    {
        var name = r.Name is null && current is not null ? current.Name : CatalogInput.Name(r.Name);
        var options = r.Options is null && current is not null ? current.Options : Options(r.Options ?? [], current?.Options ?? []);
        var min = r.MinSelections ?? current?.MinSelections ?? 0;
        var max = r.MaxSelections
            ?? (current is null ? options.Count : r.Options is null ? current.MaxSelections : Math.Min(current.MaxSelections, options.Count));
        ModifierSetRules.ValidateDefinition(min, max, options.Count);
        var status = CatalogInput.SettableStatus(r.Status, current?.Status ?? CatalogStatus.Active);
        var metadata = CatalogInput.MetadataAfter(current?.Metadata, r.Metadata);
        return draft =>
        {
            draft.Name = name;
            draft.Options = options;
            draft.MinSelections = min;
            draft.MaxSelections = max;
            draft.Status = status;
            draft.Metadata = metadata;
        };
    }

    /// <summary>Options are replaced as a list; an item naming an existing option id keeps that id.</summary>
    private static List<ModifierOptionView> Options(List<ModifierOptionInput> inputs, List<ModifierOptionView> existing)
    {
        if (inputs.Count > MaxOptions) throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxOptions} options.", "options");
        var result = new List<ModifierOptionView>();
        string? currency = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            var p = $"options[{i}]";
            var o = inputs[i] ?? throw DomainException.Invalid("INVALID_FIELD", "An option cannot be null.", p);
            var id = o.ModifierOptionId;
            if (id is not null && existing.All(e => e.ModifierOptionId != id))
                throw DomainException.Invalid("INVALID_ID", $"'{id}' is not an option of this set.", $"{p}.modifier_option_id");
            if (id is not null && result.Any(x => x.ModifierOptionId == id))
                throw DomainException.Invalid("DUPLICATE_OPTION", $"Option '{id}' appears twice.", $"{p}.modifier_option_id");
            var price = o.PriceAdjustmentMoney is null
                ? throw DomainException.Missing($"{p}.price_adjustment_money")
                : o.PriceAdjustmentMoney.ToMoney($"{p}.price_adjustment_money", allowNegative: true);
            currency ??= price.Currency;
            if (price.Currency != currency)
                throw DomainException.Invalid("CURRENCY_MISMATCH", "All options of a set are priced in one currency.", $"{p}.price_adjustment_money.currency");
            result.Add(new ModifierOptionView(id ?? FlintId.New(IdPrefix.ModifierOption), CatalogInput.Name(o.Name, $"{p}.name"), price));
        }
        return result;
    }

    private ModifierSetView ToView(ModifierSetState s) => new()
    {
        ModifierSetId = ObjectId,
        Name = s.Name,
        MinSelections = s.MinSelections,
        MaxSelections = s.MaxSelections,
        Options = s.Options,
        Status = SnakeCase.ToSnake(s.Status),
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
