using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flint.Baseline;

public sealed record MoneyBody(long Amount, string Currency);
public sealed record VariantBody(MoneyBody? UnitPriceMoney, bool? EnforceInventoryLimit, long? InitialQuantityAvailable);
public sealed record CreateProductBody(string? Name, VariantBody? DefaultVariant);
public sealed record CreateCouponBody(string? Code, string? DiscountType, string? PercentOff);
public sealed record JurisdictionBody(string? Country);
public sealed record CreateTaxRateBody(string? Name, string? Percentage, JurisdictionBody? Jurisdiction);
public sealed record LineBody(string? VariantId, long? Quantity);
public sealed record CreateOrderBody(string? Currency, List<LineBody>? LineItems, JurisdictionBody? TaxLocation);
public sealed record ApplyCouponBody(string? CouponCode);
public sealed record PayBody(List<string>? PaymentSourceTokens);

/// <summary>The paths and JSON shapes of the Flint calls the benchmark makes, answered from <see cref="BaselineStore"/>.
/// No authentication and no idempotency keys: a hand-written service often has neither, and the benchmark counts
/// that in the baseline's favour.</summary>
public static class BaselineEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Map(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            try
            {
                await next(ctx);
            }
            catch (BaselineException e)
            {
                await Write(ctx, e.Status, new { error = new { type = "request", code = e.Code, message = e.Message } });
            }
            catch (JsonException e)
            {
                await Write(ctx, 400, new { error = new { type = "invalid_request", code = "INVALID_JSON", message = e.Message } });
            }
        });

        app.MapPost("/v1/tax-rates", async (HttpContext ctx, BaselineStore store) =>
        {
            var body = await Read<CreateTaxRateBody>(ctx);
            var country = body.Jurisdiction?.Country ?? throw Missing("jurisdiction.country");
            var pct = decimal.Parse(body.Percentage ?? throw Missing("percentage"), CultureInfo.InvariantCulture);
            var id = await store.AddTaxRate(country, pct);
            await Write(ctx, 201, new { data = new { tax_rate_id = id, percentage = body.Percentage, jurisdiction = new { country } } });
        });

        app.MapPost("/v1/products", async (HttpContext ctx, BaselineStore store) =>
        {
            var body = await Read<CreateProductBody>(ctx);
            var v = body.DefaultVariant ?? throw Missing("default_variant");
            var price = v.UnitPriceMoney ?? throw Missing("default_variant.unit_price_money");
            var row = await store.AddVariant(body.Name ?? throw Missing("name"), price.Amount, price.Currency,
                v.InitialQuantityAvailable ?? 0, v.EnforceInventoryLimit ?? false);
            await Write(ctx, 201, new { data = Product(row) });
        });

        app.MapGet("/v1/products", async (HttpContext ctx, BaselineStore store) =>
        {
            var size = int.TryParse(ctx.Request.Query["page_size"], out var n) ? Math.Clamp(n, 1, 100) : 20;
            var token = ctx.Request.Query["page_token"].ToString();
            var rows = await store.ListVariants(size, token.Length > 0 ? token : null);
            await Write(ctx, 200, new { data = rows.Select(Product), next_page_token = rows.Count == size ? rows[^1].ProductId : null });
        });

        app.MapGet("/v1/products/{productId}/variants/{variantId}/inventory", async (HttpContext ctx, BaselineStore store, string productId, string variantId) =>
        {
            var v = await store.GetVariant(variantId);
            if (v is null || v.ProductId != productId) throw new BaselineException(404, "RESOURCE_NOT_FOUND", $"No variant {variantId}.");
            await Write(ctx, 200, new { data = new { variant_id = v.VariantId, product_id = v.ProductId, quantity_on_hand = v.Stock,
                quantity_reserved = 0, quantity_available = v.Stock, enforce_inventory_limit = v.EnforceInventoryLimit } });
        });

        app.MapPost("/v1/coupons", async (HttpContext ctx, BaselineStore store) =>
        {
            var body = await Read<CreateCouponBody>(ctx);
            if (body.DiscountType != "percentage") throw new BaselineException(400, "INVALID_FIELD", "Only percentage coupons here.");
            var code = (body.Code ?? throw Missing("code")).ToUpperInvariant();
            await store.AddCoupon(code, decimal.Parse(body.PercentOff ?? throw Missing("percent_off"), CultureInfo.InvariantCulture));
            await Write(ctx, 201, new { data = new { code, discount_type = "percentage", percent_off = body.PercentOff } });
        });

        app.MapPost("/v1/orders", async (HttpContext ctx, BaselineStore store) =>
        {
            var body = await Read<CreateOrderBody>(ctx);
            var lines = (body.LineItems ?? throw Missing("line_items"))
                .Select(l => (l.VariantId ?? throw Missing("line_items.variant_id"), l.Quantity ?? 1)).ToList();
            var order = await store.CreateOrder(body.Currency, lines, body.TaxLocation?.Country);
            await Write(ctx, 201, new { data = Order(order) });
        });

        app.MapGet("/v1/orders/{orderId}", async (HttpContext ctx, BaselineStore store, string orderId) =>
            await Write(ctx, 200, new { data = Order(await store.GetOrder(orderId)) }));

        app.MapPost("/v1/orders/{orderId}/apply-coupon", async (HttpContext ctx, BaselineStore store, string orderId) =>
        {
            var body = await Read<ApplyCouponBody>(ctx);
            var code = (body.CouponCode ?? throw Missing("coupon_code")).ToUpperInvariant();
            await Write(ctx, 200, new { data = Order(await store.ApplyCoupon(orderId, code)) });
        });

        app.MapPost("/v1/orders/{orderId}/pay", async (HttpContext ctx, BaselineStore store, string orderId) =>
        {
            var body = await Read<PayBody>(ctx);
            var token = body.PaymentSourceTokens is [var t] ? t : throw Missing("payment_source_tokens");
            var (order, payment) = await store.Pay(orderId, token);
            await Write(ctx, 200, new { data = new { order = Order(order), payments = new[] { Payment(payment) } } });
        });

        // For the benchmark's verification: the simulated processor's ledger lives in this process's memory.
        app.MapGet("/baseline/charges", async (HttpContext ctx, BaselineStore store) =>
            await Write(ctx, 200, new { data = store.SucceededCharges() }));
    }

    private static object Product(VariantRow v) => new
    {
        product_id = v.ProductId,
        name = v.Name,
        status = "active",
        default_variant = new
        {
            variant_id = v.VariantId,
            product_id = v.ProductId,
            unit_price_money = new { amount = v.Price, currency = v.Currency },
            enforce_inventory_limit = v.EnforceInventoryLimit,
            quantity_available = v.Stock,
        },
    };

    private static object Order(OrderRow o) => new
    {
        order_id = o.Id,
        status = o.Status,
        currency = o.Currency,
        version = o.Version,
        coupon_codes = o.CouponCode is null ? Array.Empty<string>() : [o.CouponCode],
        line_items = o.Lines.Select(l => new
        {
            variant_id = l.VariantId,
            name = l.Name,
            quantity = l.Quantity,
            base_price_money = Money(l.UnitPrice, o.Currency),
            gross_sales_money = Money(l.UnitPrice * l.Quantity, o.Currency),
        }),
        net_amounts = new
        {
            subtotal_money = Money(o.Subtotal, o.Currency),
            discount_money = Money(o.Discount, o.Currency),
            tax_money = Money(o.Tax, o.Currency),
            total_money = Money(o.Total, o.Currency),
            paid_money = Money(o.Paid, o.Currency),
            balance_money = Money(o.Total - o.Paid, o.Currency),
        },
        created_at = o.CreatedAt,
        updated_at = o.UpdatedAt,
    };

    private static object Payment(PaymentRow p) => new
    {
        payment_id = p.Id,
        order_id = p.OrderId,
        status = p.Status,
        amount_money = Money(p.Amount, p.Currency),
        processor_reference = p.ProcessorReference,
    };

    private static object Money(long amount, string currency) => new { amount, currency };

    private static async Task<T> Read<T>(HttpContext ctx) =>
        await JsonSerializer.DeserializeAsync<T>(ctx.Request.Body, Json, ctx.RequestAborted)
        ?? throw new BaselineException(400, "INVALID_JSON", "Send a JSON object.");

    private static BaselineException Missing(string field) => new(400, "MISSING_REQUIRED_FIELD", $"{field} is required.");

    private static async Task Write(HttpContext ctx, int status, object body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, body, body.GetType(), Json, ctx.RequestAborted);
    }
}
