using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Abstractions.Tax;

namespace Flint.Client;

/// <summary>
/// The Flint API from .NET: <c>new FlintClient(apiKey, baseUrl)</c>, then <c>client.Orders.CreateAsync(…)</c> and the
/// other resources. Requests and answers are the API's own contracts (Flint.Abstractions), so a field the API gains is
/// here at once. For HttpClientFactory, register it as a typed client: <c>services.AddHttpClient&lt;FlintClient&gt;()</c>
/// with a <see cref="FlintClientOptions"/> in the container.
/// </summary>
public sealed class FlintClient : IDisposable
{
    private readonly HttpClient? _owned;

    public FlintClient(string apiKey, string baseUrl = "http://127.0.0.1:5080")
        : this(new HttpClient(), new FlintClientOptions { ApiKey = apiKey, BaseUrl = new Uri(baseUrl) }, owned: true)
    {
    }

    /// <summary>On an HttpClient the caller owns (HttpClientFactory's typed client, a test's handler).</summary>
    public FlintClient(HttpClient http, FlintClientOptions options) : this(http, options, owned: false)
    {
    }

    private FlintClient(HttpClient http, FlintClientOptions options, bool owned)
    {
        if (string.IsNullOrEmpty(options.ApiKey)) throw new ArgumentException("An API key is required.", nameof(options));
        _owned = owned ? http : null;
        var t = new FlintTransport(http, options);
        Products = new(t);
        Items = new(t);
        Orders = new(t);
        Coupons = new(t);
        Customers = new(t);
        Payments = new(t);
        Refunds = new(t);
        TaxRates = new(t);
        Events = new(t);
    }

    public ProductsResource Products { get; }
    /// <summary>The product page's shorthand for a simple product (one variant, its stock enforced).</summary>
    public ItemsResource Items { get; }
    public OrdersResource Orders { get; }
    public CouponsResource Coupons { get; }
    public CustomersResource Customers { get; }
    public PaymentsResource Payments { get; }
    public RefundsResource Refunds { get; }
    public TaxRatesResource TaxRates { get; }
    public EventsResource Events { get; }

    public void Dispose() => _owned?.Dispose();
}

/// <summary>Options of one call: the Idempotency-Key to send (a new one when null; mutations only).</summary>
public sealed record RequestOptions(string? IdempotencyKey = null);

public sealed class ProductsResource(FlintTransport t)
{
    public Task<ProductView> CreateAsync(CreateProductRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<ProductView>(HttpMethod.Post, "/v1/products", request, options?.IdempotencyKey, ct);
    public Task<ProductView> GetAsync(string productId, CancellationToken ct = default) =>
        t.Send<ProductView>(HttpMethod.Get, $"/v1/products/{FlintTransport.Segment(productId)}", null, null, ct);
    public IAsyncEnumerable<ProductView> ListAsync(int? pageSize = null, CancellationToken ct = default) =>
        t.List<ProductView>("/v1/products", null, pageSize, ct);
}

/// <summary>An item as the product page creates it.</summary>
public sealed class CreateItemRequest
{
    public required string Name { get; init; }
    /// <summary>ITEM_TYPE_PRODUCT (a physical product; the only type so far).</summary>
    public string Type { get; init; } = ItemsResource.ProductType;
    public required MoneyInput UnitPriceMoney { get; init; }
    public string? Sku { get; init; }
    /// <summary>The stock it starts with; selling beyond it is refused (its inventory limit is enforced).</summary>
    public long? InventoryCount { get; init; }
}

/// <summary>The item made: <see cref="ItemId"/> is its product's id, <see cref="VariantId"/> what an order's line names.</summary>
public sealed record Item(string ItemId, string VariantId, ProductView Product);

/// <summary>
/// <c>Items.CreateAsync({ name, type, unitPriceMoney, sku, inventoryCount })</c> is a product with one default variant:
/// <c>POST /v1/products {name, product_type: "physical", default_variant: {unit_price_money, sku,
/// initial_quantity_available: inventoryCount, enforce_inventory_limit: true}}</c>. An order's line takes the item's
/// <see cref="Item.VariantId"/>.
/// </summary>
public sealed class ItemsResource(FlintTransport t)
{
    public const string ProductType = "ITEM_TYPE_PRODUCT";

    public async Task<Item> CreateAsync(CreateItemRequest item, RequestOptions? options = null, CancellationToken ct = default)
    {
        if (item.Type != ProductType) throw new ArgumentException($"Only {ProductType} items exist so far.", nameof(item));
        var product = await t.Send<ProductView>(HttpMethod.Post, "/v1/products", new CreateProductRequest
        {
            Name = item.Name,
            DefaultVariant = new VariantInput
            {
                UnitPriceMoney = item.UnitPriceMoney,
                Sku = item.Sku,
                InitialQuantityAvailable = item.InventoryCount,
                EnforceInventoryLimit = item.InventoryCount is null ? null : true,
            },
        }, options?.IdempotencyKey, ct);
        return new Item(product.ProductId, product.DefaultVariantId ?? throw new FlintError(200, "internal", "UNEXPECTED_RESPONSE", "The product has no default variant.", null, null), product);
    }
}

public sealed class OrdersResource(FlintTransport t)
{
    private static string Of(string orderId) => $"/v1/orders/{FlintTransport.Segment(orderId)}";

