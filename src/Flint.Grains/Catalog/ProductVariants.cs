using Flint.Abstractions.Catalog;
using Flint.Domain;
using Flint.Domain.Catalog;

namespace Flint.Grains.Catalog;

/// <summary>How requests become a product's variants: a new product's options and variants, one variant created or
/// updated, and the rules over the whole set. <c>param</c> names the variant in errors ("" for the variant endpoints).</summary>
internal static class ProductVariants
{
    /// <summary>The options, variants and opening stock of a new product: a simple product has one
    /// <c>default_variant</c>, an optioned one its <c>options</c> and <c>variants</c>.</summary>
    public static (List<ProductOptionView> Options, List<VariantState> Variants, List<long> Initial) OfNewProduct(
        CreateProductRequest request, DateTimeOffset now)
    {
        var options = new List<ProductOptionView>();
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
                options.Add(new ProductOptionView(o.Name ?? "", o.Values ?? []));
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
            variants.Add(Variant(input, current: null, param, now));
            initial.Add(InitialQuantity(input, param));
        }
        ValidateSet(options, variants, inputs.Select(i => i.Param).ToList());
        return (options, variants, initial);
    }

    /// <summary>The variant after <paramref name="input"/>: a new one when <paramref name="current"/> is null (its price
    /// is required), else <paramref name="current"/> with the fields sent replaced (<c>""</c> clears the name).</summary>
    public static VariantState Variant(UpdateVariantRequest input, VariantState? current, string param, DateTimeOffset now)
    {
        string P(string field) => param.Length == 0 ? field : $"{param}.{field}";
        return new VariantState
        {
            VariantId = current?.VariantId ?? FlintId.New(IdPrefix.Variant),
            Name = input.Name switch { null => current?.Name, "" => null, var n => CatalogInput.Name(n, P("name")) },
            OptionValues = input.OptionValues ?? current?.OptionValues ?? [],
            UnitPriceMoney = input.UnitPriceMoney?.ToMoney(P("unit_price_money")) ?? current?.UnitPriceMoney
                ?? throw DomainException.Missing(P("unit_price_money")),
            Sku = input.Sku is null ? current?.Sku : CatalogInput.Sku(input.Sku, P("sku")),
            Barcode = input.Barcode is null ? current?.Barcode : CatalogInput.Barcode(input.Barcode, P("barcode")),
            TaxCategory = input.TaxCategory is null && current is not null ? current.TaxCategory : CatalogInput.TaxCategory(input.TaxCategory, P("tax_category")),
            Taxable = input.Taxable ?? current?.Taxable ?? true,
            EnforceInventoryLimit = input.EnforceInventoryLimit ?? current?.EnforceInventoryLimit ?? false,
            CreatedAt = current?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }

    public static long InitialQuantity(VariantInput input, string param)
    {
        var q = input.InitialQuantityAvailable ?? 0;
        Validation.RequireRange(q, 0, 1_000_000_000, param.Length == 0 ? "initial_quantity_available" : $"{param}.initial_quantity_available");
        return q;
    }

    /// <summary>The rules over a product's whole variant set: option combinations, one currency, distinct SKUs
    /// (uniqueness across products is the database's job). <paramref name="paramOf"/> names each variant in errors.</summary>
    public static void ValidateSet(List<ProductOptionView> options, List<VariantState> variants, IReadOnlyList<string> paramOf)
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
}
