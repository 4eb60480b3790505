using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Catalog;

namespace Flint.Grains.Orders;

/// <summary>
/// Turns a requested line into a frozen order line: catalog price, name, SKU and tax treatment as they are
/// now, modifiers checked against the item's modifier sets. Shared by the order grain and the quote grain so
/// a cart preview and a saved order price the same way.
/// </summary>
public sealed class OrderLineResolver(IGrainFactory grains, Tenant tenant)
{
    public const long MaxQuantity = 1_000_000;
    private const int MaxNoteLength = 500;

    public async Task<OrderLineState> Resolve(LineItemInput input, string param, string? orderCurrency, bool allowPriceOverride)
    {
        string P(string field) => param.Length == 0 ? field : $"{param}.{field}";
        var kinds = (input.VariantId is not null ? 1 : 0) + (input.BundleId is not null ? 1 : 0);
        if (kinds > 1 || (kinds == 0 && input.Name is null))
            throw DomainException.Invalid("INVALID_LINE_ITEM", "A line item has exactly one of variant_id, bundle_id, or name + unit_price_money (ad hoc).", param.Length == 0 ? null : param);
        if (input.Quantity is null) throw DomainException.Missing(P("quantity"));
        Validation.RequireRange(input.Quantity.Value, 1, MaxQuantity, P("quantity"));
        if (input.Note is not null) Validation.RequireLength(input.Note, P("note"), 0, MaxNoteLength);

        var line = new OrderLineState
        {
            LineItemId = FlintId.New(IdPrefix.LineItem),
            Quantity = input.Quantity.Value,
            Note = input.Note is "" ? null : input.Note,
        };

        SellableItem? item = null;
        if (input.VariantId is not null)
        {
            if (input.Name is not null)
                throw DomainException.Invalid("INVALID_FIELD", "name is only for ad hoc lines; catalog lines take their name from the catalog.", P("name"));
            if (!FlintId.IsValid(input.VariantId, IdPrefix.Variant))
                throw DomainException.Invalid("INVALID_ID", $"'{input.VariantId}' is not a variant id.", P("variant_id"));
            StockView stock;
            try { stock = await grains.GetGrain<IVariantInventoryGrain>(tenant.GrainKey(input.VariantId)).GetStock(); }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
            { throw DomainException.Invalid("INVALID_VARIANT", $"Variant {input.VariantId} does not exist.", P("variant_id")); }
            item = await grains.GetGrain<IProductGrain>(tenant.GrainKey(stock.ProductId)).GetSellable(input.VariantId);
            line.ItemType = "variant";
            line.Components = [new LineComponentState { VariantId = input.VariantId, Quantity = 1 }];
        }
        else if (input.BundleId is not null)
        {
            if (input.Name is not null)
                throw DomainException.Invalid("INVALID_FIELD", "name is only for ad hoc lines; catalog lines take their name from the catalog.", P("name"));
            if (!FlintId.IsValid(input.BundleId, IdPrefix.Bundle))
                throw DomainException.Invalid("INVALID_ID", $"'{input.BundleId}' is not a bundle id.", P("bundle_id"));
            try { item = await grains.GetGrain<IBundleGrain>(tenant.GrainKey(input.BundleId)).GetSellable(); }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
            { throw DomainException.Invalid("INVALID_BUNDLE", $"Bundle {input.BundleId} does not exist.", P("bundle_id")); }
            line.ItemType = "bundle";
            line.Components = item.Components.Select(c => new LineComponentState { VariantId = c.VariantId, Quantity = c.Quantity }).ToList();
        }

        if (item is not null)
        {
            if (!item.Sellable)
                throw DomainException.Conflict("ITEM_NOT_SELLABLE", $"{item.Name} is inactive or deleted and cannot be sold.", param.Length == 0 ? null : param);
            if (input.UnitPriceMoney is not null && !allowPriceOverride)
                throw DomainException.Invalid("PRICE_NOT_OVERRIDABLE", "Catalog lines take their price from the catalog; turn on allow_price_override in /v1/settings to send one.", P("unit_price_money"));
            line.ProductId = item.ProductId;
            line.VariantId = item.VariantId;
            line.BundleId = item.BundleId;
            line.Name = item.Name;
            line.Sku = item.Sku;
            line.BasePriceMoney = input.UnitPriceMoney?.ToMoney(P("unit_price_money")) ?? item.UnitPriceMoney;
            line.TaxCategory = item.TaxCategory;
            line.Taxable = item.Taxable;
            line.Categories = item.Categories.ToList();
            line.ModifierSetIds = item.ModifierSetIds.ToList();
        }
        else
        {
            line.ItemType = "custom";
            Validation.RequireLength(input.Name, P("name"), 1, 255);
            line.Name = input.Name!;
            if (input.UnitPriceMoney is null)
                throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{P("unit_price_money")} is required for an ad hoc line.", P("unit_price_money"));
            line.BasePriceMoney = input.UnitPriceMoney.ToMoney(P("unit_price_money"));
        }

        if (orderCurrency is not null && line.BasePriceMoney.Currency != orderCurrency)
            throw DomainException.Invalid("CURRENCY_MISMATCH", $"This line is priced in {line.BasePriceMoney.Currency}; the order is in {orderCurrency}.", P("unit_price_money.currency"));
        line.Modifiers = await Modifiers(input.Modifiers ?? [], line.ModifierSetIds, line.BasePriceMoney.Currency, P("modifiers"));
        return line;
    }

    /// <summary>Picks options of the modifier sets assigned to the item, and checks every assigned set's
    /// min/max — also the sets the caller picked nothing from.</summary>
    public async Task<List<LineModifierView>> Modifiers(List<LineModifierInput> picked, List<string> assignedSetIds, string currency, string param)
    {
        var sets = new List<ModifierSetView>();
        foreach (var id in assignedSetIds)
        {
            try
            {
                var set = await grains.GetGrain<IModifierSetGrain>(tenant.GrainKey(id)).Get();
                if (Validation.ParseSnakeEnum<CatalogStatus>(set.Status, "status") == CatalogStatus.Active) sets.Add(set);
            }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND") { }
        }
        var ids = new List<string>();
        for (var i = 0; i < picked.Count; i++)
        {
            var id = picked[i]?.ModifierOptionId;
            if (id is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{param}[{i}].modifier_option_id is required.", $"{param}[{i}].modifier_option_id");
            if (!sets.Any(s => s.Options.Any(o => o.ModifierOptionId == id)))
                throw DomainException.Invalid("INVALID_MODIFIER", $"'{id}' is not an option of a modifier set assigned to this item.", $"{param}[{i}].modifier_option_id");
            ids.Add(id);
        }
        var result = new List<LineModifierView>();
        foreach (var set in sets)
        {
            var mine = ids.Where(id => set.Options.Any(o => o.ModifierOptionId == id)).ToList();
            ModifierSetRules.ValidateSelection(set.MinSelections, set.MaxSelections, mine, set.Options.Select(o => o.ModifierOptionId), param);
            foreach (var id in mine)
            {
                var option = set.Options.First(o => o.ModifierOptionId == id);
                if (option.PriceAdjustmentMoney.Currency != currency)
                    throw DomainException.Invalid("CURRENCY_MISMATCH", $"Modifier '{option.Name}' is priced in {option.PriceAdjustmentMoney.Currency}.", param);
                result.Add(new LineModifierView(id, set.ModifierSetId, option.Name, option.PriceAdjustmentMoney));
            }
        }
        return result;
    }
}