    public Task<OrderView> CreateAsync(CreateOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, "/v1/orders", request, options?.IdempotencyKey, ct);
    public Task<OrderView> GetAsync(string orderId, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Get, Of(orderId), null, null, ct);
    /// <param name="status">open | partially_paid | paid | … (null: all)</param>
    public IAsyncEnumerable<OrderView> ListAsync(string? status = null, string? customerId = null, int? pageSize = null, CancellationToken ct = default) =>
        t.List<OrderView>("/v1/orders", new Dictionary<string, string?> { ["status"] = status, ["customer_id"] = customerId }, pageSize, ct);
    public Task<OrderView> ApplyCouponAsync(string orderId, ApplyCouponRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/apply-coupon", request, options?.IdempotencyKey, ct);
    public Task<OrderView> AddLineItemAsync(string orderId, AddLineItemRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/line-items", request, options?.IdempotencyKey, ct);
    public Task<OrderView> CancelAsync(string orderId, OrderVersionRequest? request = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<OrderView>(HttpMethod.Post, Of(orderId) + "/cancel", request ?? new OrderVersionRequest(), options?.IdempotencyKey, ct);
    /// <summary>Pays the balance (or part of it); a decline is a <see cref="FlintError"/> 402 PAYMENT_DECLINED.</summary>
    public Task<PayOrderResult> PayAsync(string orderId, PayOrderRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<PayOrderResult>(HttpMethod.Post, Of(orderId) + "/pay", request, options?.IdempotencyKey, ct);
    public Task<RefundOrderResult> RefundAsync(string orderId, CreateRefundRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<RefundOrderResult>(HttpMethod.Post, Of(orderId) + "/refunds", request, options?.IdempotencyKey, ct);
}

public sealed class CouponsResource(FlintTransport t)
{
    public Task<CouponView> CreateAsync(CouponRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CouponView>(HttpMethod.Post, "/v1/coupons", request, options?.IdempotencyKey, ct);
    public Task<CouponView> GetAsync(string couponId, CancellationToken ct = default) =>
        t.Send<CouponView>(HttpMethod.Get, $"/v1/coupons/{FlintTransport.Segment(couponId)}", null, null, ct);
    public IAsyncEnumerable<CouponView> ListAsync(int? pageSize = null, CancellationToken ct = default) =>
        t.List<CouponView>("/v1/coupons", null, pageSize, ct);
}

public sealed class CustomersResource(FlintTransport t)
{
    public Task<CustomerView> CreateAsync(CustomerRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerView>(HttpMethod.Post, "/v1/customers", request, options?.IdempotencyKey, ct);
    public Task<CustomerView> GetAsync(string customerId, CancellationToken ct = default) =>
        t.Send<CustomerView>(HttpMethod.Get, $"/v1/customers/{FlintTransport.Segment(customerId)}", null, null, ct);
    public IAsyncEnumerable<CustomerView> ListAsync(string? query = null, int? pageSize = null, CancellationToken ct = default) =>
        t.List<CustomerView>("/v1/customers", new Dictionary<string, string?> { ["query"] = query }, pageSize, ct);
}

public sealed class PaymentsResource(FlintTransport t)
{
    public Task<PaymentView> GetAsync(string paymentId, CancellationToken ct = default) =>
        t.Send<PaymentView>(HttpMethod.Get, $"/v1/payments/{FlintTransport.Segment(paymentId)}", null, null, ct);
    public IAsyncEnumerable<PaymentView> ListAsync(string? orderId = null, int? pageSize = null, CancellationToken ct = default) =>
        t.List<PaymentView>("/v1/payments", new Dictionary<string, string?> { ["order_id"] = orderId }, pageSize, ct);
}

public sealed class RefundsResource(FlintTransport t)
{
    public Task<RefundView> GetAsync(string refundId, CancellationToken ct = default) =>
        t.Send<RefundView>(HttpMethod.Get, $"/v1/refunds/{FlintTransport.Segment(refundId)}", null, null, ct);
    public IAsyncEnumerable<RefundView> ListAsync(string? orderId = null, int? pageSize = null, CancellationToken ct = default) =>
        t.List<RefundView>("/v1/refunds", new Dictionary<string, string?> { ["order_id"] = orderId }, pageSize, ct);
}

public sealed class TaxRatesResource(FlintTransport t)
{
    public Task<TaxRateView> CreateAsync(TaxRateRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<TaxRateView>(HttpMethod.Post, "/v1/tax-rates", request, options?.IdempotencyKey, ct);
    public IAsyncEnumerable<TaxRateView> ListAsync(int? pageSize = null, CancellationToken ct = default) =>
        t.List<TaxRateView>("/v1/tax-rates", null, pageSize, ct);
}

/// <summary>Events as the API shows them (id, type, created_at, data.object), newest first.</summary>
public sealed class EventsResource(FlintTransport t)
{
    public IAsyncEnumerable<JsonObject> ListAsync(string? type = null, int? pageSize = null, CancellationToken ct = default) =>
        t.List<JsonObject>("/v1/events", new Dictionary<string, string?> { ["type"] = type }, pageSize, ct);
}
