using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;
using Flint.Domain;

namespace Flint.Abstractions.Subscriptions;

/// <summary>A new subscription: a customer billed a plan's lines every cycle, with a saved card.</summary>
[GenerateSerializer, Alias("flint.subscriptions.create_subscription")]
public sealed class CreateSubscriptionRequest
{
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public string? PlanId { get; set; }
    /// <summary>A card saved on the customer; absent = the customer's default (the card saved most recently), looked
    /// up at each charge.</summary>
    [Id(2)] public string? CustomerPaymentMethodId { get; set; }
    /// <summary>How many of the plan's lines each cycle bills (default 1; 1–10,000).</summary>
    [Id(3)] public long? Quantity { get; set; }
    /// <summary>When the first cycle starts (default now; not in the past, at most one year ahead). Cycles are counted
    /// from it. Not combined with a trial: the first cycle then starts when the trial ends.</summary>
    [Id(4)] public DateTimeOffset? BillingAnchor { get; set; }
    /// <summary>When the trial ends and the first cycle starts (in the future, at most two years ahead); absent = the
    /// plan's trial_period_days, unless trial_from_plan is false.</summary>
    [Id(5)] public DateTimeOffset? TrialEnd { get; set; }
    /// <summary>Whether the plan's trial applies when trial_end is absent (default true).</summary>
    [Id(6)] public bool? TrialFromPlan { get; set; }
    /// <summary>A coupon applied to each cycle's order while the coupon allows (each cycle counts one redemption).</summary>
    [Id(7)] public string? CouponCode { get; set; }
    /// <summary>Where the cycles' orders are taxed; absent = not taxed.</summary>
    [Id(8)] public TaxLocationInput? TaxLocation { get; set; }
    [Id(9)] public Dictionary<string, string>? Metadata { get; set; }
}

