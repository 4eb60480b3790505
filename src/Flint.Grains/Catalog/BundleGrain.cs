using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Catalog;

[GenerateSerializer, Alias("flint.catalog.bundle_state")]
public sealed class BundleState : ObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string? Sku { get; set; }
    [Id(3)] public string? Barcode { get; set; }
    [Id(4)] public Money UnitPriceMoney { get; set; }
    [Id(5)] public string TaxCategory { get; set; } = "general";
    [Id(6)] public bool Taxable { get; set; } = true;
    [Id(7)] public string Status { get; set; } = "active";
    [Id(8)] public List<string> Categories { get; set; } = [];
    [Id(9)] public List<BundleComponentState> Components { get; set; } = [];
    [Id(10)] public List<string> ModifierSetIds { get; set; } = [];
    [Id(11)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(12)] public DateTimeOffset CreatedAt { get; set; }
    [Id(13)] public DateTimeOffset UpdatedAt { get; set; }
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
    [PersistentState("bundle", "flint")] IPersistentState<BundleState> store,
    DeepCopier<BundleState> copier,
    TimeProvider clock) : TenantGrain<BundleState>(store, copier, clock), IBundleGrain
{
    public const int MaxComponents = 50;

    public async Task<BundleView> Create(CreateBundleRequest request)
    {
        if (Exists) return await Get();
        var now = Now;
        var name = CatalogInput.Name(request.Name);
        if (request.UnitPriceMoney is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "unit_price_money is required.", "unit_price_money");
        var price = request.UnitPriceMoney.ToMoney("unit_price_money");
        var modifierSetIds = CatalogInput.ModifierSetIds(request.ModifierSetIds);
        var components = new List<BundleComponentState>();
        var inputs = request.Components ?? [];
        if (inputs.Count > MaxComponents)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxComponents} components.", "components");
        for (var i = 0; i < inputs.Count; i++)
            components.Add(await NewComponent(inputs[i], $"components[{i}]", components, i));
        var state = new BundleState
        {
            Name = name,
            Description = CatalogInput.Description(request.Description),
            Sku = CatalogInput.Sku(request.Sku),
            Barcode = CatalogInput.Barcode(request.Barcode),
            UnitPriceMoney = price,
            TaxCategory = CatalogInput.TaxCategory(request.TaxCategory),
            Taxable = request.Taxable ?? true,
            Status = CatalogInput.SettableStatus(request.Status, "active"),
            Categories = CatalogInput.Categories(request.Categories),
            Components = components,
            ModifierSetIds = modifierSetIds,
            Metadata = CatalogInput.NewMetadata(request.Metadata),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await EnsureModifierSets(modifierSetIds);
        var stock = await LiveStock(state.Components);
        return await Change(draft =>
        {
            CopyInto(state, draft);
            var v = ToView(draft, stock);
            Record(draft, "bundle.created", v);
            return v;
        });
    }

    public async Task<BundleView> Get()
    {
        EnsureExists();
        return ToView(State, await LiveStock(State.Components));
    }

    public async Task<BundleView> Update(UpdateBundleRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.Description is null && r.Sku is null && r.Barcode is null && r.UnitPriceMoney is null
            && r.TaxCategory is null && r.Taxable is null && r.Status is null && r.ModifierSetIds is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var name = r.Name is null ? State.Name : CatalogInput.Name(r.Name);
        var description = r.Description is null ? State.Description : CatalogInput.Description(r.Description);
        var sku = r.Sku is null ? State.Sku : CatalogInput.Sku(r.Sku);
        var barcode = r.Barcode is null ? State.Barcode : CatalogInput.Barcode(r.Barcode);
        var price = r.UnitPriceMoney is null ? State.UnitPriceMoney : r.UnitPriceMoney.ToMoney("unit_price_money");
        var taxCategory = r.TaxCategory is null ? State.TaxCategory : CatalogInput.TaxCategory(r.TaxCategory);
        var status = CatalogInput.SettableStatus(r.Status, State.Status);
        var modifierSetIds = r.ModifierSetIds is null ? State.ModifierSetIds : CatalogInput.ModifierSetIds(r.ModifierSetIds);
        var metadata = CatalogInput.MergeMetadata(State.Metadata, r.Metadata);
        if (r.ModifierSetIds is not null) await EnsureModifierSets(modifierSetIds);
        var stock = await LiveStock(State.Components);
        return await Change(draft =>
        {
            draft.Name = name;
            draft.Description = description;
            draft.Sku = sku;
            draft.Barcode = barcode;
            draft.UnitPriceMoney = price;
            draft.TaxCategory = taxCategory;
            draft.Taxable = r.Taxable ?? draft.Taxable;
            draft.Status = status;
            draft.ModifierSetIds = modifierSetIds;
            draft.Metadata = metadata;
            draft.UpdatedAt = Now;
            var v = ToView(draft, stock);
            Record(draft, "bundle.updated", v);
            return v;
        });
    }

    public async Task<BundleView> ReplaceCategories(ReplaceCategoriesRequest request)
    {
        EnsureEditable();
        if (request.Categories is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "categories is required (send [] to clear).", "categories");
        var categories = CatalogInput.Categories(request.Categories);
        return await Save("bundle.updated", draft => draft.Categories = categories);
    }

    public async Task<BundleView> Delete()
    {
        EnsureExists();
        if (State.Status == "deleted") return await Get();
        return await Save("bundle.deleted", draft => draft.Status = "deleted");
    }

    public async Task<BundleView> AddComponent(BundleComponentInput request)
    {
        EnsureEditable();
        if (State.Components.Count >= MaxComponents)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxComponents} components.", "components");
        var component = await NewComponent(request, "", State.Components, State.Components.Count);
        return await Save("bundle.updated", draft => draft.Components.Add(component), added: component);
    }

    public async Task<BundleView> UpdateComponent(string componentId, UpdateBundleComponentRequest request)
    {
        EnsureEditable();
        if (State.Components.All(c => c.BundleComponentId != componentId)) throw NotFound("bundle component");
        if (request.Quantity is null && request.Position is null) throw CatalogInput.NoFields();
        if (request.Quantity is { } q) Validation.RequireRange(q, 1, 1_000_000, "quantity");
        if (request.Position is { } p) Validation.RequireRange(p, 0, 10_000, "position");
        return await Save("bundle.updated", draft =>
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
        return await Save("bundle.updated", draft => draft.Components.RemoveAll(c => c.BundleComponentId == componentId));
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
            Sellable = State.Status == "active" && State.Components.Count > 0,
            Components = State.Components.Select(c => new BundleComponentView
            {
                BundleComponentId = c.BundleComponentId,
                VariantId = c.VariantId,
                ProductId = c.ProductId,
                Quantity = c.Quantity,
                Position = c.Position,
            }).ToList(),
        });
    }

    protected override ProjectionRecord Project(BundleState s)
    {
        var p = NewProjection(s, BundleProjection.Kind, ToView(s, new Dictionary<string, StockView>()));
        p.Name = s.Name;
        p.Status = s.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.Name, s.Description, s.Sku]);
        p.Skus = s.Status != "deleted" && s.Sku is not null ? [s.Sku] : [];
        return p;
    }

    private async Task<BundleView> Save(string eventType, Action<BundleState> mutate, BundleComponentState? added = null)
    {
        // The answer shows the components after the change, so a component being added needs its stock too.
        var stock = await LiveStock(added is null ? State.Components : [.. State.Components, added]);
        return await Change(draft =>
        {
            mutate(draft);
            draft.UpdatedAt = Now;
            var v = ToView(draft, stock);
            Record(draft, eventType, v);
            return v;
        });
    }

    private async Task<BundleComponentState> NewComponent(BundleComponentInput? input, string param, List<BundleComponentState> existing, int defaultPosition)
    {
        string P(string f) => param.Length == 0 ? f : $"{param}.{f}";
        if (input is null) throw DomainException.Invalid("INVALID_FIELD", "A component cannot be null.", param);
        if (input.VariantId is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{P("variant_id")} is required.", P("variant_id"));
        if (!FlintId.IsValid(input.VariantId, IdPrefix.Variant))
            throw DomainException.Invalid("INVALID_ID", $"'{input.VariantId}' is not a variant id.", P("variant_id"));
        if (input.Quantity is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{P("quantity")} is required.", P("quantity"));
        Validation.RequireRange(input.Quantity.Value, 1, 1_000_000, P("quantity"));
        if (input.Position is { } pos) Validation.RequireRange(pos, 0, 10_000, P("position"));
        if (existing.Any(c => c.VariantId == input.VariantId))
            throw DomainException.Invalid("DUPLICATE_COMPONENT", "A variant appears once per bundle; raise its quantity instead.", P("variant_id"));
        StockView stock;
        try
        {
            stock = await Inventory(input.VariantId).GetStock();
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

    private async Task EnsureModifierSets(List<string> ids)
    {
        foreach (var id in ids)
            await GrainFactory.GetGrain<IModifierSetGrain>(Tenant.GrainKey(id)).EnsureAssignable();
    }

    private async Task<Dictionary<string, StockView>> LiveStock(List<BundleComponentState> components)
    {
        var stocks = await Task.WhenAll(components.Select(c => Inventory(c.VariantId).GetStock()));
        return stocks.ToDictionary(s => s.VariantId);
    }

    private IVariantInventoryGrain Inventory(string variantId) =>
        GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    private static void CopyInto(BundleState from, BundleState to)
    {
        to.Name = from.Name;
        to.Description = from.Description;
        to.Sku = from.Sku;
        to.Barcode = from.Barcode;
        to.UnitPriceMoney = from.UnitPriceMoney;
        to.TaxCategory = from.TaxCategory;
        to.Taxable = from.Taxable;
        to.Status = from.Status;
        to.Categories = from.Categories;
        to.Components = from.Components;
        to.ModifierSetIds = from.ModifierSetIds;
        to.Metadata = from.Metadata;
        to.CreatedAt = from.CreatedAt;
        to.UpdatedAt = from.UpdatedAt;
    }

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("bundle");
    }

    private void EnsureEditable()
    {
        EnsureExists();
        if (State.Status == "deleted") throw DomainException.Conflict("BUNDLE_DELETED", "This bundle is deleted; deletion is permanent.");
    }

    private BundleView ToView(BundleState s, IReadOnlyDictionary<string, StockView> stock)
    {
        var components = s.Components.OrderBy(c => c.Position).ThenBy(c => c.BundleComponentId, StringComparer.Ordinal).ToList();
        long Avail(BundleComponentState c) =>
            stock.TryGetValue(c.VariantId, out var v) && v.Sellable ? v.QuantityAvailable : 0;
        var (quantity, forSale) = BundleAvailability.Compute(components.Select(c => ((int)c.Quantity, Avail(c))).ToList());
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
            Status = s.Status,
            Categories = s.Categories,
            Components = components.Select(c => new BundleComponentView
            {
                BundleComponentId = c.BundleComponentId,
                VariantId = c.VariantId,
                ProductId = c.ProductId,
                Quantity = c.Quantity,
                Position = c.Position,
                QuantityAvailable = Avail(c),
            }).ToList(),
            QuantityAvailable = quantity,
            AvailableForSale = forSale && s.Status == "active",
            ModifierSetIds = s.ModifierSetIds,
            Metadata = s.Metadata,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            Version = s.Version,
        };
    }
}
