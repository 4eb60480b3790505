using System.Text.Json;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;

namespace Flint.Abstractions;

// The projections (rows of flint_objects) that grains write and Flint.Persistence's queries read: each kind's name
// and the fields of its doc that a query looks into. Grains write a projection's doc by serializing a view with
// FlintJson; a query reads the same doc by these names. The names are derived from the view's own properties (a
// renamed property renames the field here, at compile time), and ProjectionQueryAgreementTests serializes real
// projections of every kind and fails if a field listed here is missing or has another JSON type.

/// <summary>One field of a projection doc that a query reads: its path from the doc's root (<c>a.b</c> for a member
/// of an object, <c>a[].b</c> for a member of each element of an array) and the JSON type it must have.</summary>
public sealed record ProjectionField(string Path, JsonValueKind Type)
{
    /// <summary>The member name at the end of the path: what a query writes as <c>doc-&gt;&gt;'name'</c> or looks up.</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>A member of the doc's root, named as FlintJson names <paramref name="property"/>.</summary>
    public static ProjectionField Of(string property, JsonValueKind type) => new(Wire(property), type);

    /// <summary>A member of <paramref name="parent"/> (an object), or of each element when the parent is an array.</summary>
    public ProjectionField Member(string property, JsonValueKind type) =>
        new(Type == JsonValueKind.Array ? $"{Path}[].{Wire(property)}" : $"{Path}.{Wire(property)}", type);

    private static string Wire(string property) => FlintJson.Options.PropertyNamingPolicy!.ConvertName(property);
}

/// <summary>A projection kind and the doc fields its queries read.</summary>
public sealed record ProjectionKind(string Kind, Type DocType, IReadOnlyList<ProjectionField> Fields);

/// <summary>Products: the doc is the <see cref="ProductView"/>. Lists filter by type and category and fill in
/// each variant's stock.</summary>
public static class ProductProjection
{
    public const string Kind = "product";
    public static readonly ProjectionField ProductType = ProjectionField.Of(nameof(ProductView.ProductType), JsonValueKind.String);
    public static readonly ProjectionField Categories = ProjectionField.Of(nameof(ProductView.Categories), JsonValueKind.Array);
    public static readonly ProjectionField Variants = ProjectionField.Of(nameof(ProductView.Variants), JsonValueKind.Array);
    public static readonly ProjectionField VariantId = Variants.Member(nameof(VariantView.VariantId), JsonValueKind.String);
    /// <summary>A simple product's one variant, repeated (an optioned product has none: JSON null).</summary>
    public static readonly ProjectionField DefaultVariant = ProjectionField.Of(nameof(ProductView.DefaultVariant), JsonValueKind.Object);
    public static readonly ProjectionField DefaultVariantId = DefaultVariant.Member(nameof(VariantView.VariantId), JsonValueKind.String);
    /// <summary>Overwritten in list items with the variant's current stock.</summary>
    public static readonly ProjectionField VariantQuantityAvailable = Variants.Member(nameof(VariantView.QuantityAvailable), JsonValueKind.Number);
    public static readonly ProjectionField DefaultVariantQuantityAvailable = DefaultVariant.Member(nameof(VariantView.QuantityAvailable), JsonValueKind.Number);
    public static readonly ProjectionKind Read = new(Kind, typeof(ProductView),
        [ProductType, Categories, Variants, VariantId, VariantQuantityAvailable, DefaultVariant, DefaultVariantId, DefaultVariantQuantityAvailable]);
}

/// <summary>Bundles: the doc is the <see cref="BundleView"/>. Lists filter by category and compute availability
/// from each component's stock.</summary>
public static class BundleProjection
{
    public const string Kind = "bundle";
    public static readonly ProjectionField Categories = ProjectionField.Of(nameof(BundleView.Categories), JsonValueKind.Array);
    public static readonly ProjectionField Status = ProjectionField.Of(nameof(BundleView.Status), JsonValueKind.String);
    public static readonly ProjectionField Components = ProjectionField.Of(nameof(BundleView.Components), JsonValueKind.Array);
    public static readonly ProjectionField ComponentVariantId = Components.Member(nameof(BundleComponentView.VariantId), JsonValueKind.String);
    public static readonly ProjectionField ComponentQuantity = Components.Member(nameof(BundleComponentView.Quantity), JsonValueKind.Number);
    /// <summary>Overwritten in list items with what the components' current stock allows.</summary>
    public static readonly ProjectionField ComponentQuantityAvailable = Components.Member(nameof(BundleComponentView.QuantityAvailable), JsonValueKind.Number);
    public static readonly ProjectionField QuantityAvailable = ProjectionField.Of(nameof(BundleView.QuantityAvailable), JsonValueKind.Number);
    /// <summary>A boolean (JSON true or false).</summary>
    public static readonly ProjectionField AvailableForSale = ProjectionField.Of(nameof(BundleView.AvailableForSale), JsonValueKind.False);
    public static readonly ProjectionKind Read = new(Kind, typeof(BundleView),
        [Categories, Status, Components, ComponentVariantId, ComponentQuantity, ComponentQuantityAvailable, QuantityAvailable, AvailableForSale]);
}

