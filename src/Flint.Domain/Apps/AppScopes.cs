namespace Flint.Domain.Apps;

/// <summary>
/// What a partner app may be granted, one scope per resource group and access: <c>orders:read</c>, <c>orders:write</c>
/// and so on. A <c>:write</c> scope includes its <c>:read</c> (an app that changes orders may read them), as Shopify's
/// write scopes do. Each scope has the plain words the approval page shows the merchant.
/// </summary>
public static class AppScopes
{
    public sealed record Scope(string Name, string Words);

    public static readonly IReadOnlyList<Scope> All =
    [
        new("catalog:read", "See your products, bundles, modifier sets, tax rates and locations"),
        new("catalog:write", "Create and change your products, bundles, modifier sets, tax rates and locations"),
        new("inventory:read", "See your stock levels and their history"),
        new("inventory:write", "Change your stock levels"),
        new("orders:read", "See your orders"),
        new("orders:write", "Create and change your orders"),
        new("payments:read", "See your payments"),
        new("payments:write", "Take payments for your orders"),
        new("refunds:read", "See your refunds"),
        new("refunds:write", "Refund your payments"),
        new("customers:read", "See your customers"),
        new("customers:write", "Create and change your customers and their saved cards"),
        new("coupons:read", "See your coupons"),
        new("coupons:write", "Create and change your coupons"),
        new("subscriptions:read", "See your plans, subscriptions and invoices"),
        new("subscriptions:write", "Create and change your plans and subscriptions"),
        new("checkout:read", "See your checkout sessions and payment links"),
        new("checkout:write", "Create checkout sessions and payment links"),
        new("webhooks:read", "See your events and webhook endpoints"),
    ];

    private static readonly Dictionary<string, Scope> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    /// <summary>The approval page's words for <paramref name="name"/>.</summary>
    public static string Words(string name) => ByName[name].Words;

    /// <summary>A list of scopes as sent: each known, no repeats; kept in the catalog's order.</summary>
    public static List<string> Parse(IReadOnlyList<string?> values, string param)
    {
        if (values.Count == 0) throw DomainException.Invalid("INVALID_SCOPE", "Name at least one scope.", param);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v is null || !ByName.ContainsKey(v))
                throw DomainException.Invalid("INVALID_SCOPE", $"Unknown scope '{v}'. Scopes: {string.Join(", ", All.Select(s => s.Name))}.", $"{param}[{i}]");
            if (!chosen.Add(v)) throw DomainException.Invalid("INVALID_SCOPE", $"'{v}' is listed twice.", $"{param}[{i}]");
        }
        return All.Select(s => s.Name).Where(chosen.Contains).ToList();
    }

    /// <summary>An OAuth <c>scope</c> parameter: scope names separated by spaces (RFC 6749 §3.3).</summary>
    public static List<string> ParseOAuth(string? scope) =>
        Parse((scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), "scope");

    /// <summary>A group of resources one pair of scopes covers (<c>{name}:read</c>, <c>{name}:write</c>): its /v1
    /// operations, by the OpenAPI tags the document files them under (Flint.Api.Apps.EndpointScopes asks
    /// <see cref="GroupOfTag"/>), and its events, by the event type's first part (order.paid → order). Resources in no
    /// group (merchants, keys, settings, users, partner apps, installations) are the merchant's own keys' business:
    /// no app is sent their events or may call them.</summary>
    public sealed record Group(string Name, IReadOnlyList<string> Tags, IReadOnlyList<string> EventKinds);

    public static readonly IReadOnlyList<Group> Groups =
    [
        new("catalog", ["Products", "Bundles", "Modifier sets", "Catalog", "Tax rates", "Locations"], ["product", "bundle", "modifier_set", "tax_rate", "location"]),
        new("inventory", ["Inventory"], ["inventory"]),
        new("orders", ["Orders"], ["order"]),
        new("payments", ["Payments"], ["payment"]),
        new("refunds", ["Refunds"], ["refund"]),
        new("customers", ["Customers"], ["customer"]),
        new("coupons", ["Coupons"], ["coupon"]),
        new("subscriptions", ["Plans", "Subscriptions", "Invoices"], ["plan", "subscription", "invoice"]),
        new("checkout", ["Checkout", "Terminal checkouts"], ["checkout_session", "payment_link", "terminal_checkout"]),
        new("webhooks", ["Events", "Webhooks"], ["webhook_endpoint"]),
    ];

    private static readonly Dictionary<string, string> GroupByTag =
        Groups.SelectMany(g => g.Tags.Select(t => (t, g.Name))).ToDictionary(x => x.t, x => x.Name, StringComparer.Ordinal);

    /// <summary>Which read scope lets an app hear an event of a kind (order → orders:read).</summary>
    private static readonly Dictionary<string, string> ScopeOfEventKind =
        Groups.SelectMany(g => g.EventKinds.Select(k => (k, Scope: g.Name + ":read"))).ToDictionary(x => x.k, x => x.Scope, StringComparer.Ordinal);

    /// <summary>The group of the operations filed under an OpenAPI tag, or null (the merchant's keys only).</summary>
    public static string? GroupOfTag(string tag) => GroupByTag.GetValueOrDefault(tag);

    /// <summary>
    /// The events an installation sends its app, as patterns the database matches (deploy/sql/019_apps.sql): of the
    /// types the app enabled (<paramref name="enabledEvents"/>: types or "*"), those whose kind the granted scopes may
    /// read — a whole kind as <c>order.*</c>, a single type as itself.
    /// </summary>
    public static List<string> EventPatterns(IReadOnlyCollection<string> granted, IReadOnlyCollection<string> enabledEvents)
    {
        bool Readable(string kind) => ScopeOfEventKind.TryGetValue(kind, out var scope) && Allows(granted, scope);
        if (enabledEvents.Contains("*"))
            return ScopeOfEventKind.Keys.Where(Readable).Select(k => k + ".*").ToList();
        return enabledEvents.Where(t => Readable(t.Split('.')[0])).ToList();
    }

    /// <summary>Whether <paramref name="granted"/> allows <paramref name="required"/> (a write scope allows its read).</summary>
    public static bool Allows(IReadOnlyCollection<string> granted, string required) =>
        granted.Contains(required)
        || (required.EndsWith(":read", StringComparison.Ordinal) && granted.Contains(required[..^":read".Length] + ":write"));
}
