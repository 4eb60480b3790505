using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Checkout;
using Flint.Domain.Coupons;
using Flint.Persistence.Lists;

namespace Flint.Api.Checkout;

/// <summary>
/// The hosted checkout page, <c>/checkout/{id}</c>: server-rendered HTML that works without JavaScript (there is
/// none). No API key: the session's unguessable id is the key, and the page shows only what the buyer may see. Every
/// string from the merchant or the buyer is HTML-encoded; the Content-Security-Policy allows nothing but this
/// origin's stylesheet and forms posted here (and the redirect to the session's success URL); every form carries an
/// antiforgery token (ASP.NET Core's, cookie-bound). A decline shows its reason and the form again. The document, its
/// stylesheet, the headers and the antiforgery check are every page's (<see cref="HostedPages"/>).
/// </summary>
public static class CheckoutPages
{
    public static void MapCheckoutPages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/checkout").ExcludeFromDescription();
        g.MapGet("/assets/stripe-card.js", (HttpContext ctx) =>
        {
            ctx.Response.Headers.CacheControl = "public, max-age=3600";
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Text(StripeCardScript, "text/javascript; charset=utf-8");
        });
        g.MapGet("/{id}", async (HttpContext ctx, string id) =>
            await WithSession(ctx, id, async session => Page(ctx, await session.Page(), null, 200)));
        g.MapPost("/{id}/coupon", async (HttpContext ctx, string id, ICouponCodeIndex coupons) =>
            await WithSession(ctx, id, async session =>
            {
                if (await HostedPages.Forged(ctx)) return Message(ctx, "This form has expired", "Reload the page and try again.", 400);
                var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
                var tenant = (Tenant)ctx.Items["checkout_tenant"]!;
                try
                {
                    var code = CouponRules.NormalizeCode(form["coupon_code"].ToString(), "coupon_code");
                    var couponId = await coupons.CouponIdOf(tenant, code, ctx.RequestAborted)
                        ?? throw DomainException.Invalid("INVALID_COUPON", $"No coupon {code}.", "coupon_code");
                    return Page(ctx, await session.ApplyCoupon(couponId), null, 200);
                }
                catch (Exception e) when (e is DomainException or FlintException)
                {
                    return Page(ctx, await session.Page(), e.Message, 400);
                }
            }));
        g.MapPost("/{id}/pay", async (HttpContext ctx, string id) =>
            await WithSession(ctx, id, async session =>
            {
                if (await HostedPages.Forged(ctx)) return Message(ctx, "This form has expired", "Reload the page and try again.", 400);
                var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
                try
                {
                    var done = await session.Pay(new CheckoutPagePay(form["card"].ToString(), form["tip"].ToString(), form["email"].ToString(),
                        form["attempt"].ToString()));
                    // 303: the browser fetches the success page with GET.
                    ctx.Response.Headers.Location = CheckoutRules.Landing(done.SuccessUrl, done.CheckoutSessionId);
                    return Results.StatusCode(303);
                }
                catch (Exception e) when (e is DomainException or FlintException)
                {
                    var reason = e is FlintException { Code: "PAYMENT_DECLINED" } f ? $"Your card was declined ({f.DeclineCode}). Try another card." : e.Message;
                    return Page(ctx, await session.Page(), reason, e is FlintException { Code: "PAYMENT_DECLINED" } ? 402 : 400);
                }
            }));
    }

    /// <summary><c>/l/{id}</c>: every visit to a payment link opens a fresh checkout session and goes to it (303); a link
    /// with a buyer-chosen amount asks for the amount first. An inactive or sold-out link says so (410).</summary>
    public static void MapPaymentLinkPages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/l").ExcludeFromDescription();
        g.MapGet("/{id}", async (HttpContext ctx, string id) => await WithLink(ctx, id, async link =>
        {
            var view = await link.Get();
            if (view.CustomAmount is not null && view.Active) return AmountPage(ctx, view, null, 200);
            return await Open(ctx, link, null);
        }));
        g.MapPost("/{id}", async (HttpContext ctx, string id) => await WithLink(ctx, id, async link =>
        {
            if (await HostedPages.Forged(ctx)) return Message(ctx, "This form has expired", "Reload the page and try again.", 400);
            var view = await link.Get();
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            if (CheckoutRules.MinorUnits(form["amount"].ToString(), view.Currency) is not { } amount)
                return AmountPage(ctx, view, "Enter an amount such as 25 or 25.00.", 400);
            try
            {
                return await Open(ctx, link, amount);
            }
            catch (Exception e) when (e is DomainException or FlintException { Kind: DomainErrorKind.InvalidRequest })
            {
                return AmountPage(ctx, view, e.Message, 400);
            }
        }));
    }

    private static async Task<IResult> Open(HttpContext ctx, IPaymentLinkGrain link, long? amount)
    {
        try
        {
            var session = await link.OpenSession(amount);
            ctx.Response.Headers.Location = session.Url;
            return Results.StatusCode(303);
        }
        catch (FlintException e) when (e.Code is "LINK_INACTIVE" or "LINK_SOLD_OUT")
        {
            return Message(ctx, e.Code == "LINK_SOLD_OUT" ? "Sold out" : "This link is no longer active", e.Message, 410);
        }
    }

    private static IResult AmountPage(HttpContext ctx, PaymentLinkView link, string? error, int status)
    {
        var c = link.CustomAmount!;
        var preset = c.Preset is { } p
            ? p.ToMajorUnits().ToString("F" + Flint.Domain.Currency.GetExponent(p.Currency), System.Globalization.CultureInfo.InvariantCulture) : "";
        var body = $"""
            <h1>{E(link.Name ?? "Payment")}</h1>
            {(error is null ? "" : $"""<p class="error" role="alert" id="error">{E(error)}</p>""")}
            <form method="post" action="/l/{E(link.PaymentLinkId)}">{HostedPages.AntiforgeryField(ctx)}
            <label for="amount">Amount ({E(link.Currency)})</label>
            <input id="amount" name="amount" inputmode="decimal" required value="{E(preset)}" aria-describedby="amount-hint">
            <p id="amount-hint" class="hint">From {E(c.Minimum.ToString())} to {E(c.Maximum.ToString())}.</p>
            <button type="submit">Continue</button></form>
            """;
        return HostedPages.Document(ctx, link.Name ?? "Payment", body, status);
    }

    private static async Task<IResult> WithLink(HttpContext ctx, string id, Func<IPaymentLinkGrain, Task<IResult>> handle)
    {
        Secure(ctx, null);
        if (!FlintId.IsValid(id, IdPrefix.PaymentLink)) return Message(ctx, "No such link", "Check the link you were given.", 404);
        var tenant = await ctx.RequestServices.GetRequiredService<IObjectTenants>().TenantOf(PaymentLinkProjection.Kind, id, ctx.RequestAborted);
        if (tenant is null) return Message(ctx, "No such link", "Check the link you were given.", 404);
        return await handle(ctx.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IPaymentLinkGrain>(tenant.GrainKey(id)));
    }

    /// <summary>The session the path names, in its tenant, or the "no such checkout" page.</summary>
    private static async Task<IResult> WithSession(HttpContext ctx, string id, Func<ICheckoutSessionGrain, Task<IResult>> handle)
    {
        Secure(ctx, null);
        if (!FlintId.IsValid(id, IdPrefix.CheckoutSession)) return Message(ctx, "No such checkout", "Check the link you were given.", 404);
        var tenant = await ctx.RequestServices.GetRequiredService<IObjectTenants>().TenantOf(CheckoutSessionProjection.Kind, id, ctx.RequestAborted);
        if (tenant is null) return Message(ctx, "No such checkout", "Check the link you were given.", 404);
        ctx.Items["checkout_tenant"] = tenant;
        var grain = ctx.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ICheckoutSessionGrain>(tenant.GrainKey(id));
        return await handle(grain);
    }

    private static IResult Page(HttpContext ctx, CheckoutPage page, string? error, int status)
    {
        var s = page.Session;
        var o = page.Order;
        var stripe = page.CardEntry == CardEntry.StripeElement && SnakeCase.Is(s.Status, CheckoutSessionStatus.Open);
        Secure(ctx, s, stripe);
        if (SnakeCase.Is(s.Status, CheckoutSessionStatus.Expired)) return Message(ctx, "This checkout has expired", "Ask the seller for a new link.", 410, s.CancelUrl);
        if (SnakeCase.Is(s.Status, CheckoutSessionStatus.Complete))
            return page.CompletionMessage is { } said
                ? Message(ctx, "Paid — thank you", $"{o.NetAmounts.PaidMoney} was paid. {said}", 200)
                : Message(ctx, "Paid — thank you", $"{o.NetAmounts.PaidMoney} was paid.", 200, CheckoutRules.Landing(s.SuccessUrl, s.CheckoutSessionId), "Continue");
        var csrf = HostedPages.AntiforgeryField(ctx);
        var due = o.NetAmounts.BalanceMoney;
        var b = new StringBuilder();
        b.Append("<h1>Checkout</h1>");
        if (error is not null) b.Append($"""<p class="error" role="alert" id="error">{E(error)}</p>""");
        b.Append("""<table><caption>Your order</caption><thead><tr><th scope="col">Item</th><th scope="col">Qty</th><th scope="col" class="n">Amount</th></tr></thead><tbody>""");
        foreach (var l in o.LineItems)
            b.Append($"""<tr><td>{E(l.Name)}</td><td>{l.Quantity}</td><td class="n">{E(l.GrossSalesMoney.ToString())}</td></tr>""");
        b.Append("</tbody></table><dl class=\"sums\">");
        Row(b, "Subtotal", o.NetAmounts.SubtotalMoney, "subtotal");
        if (o.NetAmounts.DiscountMoney.Amount > 0) Row(b, "Discount", -o.NetAmounts.DiscountMoney, "discount");
        if (o.NetAmounts.TaxMoney.Amount > 0) Row(b, "Tax", o.NetAmounts.TaxMoney, "tax");
        if (o.NetAmounts.PaidMoney.Amount > 0) Row(b, "Already paid", -o.NetAmounts.PaidMoney, "paid");
        Row(b, "Due", due, "due");
        b.Append("</dl>");
        foreach (var code in o.CouponCodes) b.Append($"""<p class="coupon">Coupon {E(code)} applied.</p>""");
        if (s.AllowCoupons)
        {
            b.Append($"""<form method="post" action="/checkout/{E(s.CheckoutSessionId)}/coupon" class="inline">{csrf}<label for="coupon_code">Coupon code</label><input id="coupon_code" name="coupon_code" autocomplete="off" maxlength="64"><button type="submit">Apply</button></form>""");
        }
        if (page.CardEntry == CardEntry.Unavailable)
        {
            b.Append("""<p class="error" role="alert" id="error">This shop does not take card payments online yet.</p>""");
            if (s.CancelUrl is not null) b.Append($"""<p><a href="{E(CheckoutRules.Landing(s.CancelUrl, s.CheckoutSessionId))}">Back to the shop</a></p>""");
            return HostedPages.Document(ctx, "Checkout", b.ToString(), status);
        }
        b.Append($"""<form method="post" action="/checkout/{E(s.CheckoutSessionId)}/pay" id="pay-form">{csrf}""");
        b.Append($"""<input type="hidden" name="attempt" value="{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}">""");
        if (s.CollectTip.Count > 0)
        {
            b.Append("""<fieldset><legend>Add a tip</legend><label><input type="radio" name="tip" value="" checked> No tip</label>""");
            foreach (var p in s.CollectTip)
                b.Append($"""<label><input type="radio" name="tip" value="{E(p)}"> {E(p)} % ({E(new Money(CheckoutRules.Tip(due.Amount, p), due.Currency).ToString())})</label>""");
            b.Append("</fieldset>");
        }
        b.Append($"""<label for="email">Email for the receipt</label><input id="email" name="email" type="email" autocomplete="email" maxlength="254" value="{E(s.CustomerEmail ?? "")}"{(page.RequireEmail ? " required" : "")}>""");
        if (stripe)
        {
            // Stripe's card element: the card goes from the buyer's browser to Stripe; this form posts only the token.
            b.Append("""<span class="label" id="card-label">Card</span>""");
            b.Append($"""<div id="card-element" class="card-element" role="group" aria-labelledby="card-label" data-stripe-key="{E(page.StripePublishableKey!)}"></div>""");
            b.Append("""<p id="card-error" class="hint" role="alert"></p>""");
            b.Append("""<noscript><p class="error">Card entry needs JavaScript: enable it for this page and reload.</p></noscript>""");
            b.Append("""<input type="hidden" name="card" value="">""");
        }
        else
        {
            b.Append("""<label for="card">Card</label><input id="card" name="card" required autocomplete="cc-number" maxlength="64" aria-describedby="card-hint">""");
            b.Append("""<p id="card-hint" class="hint">Test mode: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined (or a test token such as tok_visa).</p>""");
        }
        b.Append($"""<button type="submit" id="pay">Pay {E(due.ToString())}</button></form>""");
        if (stripe) b.Append($"""<script src="{StripeJs}"></script><script src="/checkout/assets/stripe-card.js"></script>""");
        if (s.CancelUrl is not null) b.Append($"""<p><a href="{E(CheckoutRules.Landing(s.CancelUrl, s.CheckoutSessionId))}">Back to the shop</a></p>""");
        return HostedPages.Document(ctx, "Checkout", b.ToString(), status);
    }

    private static void Row(StringBuilder b, string label, Money amount, string id) =>
        b.Append($"""<dt>{label}</dt><dd id="{id}">{E(amount.ToString())}</dd>""");

    private static IResult Message(HttpContext ctx, string title, string text, int status, string? link = null, string linkText = "Back to the shop") =>
        HostedPages.Message(ctx, title, text, status, link, linkText);

    /// <summary>Every page's headers (<see cref="HostedPages.Secure"/>); forms may also post (and, after a payment,
    /// redirect) to the session's success and cancel origins. A page with Stripe's card element also runs this origin's
    /// script and Stripe.js, and lets Stripe's frames and API in — what Stripe documents for Stripe.js.</summary>
    private static void Secure(HttpContext ctx, CheckoutSessionView? s, bool stripe = false)
    {
        var formTargets = "'self'" + (s is null ? "" : " " + Origin(s.SuccessUrl) + (s.CancelUrl is null ? "" : " " + Origin(s.CancelUrl)));
        HostedPages.Secure(ctx, formTargets,
            images: stripe ? "'self' https://*.stripe.com" : "'self'",
            moreDirectives: stripe
                ? "script-src 'self' https://js.stripe.com https://*.js.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; connect-src https://api.stripe.com"
                : null);
    }

    private static string Origin(string url) => HostedPages.Origin(url.Replace(CheckoutRules.SessionIdPlaceholder, "x", StringComparison.Ordinal));

    private static string E(string s) => HostedPages.E(s);

    /// <summary>Stripe.js, always loaded from Stripe (as Stripe requires).</summary>
    private const string StripeJs = "https://js.stripe.com/v3/";

    /// <summary>The card element's few lines: mount Stripe's card element with the merchant's publishable key; on pay,
    /// ask Stripe for a token and post the form with it (the card itself never reaches Flint). Stripe's messages
    /// (an incomplete number, a failed token) appear in the alert region under the field.</summary>
    private const string StripeCardScript = """
        (function () {
          'use strict';
          var form = document.getElementById('pay-form');
          var mount = document.getElementById('card-element');
          var message = document.getElementById('card-error');
          var button = document.getElementById('pay');
          if (!form || !mount || !message || !button) return;
          if (typeof window.Stripe !== 'function') {
            message.textContent = 'The card form could not be loaded. Check your connection and reload the page.';
            button.disabled = true;
            return;
          }
          var stripe = window.Stripe(mount.getAttribute('data-stripe-key'));
          var card = stripe.elements().create('card');
          card.mount(mount);
          card.on('change', function (event) { message.textContent = event.error ? event.error.message : ''; });
          var sending = false;
          form.addEventListener('submit', function (event) {
            event.preventDefault();
            if (sending) return;
            sending = true;
            button.disabled = true;
            stripe.createToken(card).then(function (result) {
              if (result.error) {
                message.textContent = result.error.message;
                sending = false;
                button.disabled = false;
                card.focus();
                return;
              }
              form.elements.card.value = result.token.id;
              form.submit();
            });
          });
        })();
        """;
}
