using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Catalog;

/// <summary>One product and its variants. Stock is not here: each variant's stock lives in its own
/// <see cref="IVariantInventoryGrain"/>, which this grain configures (one direction only, no call cycles).</summary>
public sealed class ProductGrain(
    [PersistentState("product", StorageNames.Flint)] IPersistentState<ProductState> store,
    DeepCopier<ProductState> copier,
    TimeProvider clock) : CatalogGrain<ProductState, ProductView>(store, copier, clock), IProductGrain
{
    protected override string Kind => ProductProjection.Kind;

    public async Task<ProductView> Create(CreateProductRequest request)
    {
        if (Exists) return await Get();
        var now = Now;
        var apply = Resolve(request, current: null);
        var categories = CatalogInput.Categories(request.Categories);
        var modifierSetIds = CatalogInput.ModifierSetIds(request.ModifierSetIds);

        var (options, variants, initial) = ProductVariants.OfNewProduct(request, now);
        await GrainFactory.EnsureModifierSets(Tenant, modifierSetIds);

        var stock = variants.Select((v, i) => (v.VariantId, initial[i])).ToDictionary(x => x.VariantId, x => x.Item2);
        var view = await SaveNew(draft =>
        {
            apply(draft);
            draft.Categories = categories;
            draft.Options = options;
            draft.Variants = variants;
            draft.DefaultVariantId = variants.Count == 1 || options.Count == 0 ? variants[0].VariantId : null;
            draft.ModifierSetIds = modifierSetIds;
            draft.PendingInventory = new Dictionary<string, long>(stock);
        }, now, draft => ToView(draft, stock));
        await SyncInventory();
        return view;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        await SyncInventory();
    }

    public override async Task<ProductView> Get()
    {
        EnsureExists();
        await SyncInventory();
        return await base.Get();
    }

    public async Task<ProductView> Update(UpdateProductRequest request)
    {
        EnsureEditable();
        if (request.Name is null && request.Description is null && request.ProductType is null && request.Status is null
            && request.DefaultVariantId is null && request.ModifierSetIds is null && request.Metadata is null)
            throw CatalogInput.NoFields();
        var apply = Resolve(request, State);
        var modifierSetIds = request.ModifierSetIds is null ? State.ModifierSetIds : CatalogInput.ModifierSetIds(request.ModifierSetIds);
        var defaultVariantId = request.DefaultVariantId switch
        {
            null => State.DefaultVariantId,
            "" => null,
            var id when ActiveVariants(State).Any(v => v.VariantId == id) => id,
            var id => throw DomainException.Invalid("INVALID_DEFAULT_VARIANT", $"'{id}' is not a variant of this product.", "default_variant_id"),
        };
        if (request.ModifierSetIds is not null) await GrainFactory.EnsureModifierSets(Tenant, modifierSetIds);

        var view = await Save("updated", draft =>
        {
            apply(draft);
            draft.ModifierSetIds = modifierSetIds;
            draft.DefaultVariantId = defaultVariantId;
            // A status change changes whether the variants are sellable, which their inventory grains must learn.
            if (request.Status is not null) MarkAllPending(draft);
        });
        await SyncInventory();
        return view;
    }

    public async Task<ProductView> ReplaceCategories(ReplaceCategoriesRequest request)
    {
        EnsureEditable();
        var categories = CatalogInput.ReplacementCategories(request.Categories);
        return await Save("updated", draft => draft.Categories = categories);
    }

    public override async Task<ProductView> Delete()
    {
        var view = await base.Delete();
        await SyncInventory();
        return view;
    }

    /// <summary>Its variants stop being sellable: their inventory grains learn it.</summary>
    protected override void MarkDeleted(ProductState draft)
    {
        base.MarkDeleted(draft);
        MarkAllPending(draft);
    }

    public async Task<VariantView> AddVariant(VariantInput request)
    {
        EnsureEditable();
        var now = Now;
        var variant = ProductVariants.Variant(request, current: null, "", now);
        var initial = ProductVariants.InitialQuantity(request, "");
        var all = ActiveVariants(State).Append(variant).ToList();
        if (all.Count > CatalogInput.MaxVariants)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {CatalogInput.MaxVariants} variants.", "variants");
        var options = State.Options;
        ProductVariants.ValidateSet(options, all, all.Select(_ => "").ToList());

        var stock = await LiveStock(State);
        stock[variant.VariantId] = initial;
        var view = await Save("updated", draft =>
        {
            draft.Variants.Add(variant);
            draft.PendingInventory[variant.VariantId] = initial;
        }, draft => ToView(draft, stock), at: now);
        await SyncInventory();
        return view.Variants.Single(v => v.VariantId == variant.VariantId);
    }

    public async Task<VariantView> UpdateVariant(string variantId, UpdateVariantRequest request)
    {
        EnsureEditable();
        var current = FindVariant(variantId);
        if (request.Name is null && request.OptionValues is null && request.UnitPriceMoney is null && request.Sku is null
            && request.Barcode is null && request.TaxCategory is null && request.Taxable is null && request.EnforceInventoryLimit is null)
            throw CatalogInput.NoFields();

        var updated = ProductVariants.Variant(request, current, "", Now);
        var all = ActiveVariants(State).Select(v => v.VariantId == variantId ? updated : v).ToList();
        ProductVariants.ValidateSet(State.Options, all, all.Select(_ => "").ToList());

        var stock = await LiveStock(State);
        var view = await Save("updated", draft =>
        {
            var i = draft.Variants.FindIndex(v => v.VariantId == variantId);
            draft.Variants[i] = updated;
            if (updated.EnforceInventoryLimit != current.EnforceInventoryLimit) draft.PendingInventory.TryAdd(variantId, 0);
        }, draft => ToView(draft, stock), at: updated.UpdatedAt);
        await SyncInventory();
        return view.Variants.Single(v => v.VariantId == variantId);
    }

    public async Task<ProductView> RemoveVariant(string variantId)
    {
        EnsureEditable();
        FindVariant(variantId);
        if (ActiveVariants(State).Count() == 1)
            throw DomainException.Conflict("LAST_VARIANT", "A product keeps at least one variant; delete the product instead.", "variant_id");
        var view = await Save("updated", draft =>
        {
            var v = draft.Variants.First(x => x.VariantId == variantId);
            v.Deleted = true;
            v.Sku = null;
            v.UpdatedAt = Now;
            if (draft.DefaultVariantId == variantId) draft.DefaultVariantId = null;
            draft.PendingInventory.TryAdd(variantId, 0);
        });
        await SyncInventory();
        return view;
    }

    public async Task<VariantView> GetVariant(string variantId)
    {
        EnsureExists();
        var v = FindVariant(variantId);
        var s = await GrainFactory.Inventory(Tenant, variantId).GetStock(ObjectId);
        return ToVariantView(v, new Dictionary<string, long> { [variantId] = s.QuantityAvailable });
    }

    public Task<SellableItem> GetSellable(string variantId)
    {
        EnsureExists();
        var v = State.Variants.FirstOrDefault(x => x.VariantId == variantId) ?? throw NotFound("variant");
        var label = v.Name ?? (v.OptionValues.Count > 0 ? string.Join(", ", State.Options.Select(o => v.OptionValues.GetValueOrDefault(o.Name)).Where(x => x is not null)) : null);
        return Task.FromResult(new SellableItem
        {
            ItemType = "variant",
            ProductId = ObjectId,
            VariantId = v.VariantId,
            Name = label is null ? State.Name : $"{State.Name} ({label})",
            Sku = v.Sku,
            UnitPriceMoney = v.UnitPriceMoney,
            TaxCategory = v.TaxCategory,
            Taxable = v.Taxable,
            Categories = State.Categories,
            ModifierSetIds = State.ModifierSetIds,
            Sellable = State.Status == CatalogStatus.Active && !v.Deleted,
        });
    }

    protected override ValueTask<Func<ProductState, ProductView>> Viewer() => ShowingLiveStock();

    protected override ProjectionRecord Project(ProductState s)
    {
        var active = ActiveVariants(s).ToList();
        var p = CatalogProjection(s, ToView(s, new Dictionary<string, long>()), s.Name,
            CatalogInput.SearchText([ObjectId, s.Name, s.Description], active.Select(v => v.Sku), active.Select(v => v.VariantId)));
        p.Skus = s.Status == CatalogStatus.Deleted ? [] : active.Where(v => v.Sku is not null).Select(v => v.Sku!).ToList();
        return p;
    }

    /// <summary>Shows the product with its variants' live stock, read before the change.</summary>
    private async ValueTask<Func<ProductState, ProductView>> ShowingLiveStock()
    {
        var stock = await LiveStock(State);
        return s => ToView(s, stock);
    }

    /// <summary>The product's own fields after <paramref name="r"/> (on create, <paramref name="current"/> is null);
    /// variants, categories, modifier sets and the default variant have their own rules.</summary>
    private static Action<ProductState> Resolve(ProductFieldsRequest r, ProductState? current)
    {
        var name = r.Name is null && current is not null ? current.Name : CatalogInput.Name(r.Name);
        var description = r.Description is null ? current?.Description : CatalogInput.Description(r.Description);
        var productType = r.ProductType is null && current is not null ? current.ProductType : CatalogInput.ProductType(r.ProductType);
        var status = CatalogInput.SettableStatus(r.Status, current?.Status ?? CatalogStatus.Active);
        var metadata = CatalogInput.MetadataAfter(current?.Metadata, r.Metadata);
        return draft =>
        {
            draft.Name = name;
            draft.Description = description;
            draft.ProductType = productType;
            draft.Status = status;
            draft.Metadata = metadata;
        };
    }

    /// <summary>Tells every inventory grain still marked pending its variant's policy (and, the first time, its
    /// initial stock — Configure is idempotent), then clears the marks.</summary>
    private async Task SyncInventory()
    {
        if (State.PendingInventory.Count == 0) return;
        var pending = State.PendingInventory.ToList();
        foreach (var (variantId, initial) in pending)
        {
            var v = State.Variants.First(x => x.VariantId == variantId);
            await GrainFactory.Inventory(Tenant, variantId).Configure(
                new VariantPolicy(ObjectId, v.EnforceInventoryLimit, State.Status == CatalogStatus.Active && !v.Deleted), initial, actor: null);
        }
        await Change(draft =>
        {
            foreach (var (variantId, _) in pending) draft.PendingInventory.Remove(variantId);
            return 0;
        }, bumpVersion: false);
    }

    private static void MarkAllPending(ProductState draft)
    {
        foreach (var v in ActiveVariants(draft)) draft.PendingInventory.TryAdd(v.VariantId, 0);
    }

    private async Task<Dictionary<string, long>> LiveStock(ProductState s)
    {
        var variants = ActiveVariants(s).ToList();
        var stocks = await Task.WhenAll(variants.Select(v => GrainFactory.Inventory(Tenant, v.VariantId).GetStock(ObjectId)));
        return stocks.ToDictionary(x => x.VariantId, x => x.QuantityAvailable);
    }

    private static IEnumerable<VariantState> ActiveVariants(ProductState s) => s.Variants.Where(v => !v.Deleted);

    private VariantState FindVariant(string variantId) =>
        ActiveVariants(State).FirstOrDefault(v => v.VariantId == variantId) ?? throw NotFound("variant");

    private ProductView ToView(ProductState s, IReadOnlyDictionary<string, long> stock)
    {
        var variants = ActiveVariants(s).Select(v => ToVariantView(v, stock)).ToList();
        return new ProductView
        {
            ProductId = ObjectId,
            Name = s.Name,
            Description = s.Description,
            ProductType = s.ProductType,
            Status = SnakeCase.ToSnake(s.Status),
            Categories = s.Categories,
            Options = s.Options,
            Variants = variants,
            DefaultVariantId = s.DefaultVariantId,
            DefaultVariant = variants.FirstOrDefault(v => v.VariantId == s.DefaultVariantId),
            ModifierSetIds = s.ModifierSetIds,
            Metadata = s.Metadata,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            Version = s.Version,
        };
    }

    private VariantView ToVariantView(VariantState v, IReadOnlyDictionary<string, long> stock) => new()
    {
        VariantId = v.VariantId,
        ProductId = ObjectId,
        Name = v.Name,
        OptionValues = v.OptionValues,
        UnitPriceMoney = v.UnitPriceMoney,
        Sku = v.Sku,
        Barcode = v.Barcode,
        TaxCategory = v.TaxCategory,
        Taxable = v.Taxable,
        EnforceInventoryLimit = v.EnforceInventoryLimit,
        QuantityAvailable = stock.GetValueOrDefault(v.VariantId),
        CreatedAt = v.CreatedAt,
        UpdatedAt = v.UpdatedAt,
    };
}
