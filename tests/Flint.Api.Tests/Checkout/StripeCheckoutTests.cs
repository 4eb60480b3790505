using System.Net;
using Flint.Api.Tests.Browser;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;
using Microsoft.Playwright;

namespace Flint.Api.Tests.Checkout;

/// <summary>
/// The hosted page of a merchant whose payments go through Stripe: a Flint host of its own whose Stripe adapter talks to
/// <see cref="StripeStandIn"/> on loopback (FLINT_STRIPE_API_BASE). The page then carries Stripe's card element with the
/// merchant's publishable key, and posts only the token Stripe.js returns. js.stripe.com cannot be reached here, so in
/// Chromium the page's request for Stripe.js is answered by <see cref="StripeJsStandIn"/> (Playwright routing): the
/// page's own script, its Content-Security-Policy and the token's way through Flint to Stripe are what is tested.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StripeCheckoutTests(ApiFixture f, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string SecretKey = "sk_test_51StripeShopSecretAaaaaaaaaa";
    private const string PublishableKey = "pk_test_51StripeShopPublicAaaaaaaaaa";

    /// <summary>
    /// Stands in for https://js.stripe.com/v3/ in the browser: <c>Stripe(key)</c> (the key is kept in
    /// <c>window.__stripeKey</c>), <c>elements().create('card')</c> mounting a plain field labelled "Card number", and
    /// <c>createToken(card)</c> answering what Stripe.js answers for Stripe's test cards: the test token that behaves
    /// like the number, or Stripe's error for an incomplete number.
    /// </summary>
    private const string StripeJsStandIn = """
        window.Stripe = function (key) {
          window.__stripeKey = key;
          return {
            elements: function () {
              return {
                create: function (type) {
                  var input = document.createElement('input');
                  input.setAttribute('aria-label', 'Card number');
                  input.setAttribute('inputmode', 'numeric');
                  return {
                    type: type,
                    input: input,
                    mount: function (where) { (typeof where === 'string' ? document.querySelector(where) : where).appendChild(input); },
                    on: function () {},
                    focus: function () { input.focus(); }
                  };
                }
              };
            },
            createToken: function (card) {
              var tokens = { '4242424242424242': 'tok_visa', '4000000000000002': 'tok_chargeDeclined' };
              var token = tokens[card.input.value.replace(/\s/g, '')];
              return Promise.resolve(token ? { token: { id: token, object: 'token' } }
                : { error: { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' } });
            }
          };
        };
        """;

    private sealed class StripeShop(StripeStandIn stripe, FlintTestHost host, ApiClient test, ApiClient live) : IAsyncDisposable
    {
        public StripeStandIn Stripe { get; } = stripe;
        public FlintTestHost Host { get; } = host;
        public ApiClient Test { get; } = test;
        public ApiClient Live { get; } = live;

        public IReadOnlyList<StripeCall> Intents => Stripe.Calls.Where(c => c.Method == "POST" && c.Path == "/v1/payment_intents").ToList();

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Stripe.DisposeAsync();
        }
    }

    /// <summary>A host whose Stripe is the stand-in, and one merchant on it (no keys set yet).</summary>
    private async Task<StripeShop> Start()
    {
        var stripe = await StripeStandIn.StartAsync();
        var host = await FlintTestHost.StartAsync(await f.Postgres.CreateDatabaseAsync(),
            overrides: new Dictionary<string, string?> { ["FLINT_STRIPE_API_BASE"] = stripe.ApiBase });
        var merchant = await new ApiClient(host.Client, FlintTestHost.AdminToken).Post("/v1/merchants", """{"name":"Stripe shop"}""");
        Assert.True(merchant.Status == 201, merchant.ToString());
        var keys = merchant.Data["api_keys"]!;
        return new StripeShop(stripe, host, new ApiClient(host.Client, keys["test"]!.GetValue<string>()), new ApiClient(host.Client, keys["live"]!.GetValue<string>()));
    }

    private static async Task<string> Session(ApiClient api, string successUrl, long price = 1000)
    {
        var r = await api.Post("/v1/checkout-sessions", $$"""
            {"line_items":[{{OrderData.AdHoc("Tea", price)}}],"success_url":"{{successUrl}}"}
            """);
        Assert.True(r.Status == 201, r.ToString());
        return r.Data.Str("checkout_session_id");
    }

    [Fact]
    public async Task With_Stripe_keys_the_page_carries_the_card_element_and_only_a_token_is_charged_on_the_merchants_Stripe_account()
    {
        await using var shop = await Start();
        var before = await shop.Test.Get("/v1/settings");
        Assert.Equal(("simulated", null), (before.Data.Str("payment_processor"), before.Data["stripe_publishable_key"]?.GetValue<string>()));

        // Keys of the wrong kind or environment are refused and change nothing.
        (await shop.Test.Put("/v1/settings/payments", """{"stripe_publishable_key":"pk_live_51StripeShopPublicAaaaaaaaaa"}""")).AssertError(400, "INVALID_STRIPE_KEY", "stripe_publishable_key");
        (await shop.Test.Put("/v1/settings/payments", $$"""{"stripe_publishable_key":"{{SecretKey}}"}""")).AssertError(400, "INVALID_STRIPE_KEY", "stripe_publishable_key");
        (await shop.Test.Put("/v1/settings/payments", $$"""{"stripe_secret_key":"{{PublishableKey}}"}""")).AssertError(400, "INVALID_STRIPE_KEY", "stripe_secret_key");
        (await shop.Live.Put("/v1/settings/payments", $$"""{"stripe_publishable_key":"{{PublishableKey}}"}""")).AssertError(400, "INVALID_STRIPE_KEY", "stripe_publishable_key");
        Assert.Equal(before.Data.Long("version"), (await shop.Test.Get("/v1/settings")).Data.Long("version"));

        var set = await shop.Test.Put("/v1/settings/payments", $$"""{"stripe_secret_key":"{{SecretKey}}","stripe_publishable_key":"{{PublishableKey}}"}""");
        Assert.True(set.Status == 200, set.ToString());
        Assert.Equal(("stripe", "aaaa", PublishableKey),
            (set.Data.Str("payment_processor"), set.Data.Str("stripe_key_last4"), set.Data.Str("stripe_publishable_key")));
        Assert.DoesNotContain(SecretKey, set.Raw);
        Assert.DoesNotContain(SecretKey, (await shop.Test.Get("/v1/settings")).Raw);

        var id = await Session(shop.Test, "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}");
        using var client = CheckoutForms.Browser(shop.Host.BaseAddress);
        var page = await client.GetAsync($"/checkout/{id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-stripe-key=\"{PublishableKey}\"", html);
        Assert.Contains("<script src=\"https://js.stripe.com/v3/\"></script><script src=\"/checkout/assets/stripe-card.js\"></script>", html);
        Assert.Contains("<input type=\"hidden\" name=\"card\" value=\"\">", html);
        Assert.DoesNotContain("autocomplete=\"cc-number\"", html);   // no card number field of Flint's own
        Assert.DoesNotContain(SecretKey, html);
        Assert.Equal(
            "default-src 'none'; style-src 'self'; img-src 'self' https://*.stripe.com; script-src 'self' https://js.stripe.com https://*.js.stripe.com; " +
            "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; connect-src https://api.stripe.com; " +
            "form-action 'self' https://shop.example; base-uri 'none'; frame-ancestors 'none'",
            page.Headers.GetValues("Content-Security-Policy").Single());
        var script = await client.GetAsync("/checkout/assets/stripe-card.js");
        Assert.Equal(("text/javascript", "nosniff"), (script.Content.Headers.ContentType!.MediaType, script.Headers.GetValues("X-Content-Type-Options").Single()));
        Assert.Contains("stripe.createToken(card)", await script.Content.ReadAsStringAsync());

        // A card number posted by hand (not through Stripe's element) is refused before anything reaches Stripe.
        var typed = await CheckoutForms.Submit(client, html, $"/checkout/{id}/pay", new() { ["card"] = "4242 4242 4242 4242" });
        Assert.Equal(HttpStatusCode.BadRequest, typed.StatusCode);
        Assert.Contains("Enter your card.", await typed.Content.ReadAsStringAsync());
        Assert.Empty(shop.Intents);

        var paid = await CheckoutForms.Submit(client, html, $"/checkout/{id}/pay", new() { ["card"] = "tok_visa" });
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal($"https://shop.example/thanks?session={id}", paid.Headers.Location!.ToString());
        var intent = Assert.Single(shop.Intents);
        Assert.Equal(("Bearer " + SecretKey, "1000", "usd", "tok_visa", "true"),
            (intent.Header("Authorization"), intent.Field("amount"), intent.Field("currency"), intent.Field("payment_method_data[card][token]"), intent.Field("confirm")));
        Assert.Null(intent.Field("off_session"));   // the buyer is there
        var session = (await shop.Test.Get($"/v1/checkout-sessions/{id}")).Data;
        var order = (await shop.Test.Get($"/v1/orders/{session.Str("order_id")}")).Data;
        Assert.Equal(("complete", "paid", 1000L), (session.Str("status"), order.Str("status"), order.Net("paid")));
        var payment = Assert.Single((await shop.Test.ListAll($"/v1/payments?order_id={session.Str("order_id")}")));
        Assert.StartsWith("pi_", payment!.Str("processor_reference"));
    }

    [Fact]
    public async Task In_live_mode_without_Stripe_keys_the_page_says_it_cannot_take_cards_and_a_posted_card_is_refused()
    {
        await using var shop = await Start();
        var id = await Session(shop.Live, "https://shop.example/thanks");
        using var client = CheckoutForms.Browser(shop.Host.BaseAddress);
        var page = await client.GetAsync($"/checkout/{id}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("This shop does not take card payments online yet.", html);
        Assert.DoesNotContain($"/checkout/{id}/pay", html);
        Assert.DoesNotContain("script", page.Headers.GetValues("Content-Security-Policy").Single());
        // Only the secret key: still no way to take a card on the page (live card numbers never go through Flint).
        Assert.Equal(200, (await shop.Live.Put("/v1/settings/payments", """{"stripe_secret_key":"sk_live_51StripeShopSecretAaaaaaaaaa"}""")).Status);
        Assert.Contains("This shop does not take card payments online yet.", await client.GetStringAsync($"/checkout/{id}"));

        // A form forged from the test page's shape is refused too (its antiforgery token is the only valid part).
        var testHtml = await client.GetStringAsync($"/checkout/{await Session(shop.Test, "https://shop.example/thanks")}");
        var token = System.Text.RegularExpressions.Regex.Match(testHtml, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var forged = await client.PostAsync($"/checkout/{id}/pay", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = WebUtility.HtmlDecode(token), ["attempt"] = "a1", ["card"] = "4242424242424242",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("This shop does not take card payments online yet.", await forged.Content.ReadAsStringAsync());
        Assert.Empty(shop.Intents);
        Assert.Equal("open", (await shop.Live.Get($"/v1/checkout-sessions/{id}")).Data.Str("status"));
    }

    [Fact]
    public async Task In_Chromium_the_card_element_takes_the_card_a_decline_shows_its_reason_and_the_retry_pays_through_Stripe()
    {
        await using var shop = await Start();
        Assert.Equal(200, (await shop.Test.Put("/v1/settings/payments", $$"""{"stripe_secret_key":"{{SecretKey}}","stripe_publishable_key":"{{PublishableKey}}"}""")).Status);
        var success = shop.Host.BaseAddress.ToString().TrimEnd('/') + "/health/live?session={CHECKOUT_SESSION_ID}";
        var id = await Session(shop.Test, success, price: 2500);
        await using var page = await browser.NewPage(shop.Host.BaseAddress, width: 360);
        var stripeJsLoads = 0;
        await page.Page.RouteAsync("https://js.stripe.com/**", route =>
        {
            Interlocked.Increment(ref stripeJsLoads);
            return route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/javascript", Body = StripeJsStandIn });
        });

        await page.Open($"/checkout/{id}");
        Assert.Equal(PublishableKey, await page.Page.EvaluateAsync<string>("() => window.__stripeKey"));
        Assert.False(await page.OverflowsHorizontally());
        await page.Screenshot("element");

        // Stripe.js refuses an incomplete number in the browser: nothing is posted, the message is in the alert region.
        await page.Fill("Card number", "4242");
        await page.Click("Pay 25.00 USD");
        await page.WaitForText("Your card number is incomplete.");
        Assert.Equal("alert", await page.Page.Locator("#card-error").GetAttributeAsync("role"));
        Assert.Empty(shop.Intents);

        await page.Fill("Card number", "4000 0000 0000 0002");
        await page.Click("Pay 25.00 USD");
        await page.WaitForText("Your card was declined (generic_decline). Try another card.");
        await page.Screenshot("declined");

        await page.Fill("Card number", "4242 4242 4242 4242");
        await page.Click("Pay 25.00 USD");
        await page.WaitForAddress(url => url.Contains($"/health/live?session={id}", StringComparison.Ordinal));
        await page.WaitForText("Healthy");

        Assert.Equal(["tok_chargeDeclined", "tok_visa"], shop.Intents.Select(c => c.Field("payment_method_data[card][token]")));
        Assert.All(shop.Intents, c => Assert.Equal(("Bearer " + SecretKey, "2500"), (c.Header("Authorization"), c.Field("amount"))));
        var session = (await shop.Test.Get($"/v1/checkout-sessions/{id}")).Data;
        Assert.Equal(("complete", "paid"), (session.Str("status"), (await shop.Test.Get($"/v1/orders/{session.Str("order_id")}")).Data.Str("status")));
        Assert.Equal(2, stripeJsLoads);   // the page and the decline page each load Stripe.js
        Assert.DoesNotContain(page.Errors, e => !e.Contains("status of 402", StringComparison.Ordinal));
    }
}
