using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Orders;

/// <summary>Builders and readers for order tests: amounts are read as minor units.</summary>
internal static class OrderData
{
    public static string AdHoc(string name, long amount, long quantity = 1, string currency = "USD") =>
        $$"""{"name":"{{name}}","unit_price_money":{"amount":{{amount}},"currency":"{{currency}}"},"quantity":{{quantity}}}""";

    public static string VariantLine(string variantId, long quantity = 1) => $$"""{"variant_id":"{{variantId}}","quantity":{{quantity}}}""";

    /// <summary>POSTs an order body and asserts 201; returns the order.</summary>
    public static async Task<JsonNode> CreateOrder(this ApiClient api, string json)
    {
        var r = await api.Post("/v1/orders", json);
        Assert.True(r.Status == 201, $"creating an order failed: {r}");
        return r.Data;
    }

    /// <summary>An order in USD with the given lines (JSON objects) and optional extra top-level JSON members.</summary>
    public static Task<JsonNode> CreateOrderWith(this ApiClient api, string extra = "", params string[] lines) =>
        api.CreateOrder($$"""{"currency":"USD","line_items":[{{string.Join(",", lines)}}]{{(extra.Length > 0 ? "," + extra : "")}}}""");

    public static async Task<CreatedProduct> CreateProduct(this ApiClient api, string name, long amount, string currency = "USD",
        string taxCategory = "general", string? status = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["default_variant"] = new JsonObject
            {
                ["unit_price_money"] = CatalogData.Money(amount, currency),
                ["tax_category"] = taxCategory,
            },
        };
        if (status is not null) body["status"] = status;
        var r = await api.Post("/v1/products", body.ToJsonString());
        Assert.True(r.Status == 201, $"creating a product failed: {r}");
        return new CreatedProduct(r.Data.Str("product_id"), [r.Data.Str("default_variant_id")], r.Data);
    }

    public static async Task<string> CreateTaxRate(this ApiClient api, string json)
    {
        var r = await api.Post("/v1/tax-rates", json);
        Assert.True(r.Status == 201, $"creating a tax rate failed: {r}");
        return r.Data.Str("tax_rate_id");
    }

    public static async Task<string> CreateCoupon(this ApiClient api, string json)
    {
        var r = await api.Post("/v1/coupons", json);
        Assert.True(r.Status == 201, $"creating a coupon failed: {r}");
        return r.Data.Str("coupon_id");
    }

    public static async Task<string> CreateCustomer(this ApiClient api)
    {
        var r = await api.Post("/v1/customers", $$"""{"email":"{{Guid.NewGuid():N}}@example.com","name":"Ada"}""");
        Assert.True(r.Status == 201, $"creating a customer failed: {r}");
        return r.Data.Str("customer_id");
    }

    /// <summary>A net_amounts figure in minor units: Net(order, "total") reads net_amounts.total_money.amount.</summary>
    public static long Net(this JsonNode order, string figure) => order["net_amounts"]![$"{figure}_money"]!.Long("amount");

    public static (long Subtotal, long Discount, long Tax, long Total, long Balance) Amounts(this JsonNode order) =>
        (order.Net("subtotal"), order.Net("discount"), order.Net("tax"), order.Net("total"), order.Net("balance"));

    public static JsonNode Line(this JsonNode order, string name) =>
        order.Arr("line_items").Single(l => l!.Str("name") == name)!;

    /// <summary>gross, discount, tax and total of one line, in minor units.</summary>
    public static (long Gross, long Discount, long Tax, long Total) LineAmounts(this JsonNode line) =>
        (line["gross_sales_money"]!.Long("amount"), line["total_discount_money"]!.Long("amount"),
         line["total_tax_money"]!.Long("amount"), line["total_money"]!.Long("amount"));

    public static long AppliedTax(this JsonNode order, string taxRateId) =>
        order.Arr("applied_taxes").Single(t => t!.Str("tax_rate_id") == taxRateId)!["applied_money"]!.Long("amount");

    public static long Version(this JsonNode order) => order.Long("version");

    public static async Task<JsonNode> GetOrder(this ApiClient api, string orderId)
    {
        var r = await api.Get($"/v1/orders/{orderId}");
        Assert.True(r.Status == 200, $"reading the order failed: {r}");
        return r.Data;
    }
}
