using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Catalog;

[GenerateSerializer, Alias("flint.catalog.modifier_set_state")]
public sealed class ModifierSetState : ObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public int MinSelections { get; set; }
    [Id(2)] public int MaxSelections { get; set; }
    [Id(3)] public List<ModifierOptionState> Options { get; set; } = [];
    [Id(4)] public string Status { get; set; } = "active";
    [Id(5)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }
}

[GenerateSerializer, Alias("flint.catalog.modifier_option_state")]
public sealed class ModifierOptionState
{
    [Id(0)] public string ModifierOptionId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public Money PriceAdjustmentMoney { get; set; }
}

/// <summary>A set of options (e.g. "Milk": oat +0.50, soy +0.40) a buyer picks from when a product or bundle
/// it is assigned to is ordered, between min and max selections.</summary>
public sealed class ModifierSetGrain(
    [PersistentState("modifier_set", "flint")] IPersistentState<ModifierSetState> store,
    DeepCopier<ModifierSetState> copier,
    TimeProvider clock) : TenantGrain<ModifierSetState>(store, copier, clock), IModifierSetGrain
{
    public const int MaxOptions = 50;

    public async Task<ModifierSetView> Create(ModifierSetRequest r)
    {
        if (Exists) return ToView(State);
        var name = CatalogInput.Name(r.Name);
        var options = Options(r.Options ?? [], []);
        var min = r.MinSelections ?? 0;
        var max = r.MaxSelections ?? options.Count;
        ModifierSetRules.ValidateDefinition(min, max, options.Count);
        var status = CatalogInput.SettableStatus(r.Status, "active");
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var now = Now;
        return await Change(draft =>
        {
            draft.Name = name;
            draft.Options = options;
            draft.MinSelections = min;
            draft.MaxSelections = max;
            draft.Status = status;
            draft.Metadata = metadata;
            draft.CreatedAt = now;
            draft.UpdatedAt = now;
            var v = ToView(draft);
            Record(draft, "modifier_set.created", v);
            return v;
        });
    }

    public Task<ModifierSetView> Get()
    {
        EnsureExists();
        return Task.FromResult(ToView(State));
    }

    public async Task<ModifierSetView> Update(ModifierSetRequest r)
    {
        EnsureExists();
        if (State.Status == "deleted") throw DomainException.Conflict("MODIFIER_SET_DELETED", "This modifier set is deleted.");
        if (r.Name is null && r.MinSelections is null && r.MaxSelections is null && r.Options is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var name = r.Name is null ? State.Name : CatalogInput.Name(r.Name);
        var options = r.Options is null ? State.Options : Options(r.Options, State.Options);
        var min = r.MinSelections ?? State.MinSelections;
        var max = r.MaxSelections ?? (r.Options is null ? State.MaxSelections : Math.Min(State.MaxSelections, options.Count));
        ModifierSetRules.ValidateDefinition(min, max, options.Count);
        var status = CatalogInput.SettableStatus(r.Status, State.Status);
        var metadata = CatalogInput.MergeMetadata(State.Metadata, r.Metadata);
        return await Change(draft =>
        {
            draft.Name = name;
            draft.Options = options;
            draft.MinSelections = min;
            draft.MaxSelections = max;
            draft.Status = status;
            draft.Metadata = metadata;
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "modifier_set.updated", v);
            return v;
        });
    }

    public async Task<ModifierSetView> Delete()
    {
        EnsureExists();
        if (State.Status == "deleted") return ToView(State);
        return await Change(draft =>
        {
            draft.Status = "deleted";
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "modifier_set.deleted", v);
            return v;
        });
    }

    public Task EnsureAssignable()
    {
        if (!Exists || State.Status == "deleted")
            throw DomainException.Invalid("INVALID_MODIFIER_SET", $"Modifier set {ObjectId} does not exist.", "modifier_set_ids");
        return Task.CompletedTask;
    }

    protected override ProjectionRecord Project(ModifierSetState s)
    {
        var p = NewProjection(s, ModifierSetProjection.Kind, ToView(s));
        p.Name = s.Name;
        p.Status = s.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.Name], s.Options.Select(o => o.Name));
        return p;
    }

    /// <summary>Options are replaced as a list; an item naming an existing option id keeps that id.</summary>
    private static List<ModifierOptionState> Options(List<ModifierOptionInput> inputs, List<ModifierOptionState> existing)
    {
        if (inputs.Count > MaxOptions) throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxOptions} options.", "options");
        var result = new List<ModifierOptionState>();
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
                ? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{p}.price_adjustment_money is required.", $"{p}.price_adjustment_money")
                : o.PriceAdjustmentMoney.ToMoney($"{p}.price_adjustment_money", allowNegative: true);
            currency ??= price.Currency;
            if (price.Currency != currency)
                throw DomainException.Invalid("CURRENCY_MISMATCH", "All options of a set are priced in one currency.", $"{p}.price_adjustment_money.currency");
            result.Add(new ModifierOptionState
            {
                ModifierOptionId = id ?? FlintId.New(IdPrefix.ModifierOption),
                Name = CatalogInput.Name(o.Name, $"{p}.name"),
                PriceAdjustmentMoney = price,
            });
        }
        return result;
    }

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("modifier set");
    }

    private ModifierSetView ToView(ModifierSetState s) => new()
    {
        ModifierSetId = ObjectId,
        Name = s.Name,
        MinSelections = s.MinSelections,
        MaxSelections = s.MaxSelections,
        Options = s.Options.Select(o => new ModifierOptionView(o.ModifierOptionId, o.Name, o.PriceAdjustmentMoney)).ToList(),
        Status = s.Status,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
