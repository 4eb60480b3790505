namespace Flint.Abstractions.Webhooks;

/// <summary>A delivery as <c>GET /v1/webhook-endpoints/{id}/deliveries</c> shows it.</summary>
public sealed record WebhookDeliveryView(
    string WebhookDeliveryId, string WebhookEndpointId, string EventId, string EventType, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset? DeliveredAt);
