using Flint.Domain.Catalog;
using Flint.Domain.Orders;
using Flint.Domain.Subscriptions;

namespace Flint.Persistence.Lists;

// What each list can be narrowed by. Search is the client's text as typed: it matches a case-insensitive substring
// of the object's search text (id, name, description, SKUs, …; what each grain puts there). A catalog status of null
// leaves deleted objects out; the other lists have no such default.

/// <summary>Modifier sets and coupons.</summary>
public sealed record CatalogListFilter(string? Search, CatalogStatus? Status);

public sealed record ProductListFilter(string? Search, CatalogStatus? Status, ProductType? ProductType, string? Category, bool OnlyInStock);

public sealed record BundleListFilter(string? Search, CatalogStatus? Status, string? Category);

/// <summary>Deleted customers are gone for good: no filter brings them back.</summary>
public sealed record CustomerListFilter(string? Search);

/// <summary>Orders; also a customer's order history (only <see cref="CustomerId"/> set).</summary>
public sealed record OrderListFilter(OrderStatus? Status, string? CustomerId, OrderSource? Source, string? SubscriptionId = null, string? LocationId = null);

/// <summary>Payments, and refunds alike: their status (as listed by the host), order and customer.</summary>
public sealed record PaymentListFilter(string? Status, string? OrderId, string? CustomerId, string? LocationId = null);

/// <summary>Subscriptions: their status, customer and plan; also a customer's subscriptions (only
/// <see cref="CustomerId"/> set).</summary>
public sealed record SubscriptionListFilter(SubscriptionStatus? Status, string? CustomerId, string? PlanId);

/// <summary>Invoices: their status (as listed by the host), subscription and customer.</summary>
public sealed record InvoiceListFilter(string? Status, string? SubscriptionId, string? CustomerId);
