using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Domain.Subscriptions;

namespace Flint.Grains.Subscriptions;

[GenerateSerializer, Alias("flint.subscriptions.subscription_state")]
public sealed class SubscriptionState : ObjectState
{
    [Id(0)] public string CustomerId { get; set; } = "";
    [Id(1)] public string PlanId { get; set; } = "";
    [Id(2)] public string Currency { get; set; } = "";
    [Id(3)] public BillingInterval Interval { get; set; }
    [Id(4)] public int IntervalCount { get; set; } = 1;
    [Id(5)] public long Quantity { get; set; } = 1;
    /// <summary>Null: the customer's default card, looked up at each charge.</summary>
    [Id(6)] public string? PaymentMethodId { get; set; }
    [Id(7)] public string? CouponId { get; set; }
    [Id(8)] public string? CouponCode { get; set; }
    [Id(9)] public TaxLocationView? TaxLocation { get; set; }
    [Id(10)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(11)] public SubscriptionStatus Status { get; set; }
    /// <summary>Where the cycles of the current run are counted from: the billing anchor, the trial's end, or the last
    /// resume. Cycle k of the run (0-based) is the subscription's cycle <see cref="RunStartCycle"/> + k + 1.</summary>
    [Id(12)] public DateTimeOffset Anchor { get; set; }
    /// <summary>Cycles billed before the current run started.</summary>
    [Id(13)] public long RunStartCycle { get; set; }
    [Id(14)] public long CyclesBilled { get; set; }
    [Id(15)] public DateTimeOffset? TrialStart { get; set; }
    [Id(16)] public DateTimeOffset? TrialEnd { get; set; }
    [Id(17)] public bool TrialNoticeSent { get; set; }
    [Id(18)] public DateTimeOffset? CurrentPeriodStart { get; set; }
    [Id(19)] public DateTimeOffset? CurrentPeriodEnd { get; set; }
    /// <summary>What the current period is paid for (plan amount × quantity, before discounts and tax): what a plan or
    /// quantity change credits the unused part of.</summary>
    [Id(20)] public long CurrentPeriodPriceMinor { get; set; }
    [Id(21)] public bool CancelAtPeriodEnd { get; set; }
    [Id(22)] public DateTimeOffset? CanceledAt { get; set; }
    [Id(23)] public DateTimeOffset? PausedAt { get; set; }
    /// <summary>Prorations waiting for the next invoice: charges positive, credits negative.</summary>
    [Id(24)] public List<PendingItemState> PendingItems { get; set; } = [];
    [Id(25)] public List<InvoiceState> Invoices { get; set; } = [];
    [Id(26)] public DateTimeOffset CreatedAt { get; set; }
    [Id(27)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(28), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
}

[GenerateSerializer, Alias("flint.subscriptions.pending_item_state")]
public sealed class PendingItemState
{
    [Id(0)] public string Description { get; set; } = "";
    [Id(1)] public long AmountMinor { get; set; }
}

[GenerateSerializer, Alias("flint.subscriptions.invoice_state")]
public sealed class InvoiceState
{
    [Id(0)] public string InvoiceId { get; set; } = "";
    [Id(1)] public long Number { get; set; }
    [Id(2)] public string OrderId { get; set; } = "";
    [Id(3)] public DateTimeOffset PeriodStart { get; set; }
    [Id(4)] public DateTimeOffset PeriodEnd { get; set; }
    [Id(5)] public InvoiceStatus Status { get; set; } = InvoiceStatus.Open;
    [Id(6)] public List<InvoiceLineView> Lines { get; set; } = [];
    [Id(7)] public long SubtotalMinor { get; set; }
    [Id(8)] public long DiscountMinor { get; set; }
    [Id(9)] public long TaxMinor { get; set; }
    [Id(10)] public long TotalMinor { get; set; }
    [Id(11)] public long PaidMinor { get; set; }
    [Id(12)] public List<InvoiceAttemptView> Attempts { get; set; } = [];
    /// <summary>The charge attempt started (its number) and written before it was sent, until its outcome is written:
    /// after a crash the same attempt is sent again, with the same Idempotency-Key, and so charges at most once.</summary>
    [Id(13)] public int? AttemptInFlight { get; set; }
    [Id(14)] public DateTimeOffset? FirstFailedAt { get; set; }
    [Id(15)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(16)] public DateTimeOffset? PaidAt { get; set; }
    [Id(17)] public DateTimeOffset CreatedAt { get; set; }
    [Id(18)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(19)] public long Revision { get; set; }
}
