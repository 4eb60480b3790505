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
    [PersistentState("product", "flint")] IPersistentState<ProductState> store,
    DeepCopier<ProductState> copier,
    TimeProvider clock) : TenantGrain<ProductState>(store, copier, clock), IProductGrain
{
    public async Task<ProductView> Create(CreateProductRequest request)
    {
        if (Exists) return await Get();
        var now = Now;
        var name = CatalogInput.Name(request.Name);
        var description = CatalogInput.Description(request.Description);
        var productType = CatalogInput.ProductType(request.ProductType);
        var status = CatalogInput.SettableStatus(request.Status, "active");
        var categories = CatalogInput.Categories(request.Categories);
        var modifierSetIds = CatalogInput.ModifierSetIds(request.ModifierSetIds);
        var metadata = CatalogInput.NewMetadata(request.Metadata);

        var options = new List<ProductOptionState>();
        var inputs = new List<(VariantInput Input, string Param)>();
        if (request.Options is { Count: > 0 })
        {
            if (request.DefaultVariant is not null)
                throw DomainException.Invalid("INVALID_FIELD", "A product with options lists its variants in 'variants', not 'default_variant'.", "default_variant");
            if (request.Variants is not { Count: > 0 })
                throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "A product with options needs at least one variant.", "variants");
            for (var i = 0; i < request.Options.Count; i++)
            {
                var o = request.Options[i] ?? throw DomainException.Invalid("INVALID_FIELD", "An option cannot be null.", $"options[{i}]");
                options.Add(new ProductOptionState { Name = o.Name ?? "", Values = o.Values ?? [] });
            }
            inputs.AddRange(request.Variants.Select((v, i) => (v, $"variants[{i}]")));
        }
        else
        {
            if (request.Variants is { Count: > 0 })
                throw DomainException.Invalid("INVALID_FIELD", "'variants' needs 'options'; a simple product has a 'default_variant'.", "variants");
            if (request.DefaultVariant is null)
                throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Send 'default_variant' (simple product) or 'options' with 'variants'.", "default_variant");
            inputs.Add((request.DefaultVariant, "default_variant"));
        }
        if (inputs.Count > CatalogInput.MaxVariants)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {CatalogInput.MaxVariants} variants.", "variants");

        var variants = new List<VariantState>();
        var initial = new List<long>();
        foreach (var (input, param) in inputs)
        {
            if (input is null) throw DomainException.Invalid("INVALID_FIELD", "A variant cannot be null.", param);
            variants.Add(NewVariant(input, param, now));
            initial.Add(InitialQuantity(input, param));
        }
        ValidateVariantSet(options, variants, inputs.Select(i => i.Param).ToList());
        await EnsureModifierSets(modifierSetIds);

        var stock = variants.Select((v, i) => (v.VariantId, initial[i])).ToDictionary(x => x.VariantId, x => x.Item2);
        var view = await Change(draft =>
        {
            draft.Name = name;
            draft.Description = description;
            draft.ProductType = productType;
            draft.Status = status;
            draft.Categories = categories;
            draft.Options = options;
            draft.Variants = variants;
            draft.DefaultVariantId = variants.Count == 1 || options.Count == 0 ? variants[0].VariantId : null;
            draft.ModifierSetIds = modifierSetIds;
            draft.Metadata = metadata;
            draft.CreatedAt = now;
            draft.UpdatedAt = now;
            draft.PendingInventory = new Dictionary<string, long>(stock);
            var view = ToView(draft, stock);
            Record(draft, "product.created", view);
            return view;
        });
        await SyncInventory();
        return view;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        await SyncInventory();
    }

    public async Task<ProductView> Get()
    {
        EnsureExists();
        await SyncInventory();
        return ToView(State, await LiveStock(State));
    }

    public async Task<ProductView> Update(UpdateProductRequest request)
    {
        EnsureEditable();
        if (request.Name is null && request.Description is null && request.ProductType is null && request.Status is null
            && request.DefaultVariantId is null && request.ModifierSetIds is null && request.Metadata is null)
            throw CatalogInput.NoFields();
        var name = request.Name is null ? State.Name : CatalogInput.Name(request.Name);
        var description = request.Description is null ? State.Description : CatalogInput.Description(request.Description);
        var productType = request.ProductType is null ? State.ProductType : CatalogInput.ProductType(request.ProductType);
        var status = CatalogInput.SettableStatus(request.Status, State.Status);
        var modifierSetIds = request.ModifierSetIds is null ? State.ModifierSetIds : CatalogInput.ModifierSetIds(request.ModifierSetIds);
        var metadata = CatalogInput.MergeMetadata(State.Metadata, request.Metadata);
        var defaultVariantId = request.DefaultVariantId switch
        {
            null => State.DefaultVariantId,
            "" => null,
            var id when ActiveVariants(State).Any(v => v.VariantId == id) => id,
            var id => throw DomainException.Invalid("INVALID_DEFAULT_VARIANT", $"'{id}' is not a variant of this product.", "default_variant_id"),
        };
        if (request.ModifierSetIds is not null) await EnsureModifierSets(modifierSetIds);

        var view = await Save("product.updated", draft =>
        {
            draft.Name = name;
            draft.Description = description;
            draft.ProductType = productType;
            draft.Status = status;
            draft.ModifierSetIds = modifierSetIds;
            draft.Metadata = metadata;
            draft.DefaultVariantId = defaultVariantId;
            if (request.Status is not null) MarkAllPending(draft);
        });
        await SyncInventory();
        return view;
    }

    public async Task<ProductView> ReplaceCategories(ReplaceCategoriesRequest request)
    {
        EnsureEditable();
        if (request.Categories is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "categories is required (send [] to clear).", "categories");
        var categories = CatalogInput.Categories(request.Categories);
        return await Save("product.updated", draft => draft.Categories = categories);
    }

    public async Task<ProductView> Delete()
    {
        EnsureExists();
        if (State.Status == "deleted") return ToView(State, await LiveStock(State));
        var view = await Save("product.deleted", draft =>
        {
            draft.Status = "deleted";
            MarkAllPending(draft);
        });
        await SyncInventory();
        return view;
    }

    public async Task<VariantView> AddVariant(VariantInput request)
    {
        EnsureEditable();
        var now = Now;
        var variant = NewVariant(request, "", now);
        var initial = InitialQuantity(request, "");
        var all = ActiveVariants(State).Append(variant).ToList();
        if (all.Count > CatalogInput.MaxVariants)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {CatalogInput.MaxVariants} variants.", "variants");
        var options = State.Options;
        ValidateVariantSet(options, all, all.Select(_ => "").ToList());

        var stock = await LiveStock(State);
        stock[variant.VariantId] = initial;
        var view = await Change(draft =>
        {
            draft.Variants.Add(variant);
            draft.UpdatedAt = now;
            draft.PendingInventory[variant.VariantId] = initial;
            Record(draft, "product.updated", ToView(draft, stock));
            return ToVariantView(variant, stock);
        });
        await SyncInventory();
        return view;
    }

    public async Task<VariantView> UpdateVariant(string variantId, UpdateVariantRequest request)
    {
        EnsureEditable();
        var current = FindVariant(variantId);
        if (request.Name is null && request.OptionValues is null && request.UnitPriceMoney is null && request.Sku is null
            && request.Barcode is null && request.TaxCategory is null && request.Taxable is null && request.EnforceInventoryLimit is null)
            throw CatalogInput.NoFields();

        var updated = new VariantState
        {
            VariantId = current.VariantId,
            Name = request.Name switch { null => current.Name, "" => null, var n => CatalogInput.Name(n) },
            OptionValues = request.OptionValues ?? current.OptionValues,
            UnitPriceMoney = request.UnitPriceMoney is null ? current.UnitPriceMoney : request.UnitPriceMoney.ToMoney("unit_price_money"),
            Sku = request.Sku is null ? current.Sku : CatalogInput.Sku(request.Sku),
            Barcode = request.Barcode is null ? current.Barcode : CatalogInput.Barcode(request.Barcode),
            TaxCategory = request.TaxCategory is null ? current.TaxCategory : CatalogInput.TaxCategory(request.TaxCategory),
            Taxable = request.Taxable ?? current.Taxable,
            EnforceInventoryLimit = request.EnforceInventoryLimit ?? current.EnforceInventoryLimit,
            CreatedAt = current.CreatedAt,
            UpdatedAt = Now,
        };
        var all = ActiveVariants(State).Select(v => v.VariantId == variantId ? updated : v).ToList();
        ValidateVariantSet(State.Options, all, all.Select(_ => "").ToList());

        var stock = await LiveStock(State);
        var view = await Change(draft =>
        {
            var i = draft.Variants.FindIndex(v => v.VariantId == variantId);
            draft.Variants[i] = updated;
            draft.UpdatedAt = updated.UpdatedAt;
            if (updated.EnforceInventoryLimit != current.EnforceInventoryLimit) draft.PendingInventory.TryAdd(variantId, 0);
            Record(draft, "product.updated", ToView(draft, stock));
            return ToVariantView(updated, stock);
        });
        await SyncInventory();
        return view;
    }

    public async Task<ProductView> RemoveVariant(string variantId)
    {
        EnsureEditable();
        FindVariant(variantId);
        if (ActiveVariants(State).Count() == 1)
            throw DomainException.Conflict("LAST_VARIANT", "A product keeps at least one variant; delete the product instead.", "variant_id");
        var view = await Save("product.updated", draft =>
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
        var s = await Inventory(variantId).GetStock(ObjectId);
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
            Sellable = State.Status == "active" && !v.Deleted,
        });
    }

    protected override ProjectionRecord Project(ProductState s)
    {
        var active = ActiveVariants(s).ToList();
        var p = NewProjection(s, ProductProjection.Kind, ToView(s, new Dictionary<string, long>()));
        p.Name = s.Name;
        p.Status = s.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.Name, s.Description], active.Select(v => v.Sku), active.Select(v => v.VariantId));
        p.Skus = s.Status == "deleted" ? [] : active.Where(v => v.Sku is not null).Select(v => v.Sku!).ToList();
        return p;
    }

    /// <summary>Writes a product-level change and records it with a snapshot that includes live stock.</summary>
    private async Task<ProductView> Save(string eventType, Action<ProductState> mutate)
    {
        var stock = await LiveStock(State);
        return await Change(draft =>
        {
            mutate(draft);
            draft.UpdatedAt = Now;
            var v = ToView(draft, stock);
            Record(draft, eventType, v);
            return v;
        });
    }

    private VariantState NewVariant(VariantInput input, string param, DateTimeOffset now)
    {
        string P(string field) => param.Length == 0 ? field : $"{param}.{field}";
        if (input.UnitPriceMoney is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{P("unit_price_money")} is required.", P("unit_price_money"));
        return new VariantState
        {
            VariantId = FlintId.New(IdPrefix.Variant),
            Name = input.Name is null or "" ? null : CatalogInput.Name(input.Name, P("name")),
            OptionValues = input.OptionValues ?? [],
            UnitPriceMoney = input.UnitPriceMoney.ToMoney(P("unit_price_money")),
            Sku = CatalogInput.Sku(input.Sku, P("sku")),
            Barcode = CatalogInput.Barcode(input.Barcode, P("barcode")),
            TaxCategory = CatalogInput.TaxCategory(input.TaxCategory, P("tax_category")),
            Taxable = input.Taxable ?? true,
            EnforceInventoryLimit = input.EnforceInventoryLimit ?? false,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static long InitialQuantity(VariantInput input, string param)
    {
        var q = input.InitialQuantityAvailable ?? 0;
        Validation.RequireRange(q, 0, 1_000_000_000, param.Length == 0 ? "initial_quantity_available" : $"{param}.initial_quantity_available");
        return q;
    }

    /// <summary>The rules over a product's whole variant set: option combinations, one currency, distinct SKUs
    /// (uniqueness across products is the database's job). <paramref name="paramOf"/> names each variant in errors.</summary>
    private static void ValidateVariantSet(List<ProductOptionState> options, List<VariantState> variants, IReadOnlyList<string> paramOf)
    {
        ProductOptions.Validate(
            options.Select(o => new ProductOption(o.Name, o.Values)).ToList(),
            variants.Select(v => (IReadOnlyDictionary<string, string>)v.OptionValues).ToList());
        static string Field(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";
        var currency = variants[0].UnitPriceMoney.Currency;
        var skus = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Count; i++)
        {
            if (variants[i].UnitPriceMoney.Currency != currency)
                throw DomainException.Invalid("CURRENCY_MISMATCH", "All variants of a product are priced in one currency.", Field(paramOf[i], "unit_price_money.currency"));
            if (variants[i].Sku is { } sku && !skus.Add(sku))
                throw DomainException.Conflict("SKU_ALREADY_EXISTS", $"SKU '{sku}' is used twice.", Field(paramOf[i], "sku"));
        }
    }

    private async Task EnsureModifierSets(List<string> ids)
    {
        foreach (var id in ids)
            await GrainFactory.GetGrain<IModifierSetGrain>(Tenant.GrainKey(id)).EnsureAssignable();
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
            await Inventory(variantId).Configure(
                new VariantPolicy(ObjectId, v.EnforceInventoryLimit, State.Status == "active" && !v.Deleted), initial, actor: null);
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
        var stocks = await Task.WhenAll(variants.Select(v => Inventory(v.VariantId).GetStock(ObjectId)));
        return stocks.ToDictionary(x => x.VariantId, x => x.QuantityAvailable);
    }

    private IVariantInventoryGrain Inventory(string variantId) =>
        GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    private static IEnumerable<VariantState> ActiveVariants(ProductState s) => s.Variants.Where(v => !v.Deleted);

    private VariantState FindVariant(string variantId) =>
        ActiveVariants(State).FirstOrDefault(v => v.VariantId == variantId) ?? throw NotFound("variant");

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("product");
    }

    private void EnsureEditable()
    {
        EnsureExists();
        if (State.Status == "deleted")
            throw DomainException.Conflict("PRODUCT_DELETED", "This product is deleted; deletion is permanent.");
    }

    private ProductView ToView(ProductState s, IReadOnlyDictionary<string, long> stock)
    {
        var variants = ActiveVariants(s).Select(v => ToVariantView(v, stock)).ToList();
        return new ProductView
        {
            ProductId = ObjectId,
            Name = s.Name,
            Description = s.Description,
            ProductType = s.ProductType,
            Status = s.Status,
            Categories = s.Categories,
            Options = s.Options.Select(o => new ProductOptionView(o.Name, o.Values)).ToList(),
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
