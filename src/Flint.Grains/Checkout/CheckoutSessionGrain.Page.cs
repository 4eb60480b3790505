using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Domain.Checkout;
using Flint.Domain.Orders;

namespace Flint.Grains.Checkout;

/// <summary>The hosted page's calls: what the page shows, a coupon the buyer applies, and the buyer's payment.</summary>
public sealed partial class CheckoutSessionGrain
{
    public async Task<CheckoutPage> Page()
    {
        await ExpireIfDue();
        var order = await Order().Get();
        if (State.Status == CheckoutSessionStatus.Open) await CompleteIfPaidElsewhere(order);
        return await PageOf(order);
    }

    /// <summary>An open session whose order was paid through another channel (at a register, through the API) is done
    /// as soon as it is read: it completes (with no payment of its own) and gives back the stock it held — the pay saga
    /// took the order's own.</summary>
    private async Task CompleteIfPaidElsewhere(OrderView order)
    {
        if (order.NetAmounts.BalanceMoney.Amount == 0 && order.NetAmounts.PaidMoney.Amount > 0) await CompleteIfPaid(order);
    }

    private async Task<CheckoutPage> PageOf(OrderView order)
    {
        var (entry, key) = await CardEntryOf();
        return new CheckoutPage(View(State), order, State.CompletionMessage, State.RequireEmail, entry, key);
    }

    /// <summary>How the page takes cards: Stripe's card element when the merchant's payments go through Stripe and its
    /// publishable key is set; otherwise the test card field in test mode; in live mode, not at all.</summary>
    private async Task<(CardEntry Entry, string? PublishableKey)> CardEntryOf()
    {
        var settings = await GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).Get();
        if (settings is { PaymentProcessor: "stripe", StripePublishableKey: { } key }) return (CardEntry.StripeElement, key);
        return (Tenant.Environment == Tenant.Test ? CardEntry.TestCardField : CardEntry.Unavailable, null);
    }

    public async Task<CheckoutPage> ApplyCoupon(string couponId)
    {
        await EnsureOpen();
        if (!State.AllowCoupons) throw DomainException.Invalid("COUPONS_NOT_ALLOWED", "This checkout does not take coupons.", "coupon_code");
        var order = await Order().ApplyCoupon(couponId, null);
        // What the session shows as due (its GET and its list row) follows the order.
        await Change(s =>
        {
            s.AmountDue = order.NetAmounts.BalanceMoney;
            s.UpdatedAt = Now;
            return 0;
        });
        return await PageOf(order);
    }

    public async Task<CheckoutSessionView> Pay(CheckoutPagePay pay)
    {
        EnsureExists();
        if (State.Status == CheckoutSessionStatus.Complete) return View(State);
        await EnsureOpen();
        if (pay.Card.Length is 0 or > 64) throw DomainException.Invalid("INVALID_FIELD", "Enter a card.", "card");
        var token = (await CardEntryOf()).Entry switch
        {
            CardEntry.TestCardField => CheckoutRules.TestToken(pay.Card),
            CardEntry.StripeElement when CheckoutRules.IsCardToken(pay.Card.Trim()) => pay.Card.Trim(),
            CardEntry.StripeElement => throw DomainException.Invalid("INVALID_FIELD", "Enter your card.", "card"),
            _ => throw DomainException.Conflict("PAYMENTS_NOT_CONFIGURED", "This shop does not take card payments online yet."),
        };
        if (pay.AttemptKey.Length is 0 or > 64) throw DomainException.Invalid("INVALID_FIELD", "The form is incomplete; reload the page.", "attempt");
        var email = string.IsNullOrWhiteSpace(pay.Email) ? State.CustomerEmail : pay.Email.Trim();
        if (email is not null) Validation.RequireLength(email, "email", 3, 254);
        if (State.RequireEmail && (email is null || !email.Contains('@')))
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Enter your email.", "email");
        var order = Order();
        var due = (await order.Get()).NetAmounts.BalanceMoney;
        MoneyInput? tip = null;
        if (!string.IsNullOrEmpty(pay.TipPercentage))
        {
            if (!State.CollectTip.Contains(pay.TipPercentage))
                throw DomainException.Invalid("INVALID_FIELD", "Choose one of the tips offered.", "tip");
            var amount = CheckoutRules.Tip(due.Amount, pay.TipPercentage);
            if (amount > 0) tip = new MoneyInput { Amount = amount, Currency = due.Currency };
        }
        // A link with limited completions holds one for this payment first (exactly N paid under any concurrency).
        var link = State.PaymentLinkId is { } linkId ? GrainFactory.GetGrain<IPaymentLinkGrain>(Tenant.GrainKey(linkId)) : null;
        if (link is not null && !await link.Claim(ObjectId, State.OrderId))
            throw DomainException.Conflict("LINK_SOLD_OUT", "Sorry, this is sold out.");
        try
        {
            var request = new PayOrderRequest
            {
                PaymentSourceTokens = [token],
                TipMoney = tip,
                BuyerEmail = email,
                Source = State.PaymentLinkId is null ? "checkout" : "payment_link",
            };
            var attempt = new PayAttempt($"{ObjectId}:{pay.AttemptKey}");
            PayOrderResult result;
            try
            {
                result = await order.Pay(request, attempt);
            }
            catch (FlintException e) when (e.Code == "INSUFFICIENT_INVENTORY" && State.Held.Count > 0)
            {
                // The stock this session holds is what the payment needs: handed over (released, then taken by the
                // pay saga's own hold at once).
                await ReleaseHeld();
                result = await order.Pay(request, attempt);
            }
            return await CompleteIfPaid(result.Order, result.Payments.LastOrDefault(p => SnakeCase.Is(p.Status, PaymentStatus.Succeeded))?.PaymentId) ?? View(State);
        }
        catch (FlintException e) when (e.Code == "ORDER_ALREADY_PAID")
        {
            // Paid from another tab (or by another channel): the session is done.
            return await CompleteIfPaid(await order.Get()) ?? View(State);
        }
        catch (Exception e) when (link is not null && State.Status != CheckoutSessionStatus.Complete
            && e is DomainException or FlintException { Code: not "PAYMENT_IN_PROGRESS" })
        {
            // Refused or declined: nothing was charged, so the seat goes back at once. A failure whose outcome is not
            // known (a silo died, a timeout) keeps the hold: once it lapses, the link settles it by the order.
            await link.Release(ObjectId);
            throw;
        }
    }
}
