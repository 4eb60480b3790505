using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;
using Flint.Domain;

namespace Flint.Abstractions.Checkout;

/// <summary>A hosted checkout for an order: a page of Flint's where the buyer pays it.</summary>
[GenerateSerializer, Alias("flint.checkout.create_session")]
public sealed class CreateCheckoutSessionRequest
{
    /// <summary>An open (or partially paid) order to pay; or send line_items and an order is made.</summary>
    [Id(0)] public string? OrderId { get; set; }
    [Id(1)] public List<LineItemInput>? LineItems { get; set; }
    [Id(2)] public string? Currency { get; set; }
    [Id(3)] public TaxLocationInput? TaxLocation { get; set; }
    /// <summary>Where the buyer lands once paid; <c>{CHECKOUT_SESSION_ID}</c> is replaced by the session's id.</summary>
    [Id(4)] public string? SuccessUrl { get; set; }
    /// <summary>Where the page's "back" link goes.</summary>
    [Id(5)] public string? CancelUrl { get; set; }
    [Id(6)] public string? CustomerId { get; set; }
    [Id(7)] public string? CustomerEmail { get; set; }
    /// <summary>Whether the page offers a coupon field (default false).</summary>
    [Id(8)] public bool? AllowCoupons { get; set; }
    /// <summary>Tip choices offered as percentages of the amount due ("10", "15", "20"); absent: no tip.</summary>
    [Id(9)] public List<string>? CollectTip { get; set; }
    /// <summary>30 minutes to 24 hours ahead; default 24 hours.</summary>
    [Id(10)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(11)] public Dictionary<string, string>? Metadata { get; set; }
    /// <summary>Hold the order's stock for the session's life (default false): nobody else can buy it meanwhile.</summary>
    [Id(12)] public bool? HoldInventory { get; set; }
}

/// <summary><c>POST /v1/orders/{id}/checkout-session</c>: a session for what is still due on an order (the hosted
/// fallback for a balance another channel left). The fields of a session, without the order's.</summary>
[GenerateSerializer, Alias("flint.checkout.order_session")]
public sealed class OrderCheckoutSessionRequest
{
    [Id(0)] public string? SuccessUrl { get; set; }
    [Id(1)] public string? CancelUrl { get; set; }
    [Id(2)] public string? CustomerEmail { get; set; }
    [Id(3)] public bool? AllowCoupons { get; set; }
    [Id(4)] public List<string>? CollectTip { get; set; }
    [Id(5)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(6)] public Dictionary<string, string>? Metadata { get; set; }
    [Id(7)] public bool? HoldInventory { get; set; }

    public CreateCheckoutSessionRequest For(string orderId) => new()
    {
        OrderId = orderId,
        SuccessUrl = SuccessUrl,
        CancelUrl = CancelUrl,
        CustomerEmail = CustomerEmail,
        AllowCoupons = AllowCoupons,
        CollectTip = CollectTip,
        ExpiresAt = ExpiresAt,
        Metadata = Metadata,
        HoldInventory = HoldInventory,
    };
}

