using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Abstractions.Checkout;

/// <summary>A buyer-chosen amount (donations): between minimum and maximum, the page starting at preset.</summary>
[GenerateSerializer, Alias("flint.checkout.custom_amount")]
public sealed class CustomAmountInput
{
    [Id(0)] public long? Minimum { get; set; }
    [Id(1)] public long? Maximum { get; set; }
    [Id(2)] public long? Preset { get; set; }
    [Id(3)] public string? Currency { get; set; }
}

/// <summary>What a paid link's buyer gets: a redirect, or a message on Flint's page.</summary>
[GenerateSerializer, Alias("flint.checkout.after_completion")]
public sealed class AfterCompletionInput
{
    [Id(0)] public string? RedirectUrl { get; set; }
    [Id(1)] public string? Message { get; set; }
}

/// <summary>A reusable link: each visit opens a fresh checkout session. Exactly one of line_items, amount_money or
/// custom_amount.</summary>
[GenerateSerializer, Alias("flint.checkout.create_link")]
public sealed class CreatePaymentLinkRequest
{
    [Id(0)] public List<LineItemInput>? LineItems { get; set; }
    [Id(1)] public MoneyInput? AmountMoney { get; set; }
    [Id(2)] public CustomAmountInput? CustomAmount { get; set; }
    /// <summary>What the buyer pays for, for amount_money and custom_amount (default "Payment").</summary>
    [Id(3)] public string? Name { get; set; }
    [Id(4)] public bool? Active { get; set; }
    /// <summary>At most this many paid sessions (events with limited seats); then the link shows it is sold out.</summary>
    [Id(5)] public long? MaxCompletedSessions { get; set; }
    [Id(6)] public AfterCompletionInput? AfterCompletion { get; set; }
    [Id(7)] public bool? CollectCustomerEmail { get; set; }
    [Id(8)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.checkout.update_link")]
public sealed class UpdatePaymentLinkRequest
{
    [Id(0)] public bool? Active { get; set; }
    [Id(1)] public AfterCompletionInput? AfterCompletion { get; set; }
    [Id(2)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.checkout.custom_amount_view"), Immutable]
public sealed record CustomAmountView(
    [property: Id(0)] Money Minimum,
    [property: Id(1)] Money Maximum,
    [property: Id(2)] Money? Preset);

[GenerateSerializer, Alias("flint.checkout.after_completion_view"), Immutable]
public sealed record AfterCompletionView(
    [property: Id(0)] string? RedirectUrl,
    [property: Id(1)] string? Message);

[GenerateSerializer, Alias("flint.checkout.link_view")]
public sealed record PaymentLinkView : CatalogObjectView
{
    [Id(0)] public required string PaymentLinkId { get; init; }
    /// <summary>Where buyers go: each visit opens a fresh checkout session.</summary>
    [Id(1)] public required string Url { get; init; }
    [Id(2)] public required string Currency { get; init; }
    [Id(3)] public IReadOnlyList<LineItemInput>? LineItems { get; init; }
    [Id(4)] public Money? AmountMoney { get; init; }
    [Id(5)] public CustomAmountView? CustomAmount { get; init; }
    [Id(6)] public string? Name { get; init; }
    [Id(7)] public bool Active { get; init; }
    [Id(8)] public long? MaxCompletedSessions { get; init; }
    [Id(9)] public long CompletedSessions { get; init; }
    [Id(10)] public required AfterCompletionView AfterCompletion { get; init; }
    [Id(11)] public bool CollectCustomerEmail { get; init; }
}

public interface IPaymentLinkGrain : ICatalogObjectGrain<CreatePaymentLinkRequest, UpdatePaymentLinkRequest, PaymentLinkView>
{
    /// <summary>A fresh checkout session for a visit (for custom_amount, of the amount the buyer chose); 409
    /// LINK_INACTIVE / LINK_SOLD_OUT when the link takes no more buyers.</summary>
    Task<CheckoutSessionView> OpenSession(long? amountMinor);
    /// <summary>Holds one of the link's limited completions for a session about to pay <paramref name="orderId"/>
    /// (false: none left).</summary>
    Task<bool> Claim(string checkoutSessionId, string orderId);
    /// <summary>The session was paid: its hold becomes a completion (idempotent).</summary>
    Task Confirm(string checkoutSessionId);
    /// <summary>The session's payment failed: its hold is given back.</summary>
    Task Release(string checkoutSessionId);
}