/// <summary>A subscription's sparse update.</summary>
[GenerateSerializer, Alias("flint.subscriptions.update_subscription")]
public sealed class UpdateSubscriptionRequest
{
    /// <summary>Another card of the customer's; while past due, the failed cycle is charged again with it at once.</summary>
    [Id(0)] public string? CustomerPaymentMethodId { get; set; }
    [Id(1)] public long? Quantity { get; set; }
    /// <summary>Another plan with the same billing period and currency.</summary>
    [Id(2)] public string? PlanId { get; set; }
    /// <summary>For a plan or quantity change: create_prorations (default) credits the unused part of the current
    /// period and charges the new price's remaining part on the next invoice; none switches at the next cycle.</summary>
    [Id(3)] public string? ProrationBehavior { get; set; }
    [Id(4)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.subscriptions.cancel_subscription")]
public sealed class CancelSubscriptionRequest
{
    /// <summary>True: stays as it is until the current period ends, then cancels (nothing more is billed).</summary>
    [Id(0)] public bool? AtPeriodEnd { get; set; }
}

/// <summary>An amount waiting for the next invoice: a proration's charge (positive) or credit (negative).</summary>
[GenerateSerializer, Alias("flint.subscriptions.pending_item"), Immutable]
public sealed record PendingInvoiceItemView(
    [property: Id(0)] string Description,
    [property: Id(1)] Money AmountMoney);

[GenerateSerializer, Alias("flint.subscriptions.subscription_view")]
public sealed record SubscriptionView
{
    [Id(0)] public required string SubscriptionId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required string PlanId { get; init; }
    /// <summary>trialing | active | past_due | unpaid | canceled | paused</summary>
    [Id(3)] public required string Status { get; init; }
    [Id(4)] public long Quantity { get; init; }
    /// <summary>Null: the customer's default card.</summary>
    [Id(5)] public string? CustomerPaymentMethodId { get; init; }
    [Id(6)] public string? CouponCode { get; init; }
    [Id(7)] public TaxLocationView? TaxLocation { get; init; }
    [Id(8)] public required string Currency { get; init; }
    /// <summary>Where the cycles are counted from (reset by a resume).</summary>
    [Id(9)] public DateTimeOffset BillingAnchor { get; init; }
    /// <summary>The period the last billed cycle covers; null before the first.</summary>
    [Id(10)] public DateTimeOffset? CurrentPeriodStart { get; init; }
    [Id(11)] public DateTimeOffset? CurrentPeriodEnd { get; init; }
    [Id(12)] public DateTimeOffset? TrialStart { get; init; }
    [Id(13)] public DateTimeOffset? TrialEnd { get; init; }
    /// <summary>When the next cycle is billed (or the failed one charged again); null while nothing is scheduled.</summary>
    [Id(14)] public DateTimeOffset? NextBillingAt { get; init; }
    [Id(15)] public bool CancelAtPeriodEnd { get; init; }
    [Id(16)] public DateTimeOffset? CanceledAt { get; init; }
    [Id(17)] public DateTimeOffset? PausedAt { get; init; }
    /// <summary>Cycles billed so far (the number of the latest invoice).</summary>
    [Id(18)] public long CyclesBilled { get; init; }
    [Id(19)] public string? LatestInvoiceId { get; init; }
    [Id(21)] public required IReadOnlyList<PendingInvoiceItemView> PendingInvoiceItems { get; init; }
    [Id(22)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(23)] public DateTimeOffset CreatedAt { get; init; }
    [Id(24)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(25)] public long Version { get; init; }
    /// <summary>Who created it: api_key:key_… or app:app_… (a partner app).</summary>
    [Id(26)] public string? CreatedBy { get; init; }
}

[GenerateSerializer, Alias("flint.subscriptions.invoice_attempt"), Immutable]
public sealed record InvoiceAttemptView
{
    [Id(0)] public int Number { get; init; }
    [Id(1)] public DateTimeOffset AttemptedAt { get; init; }
    /// <summary>succeeded | failed | interrupted (cut off before the card was charged, e.g. its silo died; sent again
    /// at once, and not counted as a decline)</summary>
    [Id(2)] public required string Outcome { get; init; }
    [Id(3)] public string? PaymentId { get; init; }
    [Id(4)] public string? DeclineCode { get; init; }
    [Id(5)] public string? Message { get; init; }
}

[GenerateSerializer, Alias("flint.subscriptions.invoice_line"), Immutable]
public sealed record InvoiceLineView(
    [property: Id(0)] string Description,
    [property: Id(1)] long Quantity,
    [property: Id(2)] Money AmountMoney);

/// <summary>One billed cycle: its order's amounts, and what charging it came to.</summary>
[GenerateSerializer, Alias("flint.subscriptions.invoice_view")]
public sealed record InvoiceView
{
    [Id(0)] public required string InvoiceId { get; init; }
    [Id(1)] public required string SubscriptionId { get; init; }
    [Id(2)] public required string CustomerId { get; init; }
    [Id(3)] public required string OrderId { get; init; }
    /// <summary>The cycle's number: 1 for the first.</summary>
    [Id(4)] public long Number { get; init; }
    /// <summary>draft | open | paid | uncollectible | void</summary>
    [Id(5)] public required string Status { get; init; }
    [Id(6)] public DateTimeOffset PeriodStart { get; init; }
    [Id(7)] public DateTimeOffset PeriodEnd { get; init; }
    [Id(8)] public required string Currency { get; init; }
    [Id(9)] public required IReadOnlyList<InvoiceLineView> Lines { get; init; }
    [Id(10)] public required Money SubtotalMoney { get; init; }
    [Id(11)] public required Money DiscountMoney { get; init; }
    [Id(12)] public required Money TaxMoney { get; init; }
    [Id(13)] public required Money TotalMoney { get; init; }
    [Id(14)] public required Money AmountPaidMoney { get; init; }
    [Id(15)] public required Money AmountDueMoney { get; init; }
    [Id(16)] public required IReadOnlyList<InvoiceAttemptView> Attempts { get; init; }
    [Id(17)] public DateTimeOffset? NextPaymentAttempt { get; init; }
    [Id(18)] public DateTimeOffset? PaidAt { get; init; }
    [Id(19)] public DateTimeOffset CreatedAt { get; init; }
    [Id(20)] public DateTimeOffset UpdatedAt { get; init; }
}

public interface ISubscriptionGrain : IObjectGrain<CreateSubscriptionRequest, UpdateSubscriptionRequest, SubscriptionView>
{
    Task<SubscriptionView> Pause();
    Task<SubscriptionView> Resume();
    Task<SubscriptionView> Cancel(CancelSubscriptionRequest request);
    /// <summary>RESOURCE_NOT_FOUND unless the invoice is one of this subscription's.</summary>
    Task<InvoiceView> GetInvoice(string invoiceId);
    /// <summary>Bills whatever is due now (cycles, retries, notices); what the billing reminder runs. Idempotent.</summary>
    Task<SubscriptionView> BillDue();
}

/// <summary>What a cycle's order is made of, given by its subscription to the order grain: the order is created once
/// per (subscription, cycle) under an id derived from them.</summary>
[GenerateSerializer, Alias("flint.subscriptions.cycle_order")]
public sealed class CycleOrderRequest
{
    [Id(0)] public string SubscriptionId { get; set; } = "";
    [Id(1)] public long Cycle { get; set; }
    [Id(2)] public string CustomerId { get; set; } = "";
    [Id(3)] public string Currency { get; set; } = "";
    /// <summary>Priced by the plan: a catalog line carries the plan's price as its override.</summary>
    [Id(4)] public List<LineItemInput> LineItems { get; set; } = [];
    [Id(5)] public TaxLocationInput? TaxLocation { get; set; }
    /// <summary>Applied if the coupon still allows it; the cycle is billed without it otherwise.</summary>
    [Id(6)] public string? CouponId { get; set; }
    /// <summary>A credit (proration) taken off the order as a fixed discount, up to its subtotal.</summary>
    [Id(7)] public string? CreditName { get; set; }
    [Id(8)] public long CreditMinor { get; set; }
    [Id(9)] public Dictionary<string, string> Metadata { get; set; } = [];
}