[GenerateSerializer, Alias("flint.checkout.update_session")]
public sealed class UpdateCheckoutSessionRequest
{
    [Id(0)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.checkout.session_view")]
public sealed record CheckoutSessionView
{
    [Id(0)] public required string CheckoutSessionId { get; init; }
    /// <summary>The hosted page (no API key needed: the session's id is its key).</summary>
    [Id(1)] public required string Url { get; init; }
    /// <summary>open | complete | expired</summary>
    [Id(2)] public required string Status { get; init; }
    [Id(3)] public required string OrderId { get; init; }
    /// <summary>What the order still asks for (before a tip).</summary>
    [Id(4)] public required Money AmountDue { get; init; }
    [Id(5)] public required string SuccessUrl { get; init; }
    [Id(6)] public string? CancelUrl { get; init; }
    [Id(7)] public string? CustomerId { get; init; }
    [Id(8)] public string? CustomerEmail { get; init; }
    [Id(9)] public bool AllowCoupons { get; init; }
    [Id(10)] public required IReadOnlyList<string> CollectTip { get; init; }
    [Id(11)] public DateTimeOffset ExpiresAt { get; init; }
    [Id(12)] public string? PaymentId { get; init; }
    [Id(13)] public DateTimeOffset? CompletedAt { get; init; }
    [Id(14)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(15)] public DateTimeOffset CreatedAt { get; init; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(17)] public long Version { get; init; }
    [Id(18)] public string? PaymentLinkId { get; init; }
    /// <summary>The order's stock is held while the session is open.</summary>
    [Id(19)] public bool HoldInventory { get; init; }
    /// <summary>Who created it: api_key:key_… or app:app_… (a partner app); null for a payment link's visit.</summary>
    [Id(20)] public string? CreatedBy { get; init; }
}

/// <summary>What the hosted page shows: the session and its order as it is now.</summary>
[GenerateSerializer, Alias("flint.checkout.page"), Immutable]
public sealed record CheckoutPage(
    [property: Id(0)] CheckoutSessionView Session,
    [property: Id(1)] OrderView Order,
    /// <summary>What the paid page says (a payment link's message), if anything.</summary>
    [property: Id(2)] string? CompletionMessage = null,
    /// <summary>The page asks for the buyer's email (a payment link that collects it).</summary>
    [property: Id(3)] bool RequireEmail = false,
    /// <summary>How the page takes the card.</summary>
    [property: Id(4)] CardEntry CardEntry = CardEntry.TestCardField,
    /// <summary>The merchant's Stripe publishable key, for <see cref="CardEntry.StripeElement"/>.</summary>
    [property: Id(5)] string? StripePublishableKey = null);

/// <summary>How the hosted page takes the buyer's card.</summary>
[GenerateSerializer, Alias("flint.checkout.card_entry")]
public enum CardEntry
{
    /// <summary>Test mode without Stripe's element: a text field for Stripe's test card numbers and test tokens.</summary>
    TestCardField,
    /// <summary>Stripe's card element (Stripe.js, the merchant's publishable key): the card goes to Stripe, the page posts
    /// only the token Stripe returns.</summary>
    StripeElement,
    /// <summary>Live mode without a Stripe secret and publishable key: the page cannot take cards.</summary>
    Unavailable,
}

/// <summary>The buyer's pay from the hosted page.</summary>
[GenerateSerializer, Alias("flint.checkout.page_pay"), Immutable]
public sealed record CheckoutPagePay(
    /// <summary>A card token (tok_…: from Stripe's card element, or a test token), or, on the test-mode card field,
    /// one of Stripe's test card numbers.</summary>
    [property: Id(0)] string Card,
    /// <summary>One of the session's tip percentages, or null/empty for none.</summary>
    [property: Id(1)] string? TipPercentage,
    [property: Id(2)] string? Email,
    /// <summary>One per page load: a form sent twice (two clicks, two tabs) is one attempt.</summary>
    [property: Id(3)] string AttemptKey);

/// <summary>What a session opened by a payment link carries besides the session's own fields.</summary>
[GenerateSerializer, Alias("flint.checkout.link_session"), Immutable]
public sealed record LinkSession(
    [property: Id(0)] string PaymentLinkId,
    [property: Id(1)] bool RequireEmail,
    [property: Id(2)] string? CompletionMessage);

public interface ICheckoutSessionGrain : IObjectGrain<CreateCheckoutSessionRequest, UpdateCheckoutSessionRequest, CheckoutSessionView>
{
    /// <summary>A session opened by a visit to a payment link (its completions are counted by the link).</summary>
    Task<CheckoutSessionView> CreateForLink(CreateCheckoutSessionRequest request, LinkSession link);
    Task<CheckoutSessionView> Expire();
    /// <summary>RESOURCE_NOT_FOUND when there is no such session.</summary>
    Task<CheckoutPage> Page();
    Task<CheckoutPage> ApplyCoupon(string couponId);
    /// <summary>Pays the order; PAYMENT_DECLINED (with its decline code) when the card is declined.</summary>
    Task<CheckoutSessionView> Pay(CheckoutPagePay pay);
}
