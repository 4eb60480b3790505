using System.Text.Json.Nodes;
using Flint.Domain;

namespace Flint.Api.Tests.Infrastructure;

/// <summary>A product as a test created it: its id, its variants' ids (in request order) and the response data.</summary>
public sealed record CreatedProduct(string Id, IReadOnlyList<string> VariantIds, JsonNode Data)
{
    public string VariantId => VariantIds[0];
    public string AdjustPath(int variant = 0) => $"/v1/products/{Id}/variants/{VariantIds[variant]}/inventory-adjustments";
    public string HistoryPath(int variant = 0) => $"/v1/products/{Id}/variants/{VariantIds[variant]}/inventory-history";
    public string StockPath(int variant = 0) => $"/v1/products/{Id}/variants/{VariantIds[variant]}/inventory";
    public string VariantPath(int variant = 0) => $"/v1/products/{Id}/variants/{VariantIds[variant]}";
    public string Path => $"/v1/products/{Id}";
}

/// <summary>Builders for catalog objects. All tests share one database, so names, SKUs and categories that a test
/// filters on are made unique per test.</summary>
public static class CatalogData
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>A well-formed id that no object has.</summary>
    public static string UnknownId(string prefix) => FlintId.New(prefix);

    public static JsonObject Money(long amount, string currency = "USD") => new() { ["amount"] = amount, ["currency"] = currency };

    public static JsonObject Variant(string? sku, long quantity = 0, bool enforce = true, long amount = 1000, string currency = "USD")
    {
        var v = new JsonObject { ["unit_price_money"] = Money(amount, currency), ["initial_quantity_available"] = quantity, ["enforce_inventory_limit"] = enforce };
        if (sku is not null) v["sku"] = sku;
        return v;
    }

    public static string SimpleProductJson(string name, string? sku = null, long quantity = 0, bool enforce = true,
        string productType = "physical", IEnumerable<string>? categories = null, long amount = 1000, string currency = "USD")
    {
        var o = new JsonObject
        {
            ["name"] = name,
            ["product_type"] = productType,
            ["default_variant"] = Variant(sku, quantity, enforce, amount, currency),
        };
        if (categories is not null) o["categories"] = new JsonArray(categories.Select(c => (JsonNode?)c).ToArray());
        return o.ToJsonString();
    }

    public static async Task<CreatedProduct> CreateSimple(this ApiClient api, string? name = null, string? sku = null, long quantity = 0,
        bool enforce = true, string productType = "physical", IEnumerable<string>? categories = null)
    {
        var r = await api.Post("/v1/products", SimpleProductJson(name ?? Unique("Product"), sku, quantity, enforce, productType, categories));
        Assert.True(r.Status == 201, $"creating a product failed: {r}");
        return new CreatedProduct(r.Data.Str("product_id"), [r.Data.Str("default_variant_id")], r.Data);
    }

    /// <summary>A product with one option "Size" (values S, M, L, XL) and one variant per given stock quantity, in
    /// that order of sizes, SKUs <c>{skuBase}-{size}</c>. Sizes left over can be added later as variants.</summary>
    public static async Task<CreatedProduct> CreateSized(this ApiClient api, string skuBase, bool enforce, params long[] quantities)
    {
        string[] sizes = ["S", "M", "L", "XL"];
        var variants = new JsonArray();
        for (var i = 0; i < quantities.Length; i++)
        {
            var v = Variant($"{skuBase}-{sizes[i]}", quantities[i], enforce, 1500);
            v["option_values"] = new JsonObject { ["Size"] = sizes[i] };
            variants.Add(v);
        }
        var body = new JsonObject
        {
            ["name"] = $"Tee {skuBase}",
            ["product_type"] = "physical",
            ["options"] = new JsonArray(new JsonObject { ["name"] = "Size", ["values"] = new JsonArray("S", "M", "L", "XL") }),
            ["variants"] = variants,
        };
        var r = await api.Post("/v1/products", body.ToJsonString());
        Assert.True(r.Status == 201, $"creating a product failed: {r}");
        var ids = quantities.Select((_, i) => r.Data.Arr("variants").Single(v => v!.Str("sku") == $"{skuBase}-{sizes[i]}")!.Str("variant_id")).ToList();
        return new CreatedProduct(r.Data.Str("product_id"), ids, r.Data);
    }

    public static Task<ApiResponse> Adjust(this ApiClient api, CreatedProduct p, long delta, int variant = 0, string reason = "manual_adjustment",
        string? note = null, string? idempotencyKey = null)
    {
        var body = new JsonObject { ["quantity_delta"] = delta, ["change_reason"] = reason };
        if (note is not null) body["note"] = note;
        return api.Post(p.AdjustPath(variant), body.ToJsonString(), idempotencyKey);
    }

    public static async Task<long> Available(this ApiClient api, CreatedProduct p, int variant = 0)
    {
        var r = await api.Get(p.StockPath(variant));
        Assert.True(r.Status == 200, $"reading stock failed: {r}");
        return r.Data.Long("quantity_available");
    }

    public static async Task<string> CreateModifierSet(this ApiClient api, string? name = null)
    {
        var r = await api.Post("/v1/modifier-sets", $$"""
            {"name":"{{name ?? Unique("Milk")}}","min_selections":0,"max_selections":1,
             "options":[{"name":"Oat","price_adjustment_money":{"amount":50,"currency":"USD"} }]}
            """);
        Assert.True(r.Status == 201, $"creating a modifier set failed: {r}");
        return r.Data.Str("modifier_set_id");
    }

    public static async Task<JsonNode> CreateBundle(this ApiClient api, string? sku, params (string VariantId, long Quantity)[] components)
    {
        var body = new JsonObject
        {
            ["name"] = Unique("Bundle"),
            ["unit_price_money"] = Money(2500),
            ["components"] = new JsonArray(components.Select(c => (JsonNode?)new JsonObject { ["variant_id"] = c.VariantId, ["quantity"] = c.Quantity }).ToArray()),
        };
        if (sku is not null) body["sku"] = sku;
        var r = await api.Post("/v1/bundles", body.ToJsonString());
        Assert.True(r.Status == 201, $"creating a bundle failed: {r}");
        return r.Data;
    }

    /// <summary>Follows next_page_token until the end; returns every page's ids in order.</summary>
    public static async Task<List<List<string>>> WalkPages(this ApiClient api, string pathWithQuery, string idField, int maxPages = 50)
    {
        var pages = new List<List<string>>();
        string? token = null;
        var separator = pathWithQuery.Contains('?') ? "&" : "?";
        do
        {
            var r = await api.Get(token is null ? pathWithQuery : $"{pathWithQuery}{separator}page_token={Uri.EscapeDataString(token)}");
            Assert.True(r.Status == 200, $"listing failed: {r}");
            pages.Add(r.Ids(idField));
            token = r.Body!["next_page_token"]?.GetValue<string>();
            Assert.True(pages.Count <= maxPages, "too many pages");
        } while (token is not null);
        return pages;
    }
}

public static class JsonNodeExtensions
{
    public static string Str(this JsonNode node, string name) =>
        node[name]?.GetValue<string>() ?? throw new InvalidOperationException($"'{name}' missing or null in {node.ToJsonString()}");

    public static string? StrOrNull(this JsonNode node, string name) => node[name]?.GetValue<string>();

    public static long Long(this JsonNode node, string name) =>
        node[name]?.GetValue<long>() ?? throw new InvalidOperationException($"'{name}' missing or null in {node.ToJsonString()}");

    public static bool Bool(this JsonNode node, string name) =>
        node[name]?.GetValue<bool>() ?? throw new InvalidOperationException($"'{name}' missing or null in {node.ToJsonString()}");

    public static JsonArray Arr(this JsonNode node, string name) =>
        node[name]?.AsArray() ?? throw new InvalidOperationException($"'{name}' missing or null in {node.ToJsonString()}");

    public static List<string> Ids(this ApiResponse r, string idField) => r.Data.AsArray().Select(x => x!.Str(idField)).ToList();

    public static List<string> Strings(this JsonArray a) => a.Select(x => x!.GetValue<string>()).ToList();
}
