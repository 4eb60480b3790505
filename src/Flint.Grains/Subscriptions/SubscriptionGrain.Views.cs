using Flint.Abstractions;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Domain.Subscriptions;

namespace Flint.Grains.Subscriptions;

/// <summary>The subscription and its invoices as the API shows them.</summary>
public sealed partial class SubscriptionGrain
{
    // ---- views ----

    private void SetInvoiceProjection(SubscriptionState s, InvoiceState i) =>
        SetRelatedProjection(s, InvoiceProjection.Kind, i.InvoiceId, ++i.Revision, SnakeCase.ToSnake(i.Status), i.CreatedAt, i.UpdatedAt,
            InvoiceViewOf(s, i), s.CustomerId);

    private InvoiceView InvoiceViewOf(SubscriptionState s, InvoiceState i) => new()
    {
        InvoiceId = i.InvoiceId,
        SubscriptionId = ObjectId,
        CustomerId = s.CustomerId,
        OrderId = i.OrderId,
        Number = i.Number,
        Status = SnakeCase.ToSnake(i.Status),
        PeriodStart = i.PeriodStart,
        PeriodEnd = i.PeriodEnd,
        Currency = s.Currency,
        Lines = i.Lines,
        SubtotalMoney = new Money(i.SubtotalMinor, s.Currency),
        DiscountMoney = new Money(i.DiscountMinor, s.Currency),
        TaxMoney = new Money(i.TaxMinor, s.Currency),
        TotalMoney = new Money(i.TotalMinor, s.Currency),
        AmountPaidMoney = new Money(i.PaidMinor, s.Currency),
        AmountDueMoney = new Money(i.Status is InvoiceStatus.Paid or InvoiceStatus.Void ? 0 : i.TotalMinor - i.PaidMinor, s.Currency),
        Attempts = i.Attempts,
        NextPaymentAttempt = i.AttemptInFlight is null && i.Status == InvoiceStatus.Open && Retries(s.Status) ? i.NextAttemptAt : null,
        PaidAt = i.PaidAt,
        CreatedAt = i.CreatedAt,
        UpdatedAt = i.UpdatedAt,
    };

    private SubscriptionView View(SubscriptionState s)
    {
        // The next charge: a cycle, a retry, or an attempt whose outcome is awaited (a notice bills nothing).
        var charges = Steps(s).Where(x => x.Kind is StepKind.Cycle or StepKind.Retry or StepKind.FinishAttempt).ToList();
        return new()
        {
            SubscriptionId = ObjectId,
            CustomerId = s.CustomerId,
            PlanId = s.PlanId,
            Status = SnakeCase.ToSnake(s.Status),
            Quantity = s.Quantity,
            CustomerPaymentMethodId = s.PaymentMethodId,
            CouponCode = s.CouponCode,
            TaxLocation = s.TaxLocation,
            Currency = s.Currency,
            BillingAnchor = s.Anchor,
            CurrentPeriodStart = s.CurrentPeriodStart,
            CurrentPeriodEnd = s.CurrentPeriodEnd,
            TrialStart = s.TrialStart,
            TrialEnd = s.TrialEnd,
            NextBillingAt = charges.Count == 0 ? null : charges.Min(x => x.At),
            CancelAtPeriodEnd = s.CancelAtPeriodEnd,
            CanceledAt = s.CanceledAt,
            PausedAt = s.PausedAt,
            CyclesBilled = s.CyclesBilled,
            LatestInvoiceId = s.Invoices.Count == 0 ? null : s.Invoices[^1].InvoiceId,
            PendingInvoiceItems = s.PendingItems.Select(p => new PendingInvoiceItemView(p.Description, new Money(p.AmountMinor, s.Currency))).ToList(),
            Metadata = s.Metadata,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt,
            Version = s.Version,
            CreatedBy = s.CreatedBy,
        };
    }
}
