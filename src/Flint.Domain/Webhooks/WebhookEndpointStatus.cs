using Flint.Domain.Catalog;

namespace Flint.Domain.Webhooks;

/// <summary>A webhook endpoint's status as the API shows it: <c>enabled</c> (events are delivered to it),
/// <c>disabled</c> (by the merchant, or by Flint after it kept failing), <c>deleted</c>. Stored as the catalog
/// lifecycle's active / inactive / deleted, which its list and delivery trigger read.</summary>
public enum WebhookEndpointStatus
{
    Enabled,
    Disabled,
    Deleted,
}

public static class WebhookEndpointStatuses
{
    public static WebhookEndpointStatus Of(CatalogStatus stored) => stored switch
    {
        CatalogStatus.Active => WebhookEndpointStatus.Enabled,
        CatalogStatus.Inactive => WebhookEndpointStatus.Disabled,
        _ => WebhookEndpointStatus.Deleted,
    };

    /// <summary>A status a merchant sets (<c>enabled</c> | <c>disabled</c>; deleting is DELETE), as stored.</summary>
    public static CatalogStatus Settable(string value, string param) =>
        SnakeCase.TryParse<WebhookEndpointStatus>(value, out var status) && status != WebhookEndpointStatus.Deleted
            ? status == WebhookEndpointStatus.Enabled ? CatalogStatus.Active : CatalogStatus.Inactive
            : throw DomainException.Invalid("INVALID_ENUM_VALUE", $"{param} is enabled or disabled (DELETE deletes).", param);
}
