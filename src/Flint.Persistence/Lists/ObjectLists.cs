using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence.Lists;

/// <summary>The /v1 lists: pages of one kind of object from its projections, narrowed by typed filters.</summary>
public interface IObjectLists
{
    Task<Page<JsonObject>> Products(Tenant tenant, ProductListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Bundles(Tenant tenant, BundleListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> ModifierSets(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Coupons(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Plans(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> WebhookEndpoints(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> CheckoutSessions(Tenant tenant, string? status, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> PaymentLinks(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> PartnerApps(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Locations(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Devices(Tenant tenant, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> TerminalCheckouts(Tenant tenant, string? status, string? deviceId, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Installations(Tenant tenant, string? status, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Customers(Tenant tenant, CustomerListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Orders(Tenant tenant, OrderListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Payments(Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Refunds(Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Subscriptions(Tenant tenant, SubscriptionListFilter filter, ListWindow window, CancellationToken ct);
    Task<Page<JsonObject>> Invoices(Tenant tenant, InvoiceListFilter filter, ListWindow window, CancellationToken ct);
}

/// <summary>
/// Each list is one <see cref="ProjectionPage"/> over flint_objects: the kind, then its filters, in a fixed order
/// (the order is part of the page token's fingerprint; see there). The jsonb fields come from the projection
/// classes of Flint.Abstractions, next to the views the grains write.
/// </summary>
internal sealed class ObjectLists(NpgsqlDataSource db) : IObjectLists
{
    // Stock from the variants' inventory projections, which every stock change rewrites.
    private static readonly string InStock = $"""
        EXISTS (SELECT 1 FROM flint_objects i WHERE i.merchant_id = o.merchant_id AND i.environment = o.environment
                AND i.kind = '{InventoryProjection.Kind}' AND i.doc->>'{InventoryProjection.ProductId.Name}' = o.id AND i.status = '{InventoryProjection.Sellable}'
                AND (i.doc->>'{InventoryProjection.QuantityAvailable.Name}')::bigint > 0)
        """;

    public Task<Page<JsonObject>> Products(Tenant tenant, ProductListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, ProductProjection.Kind, window).Search(filter.Search).Status(filter.Status);
        if (filter.ProductType is { } type)
            q.Where($"o.doc->>'{ProductProjection.ProductType.Name}' = @product_type", new NpgsqlParameter("product_type", SnakeCase.ToSnake(type)));
        InCategory(q, ProductProjection.Categories, filter.Category);
        if (filter.OnlyInStock) q.Where(InStock);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Bundles(Tenant tenant, BundleListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, BundleProjection.Kind, window).Search(filter.Search).Status(filter.Status);
        InCategory(q, BundleProjection.Categories, filter.Category);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> ModifierSets(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, ModifierSetProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> Coupons(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, CouponProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> Plans(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, PlanProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> WebhookEndpoints(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, WebhookEndpointProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> PaymentLinks(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, PaymentLinkProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> PartnerApps(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, PartnerAppProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> Devices(Tenant tenant, ListWindow window, CancellationToken ct) =>
        ByStatus(tenant, DeviceProjection.Kind, null, window, ct);

    public Task<Page<JsonObject>> TerminalCheckouts(Tenant tenant, string? status, string? deviceId, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, TerminalCheckoutProjection.Kind, window);
        if (status is not null) q.Where("o.status = @status", new NpgsqlParameter("status", status));
        Equal(q, TerminalCheckoutProjection.DeviceId, deviceId);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Locations(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, LocationProjection.Kind, window).Search(filter.Search).Status(filter.Status).Run(db, ct);

    public Task<Page<JsonObject>> CheckoutSessions(Tenant tenant, string? status, ListWindow window, CancellationToken ct) =>
        ByStatus(tenant, CheckoutSessionProjection.Kind, status, window, ct);

    public Task<Page<JsonObject>> Installations(Tenant tenant, string? status, ListWindow window, CancellationToken ct) =>
        ByStatus(tenant, InstallationProjection.Kind, status, window, ct);

    private Task<Page<JsonObject>> ByStatus(Tenant tenant, string kind, string? status, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, kind, window);
        if (status is not null) q.Where("o.status = @status", new NpgsqlParameter("status", status));
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Customers(Tenant tenant, CustomerListFilter filter, ListWindow window, CancellationToken ct) =>
        new ProjectionPage(tenant, CustomerProjection.Kind, window).Search(filter.Search).NotDeleted().Run(db, ct);

    public Task<Page<JsonObject>> Orders(Tenant tenant, OrderListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, OrderProjection.Kind, window);
        if (filter.Status is { } status) q.Where("o.status = @status", new NpgsqlParameter("status", SnakeCase.ToSnake(status)));
        // Served by flint_objects_order_customer_idx (deploy/sql/010_flint.sql).
        Equal(q, OrderProjection.CustomerId, filter.CustomerId);
        if (filter.Source is { } source)
            q.Where($"o.doc->>'{OrderProjection.Source.Name}' = @source", new NpgsqlParameter("source", SnakeCase.ToSnake(source)));
        Equal(q, OrderProjection.SubscriptionId, filter.SubscriptionId);
        Equal(q, OrderProjection.LocationId, filter.LocationId);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Payments(Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct) =>
        PaymentsOrRefunds(PaymentProjection.Kind, tenant, filter, window, ct);

    public Task<Page<JsonObject>> Refunds(Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct) =>
        PaymentsOrRefunds(PaymentProjection.RefundKind, tenant, filter, window, ct);

    private Task<Page<JsonObject>> PaymentsOrRefunds(string kind, Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, kind, window);
        if (filter.Status is { } status) q.Where("o.status = @status", new NpgsqlParameter("status", status));
        Equal(q, PaymentProjection.OrderId, filter.OrderId);
        Equal(q, PaymentProjection.CustomerId, filter.CustomerId);
        Equal(q, PaymentProjection.LocationId, filter.LocationId);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Subscriptions(Tenant tenant, SubscriptionListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, SubscriptionProjection.Kind, window);
        if (filter.Status is { } status) q.Where("o.status = @status", new NpgsqlParameter("status", SnakeCase.ToSnake(status)));
        // A customer's: served by flint_objects_subscription_customer_idx (deploy/sql/015_subscriptions.sql).
        Equal(q, SubscriptionProjection.CustomerId, filter.CustomerId);
        Equal(q, SubscriptionProjection.PlanId, filter.PlanId);
        return q.Run(db, ct);
    }

    public Task<Page<JsonObject>> Invoices(Tenant tenant, InvoiceListFilter filter, ListWindow window, CancellationToken ct)
    {
        var q = new ProjectionPage(tenant, InvoiceProjection.Kind, window);
        if (filter.Status is { } status) q.Where("o.status = @status", new NpgsqlParameter("status", status));
        // A subscription's: served by flint_objects_invoice_subscription_idx (deploy/sql/015_subscriptions.sql).
        Equal(q, InvoiceProjection.SubscriptionId, filter.SubscriptionId);
        Equal(q, InvoiceProjection.CustomerId, filter.CustomerId);
        return q.Run(db, ct);
    }

    private static void InCategory(ProjectionPage q, ProjectionField categories, string? category)
    {
        if (category is not null) q.Where($"o.doc->'{categories.Name}' ? @category", new NpgsqlParameter("category", category));
    }

    /// <summary>A top-level text field of the doc equals the value (the parameter is named after the field).</summary>
    private static void Equal(ProjectionPage q, ProjectionField field, string? value)
    {
        if (value is not null) q.Where($"o.doc->>'{field.Name}' = @{field.Name}", new NpgsqlParameter(field.Name, value));
    }
}
