using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Catalog;

[GenerateSerializer, Alias("flint.catalog.bundle_state")]
public sealed class BundleState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string? Sku { get; set; }
    [Id(3)] public string? Barcode { get; set; }
    [Id(4)] public Money UnitPriceMoney { get; set; }
    [Id(5)] public string TaxCategory { get; set; } = "general";
    [Id(6)] public bool Taxable { get; set; } = true;
    [Id(7)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    [Id(8)] public List<string> Categories { get; set; } = [];
    [Id(9)] public List<BundleComponentState> Components { get; set; } = [];
    [Id(10)] public List<string> ModifierSetIds { get; set; } = [];
}

[GenerateSerializer, Alias("flint.catalog.bundle_component_state")]
public sealed class BundleComponentState
{
    [Id(0)] public string BundleComponentId { get; set; } = "";
    [Id(1)] public string VariantId { get; set; } = "";
    [Id(2)] public string ProductId { get; set; } = "";
    [Id(3)] public long Quantity { get; set; }
    [Id(4)] public int Position { get; set; }
}

/// <summary>A bundle sells fixed quantities of other variants. Its availability is never stored: every read
/// asks the component variants' inventory grains, so it can never be stale.</summary>
public sealed class BundleGrain(
    [PersistentState("bundle", StorageNames.Flint)] IPersistentState<BundleState> store,
    DeepCopier<BundleState> copier,
    TimeProvider clock) : CatalogGrain<BundleState, BundleView>(store, copier, clock), IBundleGrain
{
    public const int MaxComponents = 50;

    protected override string Kind => BundleProjection.Kind;

    public async Task<BundleView> Create(CreateBundleRequest request)
    {
        if (Exists) return await Current();
        var now = Now;
        var apply = Resolve(request, current: null);
        var modifierSetIds = CatalogInput.ModifierSetIds(request.ModifierSetIds);
        var categories = CatalogInput.Categories(request.Categories);
        var inputs = request.Components ?? [];
        if (inputs.Count > MaxComponents)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxComponents} components.", "components");
        var components = new List<BundleComponentState>();
        for (var i = 0; i < inputs.Count; i++)
            components.Add(await NewComponent(inputs[i], $"components[{i}]", components, i));
        await GrainFactory.EnsureModifierSets(Tenant, modifierSetIds);
        var stock = await LiveStock(components);
        return await SaveNew(draft =>
        {
            apply(draft);
            draft.Categories = categories;
            draft.Components = components;
            draft.ModifierSetIds = modifierSetIds;
        }, now, draft => ToView(draft, stock));
    }

    public async Task<BundleView> Update(UpdateBundleRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.Description is null && r.Sku is null && r.Barcode is null && r.UnitPriceMoney is null
            && r.TaxCategory is null && r.Taxable is null && r.Status is null && r.ModifierSetIds is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var apply = Resolve(r, State);
        var modifierSetIds = r.ModifierSetIds is null ? State.ModifierSetIds : CatalogInput.ModifierSetIds(r.ModifierSetIds);
        if (r.ModifierSetIds is not null) await GrainFactory.EnsureModifierSets(Tenant, modifierSetIds);
        return await Save("updated", draft =>
        {
            apply(draft);
            draft.ModifierSetIds = modifierSetIds;
        });
    }

    public async Task<BundleView> ReplaceCategories(ReplaceCategoriesRequest request)
    {
        EnsureEditable();
        var categories = CatalogInput.ReplacementCategories(request.Categories);
        return await Save("updated", draft => draft.Categories = categories);
    }

    public async Task<BundleView> AddComponent(BundleComponentInput request)
    {
        EnsureEditable();
        if (State.Components.Count >= MaxComponents)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxComponents} components.", "components");
        var component = await NewComponent(request, "", State.Components, State.Components.Count);
        // The answer shows the components after the change, so the one being added needs its stock too.
        return await Save("updated", draft => draft.Components.Add(component), await Showing([.. State.Components, component]));
    }

    public async Task<BundleView> UpdateComponent(string componentId, UpdateBundleComponentRequest request)
    {
        EnsureEditable();
        if (State.Components.All(c => c.BundleComponentId != componentId)) throw NotFound("bundle component");
        if (request.Quantity is null && request.Position is null) throw CatalogInput.NoFields();
        if (request.Quantity is { } q) Validation.RequireRange(q, 1, 1_000_000, "quantity");
        if (request.Position is { } p) Validation.RequireRange(p, 0, 10_000, "position");
        return await Save("updated", draft =>
        {
            var c = draft.Components.First(x => x.BundleComponentId == componentId);
            c.Quantity = request.Quantity ?? c.Quantity;
            c.Position = request.Position ?? c.Position;
        });
    }

    public async Task<BundleView> RemoveComponent(string componentId)
    {
        EnsureEditable();
        if (State.Components.All(c => c.BundleComponentId != componentId)) throw NotFound("bundle component");
        return await Save("updated", draft => draft.Components.RemoveAll(c => c.BundleComponentId == componentId));
    }

    public Task<SellableItem> GetSellable()
    {
        EnsureExists();
        return Task.FromResult(new SellableItem
        {
            ItemType = "bundle",
            BundleId = ObjectId,
            Name = State.Name,
            Sku = State.Sku,
            UnitPriceMoney = State.UnitPriceMoney,
            TaxCategory = State.TaxCategory,
            Taxable = State.Taxable,
            Categories = State.Categories,
            ModifierSetIds = State.ModifierSetIds,
            Sellable = State.Status == CatalogStatus.Active && State.Components.Count > 0,
            Components = State.Components.Select(ComponentView).ToList(),
        });
    }

    protected override ValueTask<Func<BundleState, BundleView>> Viewer() => Showing(State.Components);

    protected override ProjectionRecord Project(BundleState s)
    {
        var p = CatalogProjection(s, ToView(s, new Dictionary<string, StockView>()), s.Name,
            CatalogInput.SearchText([ObjectId, s.Name, s.Description, s.Sku]));
        p.Skus = s.Status != CatalogStatus.Deleted && s.Sku is not null ? [s.Sku] : [];
        return p;
    }

    /// <summary>Shows the bundle with the live stock of <paramref name="components"/>, read before the change.</summary>
    private async ValueTask<Func<BundleState, BundleView>> Showing(List<BundleComponentState> components)
    {
        var stock = await LiveStock(components);
        return s => ToView(s, stock);
    }

    /// <summary>The bundle's own fields after <paramref name="r"/> (on create, <paramref name="current"/> is null);
    /// components, categories and modifier sets have their own rules.</summary>
    private static Action<BundleState> Resolve(UpdateBundleRequest r, BundleState? current)
    {
        var name = r.Name is null && current is not null ? current.Name : CatalogInput.Name(r.Name);
        var description = r.Description is null ? current?.Description : CatalogInput.Description(r.Description);
        var sku = r.Sku is null ? current?.Sku : CatalogInput.Sku(r.Sku);
        var barcode = r.Barcode is null ? current?.Barcode : CatalogInput.Barcode(r.Barcode);
        var price = r.UnitPriceMoney?.ToMoney("unit_price_money") ?? current?.UnitPriceMoney
            ?? throw DomainException.Missing("unit_price_money");
        var taxCategory = r.TaxCategory is null && current is not null ? current.TaxCategory : CatalogInput.TaxCategory(r.TaxCategory);
        var taxable = r.Taxable ?? current?.Taxable ?? true;
        var status = CatalogInput.SettableStatus(r.Status, current?.Status ?? CatalogStatus.Active);
        var metadata = CatalogInput.MetadataAfter(current?.Metadata, r.Metadata);
        return draft =>
        {
            draft.Name = name;
            draft.Description = description;
            draft.Sku = sku;
            draft.Barcode = barcode;
            draft.UnitPriceMoney = price;
            draft.TaxCategory = taxCategory;
            draft.Taxable = taxable;
            draft.Status = status;
            draft.Metadata = metadata;
        };
    }

    private async Task<BundleComponentState> NewComponent(BundleComponentInput? input, string param, List<BundleComponentState> existing, int defaultPosition)
    {
        string P(string f) => param.Length == 0 ? f : $"{param}.{f}";
        if (input is null) throw DomainException.Invalid("INVALID_FIELD", "A component cannot be null.", param);
        if (input.VariantId is null)
            throw DomainException.Missing(P("variant_id"));
        if (!FlintId.IsValid(input.VariantId, IdPrefix.Variant))
            throw DomainException.Invalid("INVALID_ID", $"'{input.VariantId}' is not a variant id.", P("variant_id"));
        if (input.Quantity is null)
            throw DomainException.Missing(P("quantity"));
        Validation.RequireRange(input.Quantity.Value, 1, 1_000_000, P("quantity"));
        if (input.Position is { } pos) Validation.RequireRange(pos, 0, 10_000, P("position"));
        if (existing.Any(c => c.VariantId == input.VariantId))
            throw DomainException.Invalid("DUPLICATE_COMPONENT", "A variant appears once per bundle; raise its quantity instead.", P("variant_id"));
        StockView stock;
        try
        {
            stock = await GrainFactory.Inventory(Tenant, input.VariantId).GetStock();
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            throw DomainException.Invalid("INVALID_VARIANT", $"Variant {input.VariantId} does not exist.", P("variant_id"));
        }
        if (!stock.Sellable)
            throw DomainException.Conflict("ITEM_NOT_SELLABLE", $"Variant {input.VariantId} is not for sale.", P("variant_id"));
        return new BundleComponentState
        {
            BundleComponentId = FlintId.New(IdPrefix.BundleComponent),
            VariantId = input.VariantId,
            ProductId = stock.ProductId,
            Quantity = input.Quantity.Value,
            Position = input.Position ?? defaultPosition,
        };
    }

    private async Task<Dictionary<string, StockView>> LiveStock(List<BundleComponentState> components)
    {
        var stocks = await Task.WhenAll(components.Select(c => GrainFactory.Inventory(Tenant, c.VariantId).GetStock()));
        return stocks.ToDictionary(s => s.VariantId);
    }

    private BundleView ToView(BundleState s, IReadOnlyDictionary<string, StockView> stock)
    {
        var components = s.Components.OrderBy(c => c.Position).ThenBy(c => c.BundleComponentId, StringComparer.Ordinal).ToList();
        var supplies = components.Select(c => stock.TryGetValue(c.VariantId, out var v)
            ? new BundleComponentStock(c.Quantity, v.QuantityAvailable, v.Sellable)
            : new BundleComponentStock(c.Quantity, 0, Sellable: false)).ToList();
        var availability = BundleAvailability.For(s.Status, supplies);
        return new BundleView
        {
            BundleId = ObjectId,
            Name = s.Name,
            Description = s.Description,
            Sku = s.Sku,
            Barcode = s.Barcode,
            UnitPriceMoney = s.UnitPriceMoney,
            TaxCategory = s.TaxCategory,
            Taxable = s.Taxable,
            Status = SnakeCase.ToSnake(s.Status),
            Categories = s.Categories,
            Components = components.Select((c, i) => ComponentView(c) with { QuantityAvailable = supplies[i].Supply }).ToList(),
            QuantityAvailable = availability.QuantityAvailable,
            AvailableForSale = availability.AvailableForSale,
            ModifierSetIds = s.ModifierSetIds,
            Metadata = s.Metadata,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            Version = s.Version,
        };
    }

    private static BundleComponentView ComponentView(BundleComponentState c) => new()
    {
        BundleComponentId = c.BundleComponentId,
        VariantId = c.VariantId,
        ProductId = c.ProductId,
        Quantity = c.Quantity,
        Position = c.Position,
    };
}
