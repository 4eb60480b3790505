namespace Flint.Domain.Subscriptions;

/// <summary>Where a cycle's invoice is; wire form snake_case. Flint produces open, paid and uncollectible (a cycle is
/// billed at once, so never draft; nothing voids one yet).</summary>
public enum InvoiceStatus
{
    Draft,
    Open,
    Paid,
    Uncollectible,
    Void,
}
