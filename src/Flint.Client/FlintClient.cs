using System.Globalization;
using Flint.Abstractions.Devices;

namespace Flint.Client;

/// <summary>
/// The Flint API from .NET: <c>new FlintClient(apiKey, baseUrl)</c>, then <c>client.Orders.CreateAsync(…)</c> and the
/// other resources — one property per resource, one method per operation of the API (a test fails when an operation of
/// the OpenAPI document has no method). Requests and answers are the API's own contracts (Flint.Abstractions), so a
/// field the API gains is here at once. For HttpClientFactory, register it as a typed client:
/// <c>services.AddHttpClient&lt;FlintClient&gt;()</c> with a <see cref="FlintClientOptions"/> in the container.
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
        Variants = new(t);
        Inventory = new(t);
        Catalog = new(t);
        Bundles = new(t);
        ModifierSets = new(t);
        Items = new(t);
        Orders = new(t);
        Coupons = new(t);
        Customers = new(t);
        Payments = new(t);
        Refunds = new(t);
        TaxRates = new(t);
        Events = new(t);
        Plans = new(t);
        Subscriptions = new(t);
        Invoices = new(t);
        CheckoutSessions = new(t);
        PaymentLinks = new(t);
        WebhookEndpoints = new(t);
        PartnerApps = new(t);
        Installations = new(t);
        Locations = new(t);
        Devices = new(t);
        TerminalCheckouts = new(t);
        Settings = new(t);
        ApiKeys = new(t);
        Users = new(t);
        Merchants = new(t);
    }

    /// <summary>
    /// Pairs a device with the code its merchant made (<c>Devices.CreateCodeAsync</c>): no API key is needed (nor sent).
    /// The answer's <see cref="PairedDevice.DeviceToken"/> (shown this once) is the key of the device's own client:
    /// <c>new FlintClient(paired.DeviceToken, baseUrl)</c>.
    /// </summary>
    public static async Task<PairedDevice> PairDeviceAsync(Uri baseUrl, PairDeviceRequest request, HttpClient? http = null, CancellationToken ct = default)
    {
        var owned = http is null ? new HttpClient() : null;
        try
        {
            var t = new FlintTransport(http ?? owned!, new FlintClientOptions { BaseUrl = baseUrl });
            return await t.Send<PairedDevice>(HttpMethod.Post, "/v1/devices/pair", request, null, ct, anonymous: true);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    public ProductsResource Products { get; }
    public VariantsResource Variants { get; }
    public InventoryResource Inventory { get; }
    public CatalogResource Catalog { get; }
    public BundlesResource Bundles { get; }
    public ModifierSetsResource ModifierSets { get; }
    /// <summary>The product page's shorthand for a simple product (one variant, its stock enforced).</summary>
    public ItemsResource Items { get; }
    public OrdersResource Orders { get; }
    public CouponsResource Coupons { get; }
    public CustomersResource Customers { get; }
    public PaymentsResource Payments { get; }
    public RefundsResource Refunds { get; }
    public TaxRatesResource TaxRates { get; }
    public EventsResource Events { get; }
    public PlansResource Plans { get; }
    public SubscriptionsResource Subscriptions { get; }
    public InvoicesResource Invoices { get; }
    public CheckoutSessionsResource CheckoutSessions { get; }
    public PaymentLinksResource PaymentLinks { get; }
    public WebhookEndpointsResource WebhookEndpoints { get; }
    public PartnerAppsResource PartnerApps { get; }
    public InstallationsResource Installations { get; }
    public LocationsResource Locations { get; }
    public DevicesResource Devices { get; }
    public TerminalCheckoutsResource TerminalCheckouts { get; }
    public SettingsResource Settings { get; }
    public ApiKeysResource ApiKeys { get; }
    public UsersResource Users { get; }
    /// <summary>Only with the operator's admin token as the key (FLINT_ADMIN_TOKEN).</summary>
    public MerchantsResource Merchants { get; }

    public void Dispose() => _owned?.Dispose();
}

/// <summary>Options of one call: the Idempotency-Key to send (a new one when null; mutations only).</summary>
public sealed record RequestOptions(string? IdempotencyKey = null);

/// <summary>
/// What a list call asks for: the page size the iterator fetches at a time (1–100) and the filters, sent as the API's
/// query parameters. An endpoint answers 400 to a filter it does not have (see its query parameters in the API docs).
/// </summary>
public sealed record ListOptions
{
    public int? PageSize { get; init; }
    public string? Status { get; init; }
    /// <summary>Case-insensitive search (names, ids, SKUs, …).</summary>
    public string? Query { get; init; }
    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public string? LocationId { get; init; }
    public string? DeviceId { get; init; }
    public string? PlanId { get; init; }
    public string? SubscriptionId { get; init; }
    /// <summary>An order's source (online, pos, subscription, …).</summary>
    public string? Source { get; init; }
    public string? ProductType { get; init; }
    public string? Category { get; init; }
    public bool? OnlyInStock { get; init; }
    /// <summary>An event type, e.g. order.paid.</summary>
    public string? Type { get; init; }
    /// <summary>created_at (default) or updated_at.</summary>
    public string? SortBy { get; init; }
    /// <summary>asc or desc (default).</summary>
    public string? SortDirection { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    public DateTimeOffset? CreatedBefore { get; init; }
    public DateTimeOffset? UpdatedAfter { get; init; }
    public DateTimeOffset? UpdatedBefore { get; init; }
    /// <summary>Other query parameters, by their API name.</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    internal Dictionary<string, string?> ToQuery()
    {
        static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var q = new Dictionary<string, string?>
        {
            ["page_size"] = PageSize?.ToString(CultureInfo.InvariantCulture), ["status"] = Status, ["query"] = Query,
            ["customer_id"] = CustomerId, ["order_id"] = OrderId, ["location_id"] = LocationId, ["device_id"] = DeviceId,
            ["plan_id"] = PlanId, ["subscription_id"] = SubscriptionId, ["source"] = Source, ["product_type"] = ProductType,
            ["category"] = Category, ["only_in_stock"] = OnlyInStock is { } b ? (b ? "true" : "false") : null, ["type"] = Type,
            ["sort_by"] = SortBy, ["sort_direction"] = SortDirection, ["created_after"] = Time(CreatedAfter),
            ["created_before"] = Time(CreatedBefore), ["updated_after"] = Time(UpdatedAfter), ["updated_before"] = Time(UpdatedBefore),
        };
        foreach (var (k, v) in Extra ?? new Dictionary<string, string>()) q[k] = v;
        return q;
    }
}