public static class ModifierSetProjection
{
    public const string Kind = "modifier_set";
}

/// <summary>Coupons: the projection's <c>name</c> column holds the upper-case code (a unique index over it among
/// live coupons makes codes unique, and looking a code up reads it).</summary>
public static class CouponProjection
{
    public const string Kind = "coupon";
}

public static class PlanProjection
{
    public const string Kind = "plan";
}

/// <summary>Subscriptions: the doc is the <see cref="Subscriptions.SubscriptionView"/>; lists filter by customer and plan
/// (status is the row's status column).</summary>
public static class SubscriptionProjection
{
    public const string Kind = "subscription";
    public static readonly ProjectionField CustomerId = ProjectionField.Of(nameof(Subscriptions.SubscriptionView.CustomerId), JsonValueKind.String);
    public static readonly ProjectionField PlanId = ProjectionField.Of(nameof(Subscriptions.SubscriptionView.PlanId), JsonValueKind.String);
    public static readonly ProjectionKind Read = new(Kind, typeof(Subscriptions.SubscriptionView), [CustomerId, PlanId]);
}

/// <summary>Invoices live in their subscription's state; their projections (written with the subscription) say which
/// subscription and customer (status is the row's status column).</summary>
public static class InvoiceProjection
{
    public const string Kind = "invoice";
    public static readonly ProjectionField SubscriptionId = ProjectionField.Of(nameof(Subscriptions.InvoiceView.SubscriptionId), JsonValueKind.String);
    public static readonly ProjectionField CustomerId = ProjectionField.Of(nameof(Subscriptions.InvoiceView.CustomerId), JsonValueKind.String);
    public static readonly ProjectionKind Read = new(Kind, typeof(Subscriptions.InvoiceView), [SubscriptionId, CustomerId]);
}

/// <summary>Webhook endpoints: the doc is the <see cref="Webhooks.WebhookEndpointView"/> (no secret). When an event is
/// written, the database queues a delivery for every endpoint of its tenant whose status is <see cref="Enabled"/> and
/// whose enabled_events hold the event's type or "*" (the trigger of deploy/sql/019_apps.sql reads these by name).</summary>
public static class WebhookEndpointProjection
{
    public const string Kind = "webhook_endpoint";
    public const string Enabled = "active";
    public static readonly ProjectionField EnabledEvents = ProjectionField.Of(nameof(Webhooks.WebhookEndpointView.EnabledEvents), JsonValueKind.Array);
    public static readonly ProjectionKind Read = new(Kind, typeof(Webhooks.WebhookEndpointView), [EnabledEvents]);
}

/// <summary>Checkout sessions: the doc is the <see cref="Checkout.CheckoutSessionView"/>; the hosted page finds a
/// session's tenant by its id alone (IObjectTenants; flint_objects_checkout_session_idx, deploy/sql/017_checkout.sql).</summary>
public static class CheckoutSessionProjection
{
    public const string Kind = "checkout_session";
}

public static class PaymentLinkProjection
{
    public const string Kind = "payment_link";
}

/// <summary>Partner apps: /oauth/authorize finds an app's tenant by its id (the client_id) alone.</summary>
public static class PartnerAppProjection
{
    public const string Kind = "partner_app";
}

/// <summary>Installations: the doc is the <see cref="Apps.InstallationView"/>; status installed | uninstalled.</summary>
public static class InstallationProjection
{
    public const string Kind = "installation";
    /// <summary>Beside it, the installation's webhook (same id): status active while installed with a webhook_url, doc
    /// <c>{enabled_events: ["order.*", …]}</c>; the database queues the app's deliveries from it as it does a merchant
    /// endpoint's (deploy/sql/019_apps.sql).</summary>
    public const string WebhookKind = "app_webhook";
}

