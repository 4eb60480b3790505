using Flint.Abstractions;
using Flint.Domain;
using Flint.Domain.Checkout;
using Flint.Grains.Orders;

namespace Flint.Grains.Checkout;

[GenerateSerializer, Alias("flint.checkout.session_state")]
public sealed class CheckoutSessionState : ObjectState
{
    [Id(0)] public CheckoutSessionStatus Status { get; set; }
    [Id(1)] public string OrderId { get; set; } = "";
    /// <summary>The session made its order (from line_items): an expired session cancels it.</summary>
    [Id(2)] public bool OrderMadeHere { get; set; }
    [Id(3)] public string SuccessUrl { get; set; } = "";
    [Id(4)] public string? CancelUrl { get; set; }
    [Id(5)] public string? CustomerId { get; set; }
    [Id(6)] public string? CustomerEmail { get; set; }
    [Id(7)] public bool AllowCoupons { get; set; }
    [Id(8)] public List<string> CollectTip { get; set; } = [];
    [Id(9)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(10)] public string? PaymentId { get; set; }
    [Id(11)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(12)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(13)] public DateTimeOffset CreatedAt { get; set; }
    [Id(14)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(15)] public string Url { get; set; } = "";
    /// <summary>The order's amount due when the session was last written (shown in lists).</summary>
    [Id(16)] public Money AmountDue { get; set; } = new(0, "USD");
    /// <summary>Opened by a visit to this payment link, which counts its completions.</summary>
    [Id(17)] public string? PaymentLinkId { get; set; }
    [Id(18)] public bool RequireEmail { get; set; }
    /// <summary>Shown on the paid page (a payment link's after_completion message).</summary>
    [Id(19)] public string? CompletionMessage { get; set; }
    [Id(20)] public bool HoldInventory { get; set; }
    /// <summary>The stock held for the session (reservation <c>{session id}:hold</c>), until it is paid or expires.</summary>
    [Id(21)] public List<LineComponentState> Held { get; set; } = [];
    [Id(22), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
}