public static class DeviceProjection
{
    public const string Kind = "device";
    /// <summary>A device's stream (flint_object_log rows of the device, id = the event's number, zero-padded).</summary>
    public const string StreamLogKind = "device_event";
}

/// <summary>Terminal checkouts: the doc is the TerminalCheckoutView; lists filter by device.</summary>
public static class TerminalCheckoutProjection
{
    public const string Kind = "terminal_checkout";
    public static readonly ProjectionField DeviceId = ProjectionField.Of(nameof(Devices.TerminalCheckoutView.DeviceId), JsonValueKind.String);
    public static readonly ProjectionKind Read = new(Kind, typeof(Devices.TerminalCheckoutView), [DeviceId]);
}

public static class LocationProjection
{
    public const string Kind = "location";
}

public static class CustomerProjection
{
    public const string Kind = "customer";
}

/// <summary>A variant's stock: the doc is the <see cref="StockView"/>; the status column says whether it is sellable.
/// Its changes are rows of the object log (kind <see cref="ChangeLogKind"/>), one <see cref="InventoryChangeView"/> each.</summary>
public static class InventoryProjection
{
    public const string Kind = "inventory";
    public const string ChangeLogKind = "inventory_change";
    public const string Sellable = "sellable";
    public const string NotSellable = "not_sellable";
    public static readonly ProjectionField ProductId = ProjectionField.Of(nameof(StockView.ProductId), JsonValueKind.String);
    public static readonly ProjectionField QuantityAvailable = ProjectionField.Of(nameof(StockView.QuantityAvailable), JsonValueKind.Number);
    public static readonly ProjectionKind Read = new(Kind, typeof(StockView), [ProductId, QuantityAvailable]);
}

/// <summary>Orders: the doc is the <see cref="OrderView"/>; lists filter by customer and source.</summary>
public static class OrderProjection
{
    public const string Kind = "order";
    public static readonly ProjectionField CustomerId = ProjectionField.Of(nameof(OrderView.CustomerId), JsonValueKind.String);
    public static readonly ProjectionField Source = ProjectionField.Of(nameof(OrderView.Source), JsonValueKind.String);
    /// <summary>Null unless the order bills a subscription's cycle.</summary>
    public static readonly ProjectionField SubscriptionId = ProjectionField.Of(nameof(OrderView.SubscriptionId), JsonValueKind.String);
    /// <summary>Null for an order made at no location (online).</summary>
    public static readonly ProjectionField LocationId = ProjectionField.Of(nameof(OrderView.LocationId), JsonValueKind.String);
    public static readonly ProjectionKind Read = new(Kind, typeof(OrderView), [CustomerId, Source, SubscriptionId, LocationId]);
}

/// <summary>Payments and refunds live in their order's state; their projections (written with the order) say which
/// order and which customer, under the same names in both (queries read both kinds by one name, and the agreement
/// test holds refunds to it too). A saga's payment or refund stays in status <see cref="Pending"/> until it settles.</summary>
public static class PaymentProjection
{
    public const string Kind = "payment";
    public const string RefundKind = "refund";
    public const string Pending = "pending";
    public static readonly ProjectionField OrderId = ProjectionField.Of(nameof(PaymentView.OrderId), JsonValueKind.String);
    public static readonly ProjectionField CustomerId = ProjectionField.Of(nameof(PaymentView.CustomerId), JsonValueKind.String);
    /// <summary>Where a paired device took it (or gave it back); null for every other channel.</summary>
    public static readonly ProjectionField LocationId = ProjectionField.Of(nameof(PaymentView.LocationId), JsonValueKind.String);
    public static readonly ProjectionKind Read = new(Kind, typeof(PaymentView), [OrderId, CustomerId, LocationId]);
    public static readonly ProjectionKind ReadRefund = new(RefundKind, typeof(RefundView), [OrderId, CustomerId, LocationId]);
}

/// <summary>Every projection kind whose doc a query reads, for the agreement test.</summary>
public static class Projections
{
    public static IReadOnlyList<ProjectionKind> Read =>
    [
        ProductProjection.Read, BundleProjection.Read, InventoryProjection.Read, OrderProjection.Read,
        PaymentProjection.Read, PaymentProjection.ReadRefund, SubscriptionProjection.Read, InvoiceProjection.Read,
        WebhookEndpointProjection.Read, TerminalCheckoutProjection.Read,
    ];
}
