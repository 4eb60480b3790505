using System.Net;
using System.Net.Sockets;
using Flint.Payments;
using Flint.Payments.Stripe;
using Microsoft.Extensions.Logging;

namespace Flint.Api.Tests.Payments;

/// <summary>
/// The Stripe adapter against <see cref="StripeStandIn"/> on loopback: the requests it sends and how it maps
/// Stripe's answers and errors to Flint's outcomes. No internet.
/// </summary>
public sealed class StripePaymentProcessorTests : IAsyncLifetime
{
    private const string MerchantKey = "sk_test_51MerchantAaaaaaaaaaaaaaaaaaa";
    private const string OtherMerchantKey = "sk_test_51MerchantBbbbbbbbbbbbbbbbbbb";
    private static readonly ProcessorContext Shop = new("mer_1", "live", MerchantKey);
    private static readonly ProcessorContext OtherShop = new("mer_2", "live", OtherMerchantKey);

    private StripeStandIn _stripe = null!;
    private readonly RecordingLogger _log = new();
    private StripePaymentProcessor _processor = null!;

    public async Task InitializeAsync()
    {
        _stripe = await StripeStandIn.StartAsync();
        // No Stripe.net retries unless a test asks: each request the tests see is one the adapter made.
        _processor = Processor(new StripeProcessorOptions(_stripe.ApiBase, MaxNetworkRetries: 0));
    }

    public async Task DisposeAsync()
    {
        _processor.Dispose();
        await _stripe.DisposeAsync();
        // Whatever happened in the test, the merchant's key was never written to the log.
        Assert.DoesNotContain(_log.Lines, line => line.Contains("sk_test_", StringComparison.Ordinal));
    }

    private StripePaymentProcessor Processor(StripeProcessorOptions options) => new(options, _log);

    private static ChargeRequest Card(string key, string token, long amount = 1_234, string currency = "USD") =>
        new(key, amount, currency, token, null, null, "Order ord_1", new Dictionary<string, string> { ["flint_order_id"] = "ord_1" });

    private Task<ChargeResult> Charge(ChargeRequest request) => _processor.Charge(Shop, request, CancellationToken.None);

    private Task<RefundResult> Refund(string key, string charge, long amount, string? reason = "requested_by_customer") =>
        _processor.Refund(Shop, new RefundRequest(key, charge, amount, "USD", reason), CancellationToken.None);

    private IReadOnlyList<StripeCall> Posts(string path) => _stripe.Calls.Where(c => c.Method == "POST" && c.Path == path).ToList();

    [Fact]
    public async Task A_card_charge_creates_and_confirms_one_PaymentIntent_with_the_merchant_key_and_the_payment_id_as_idempotency_key()
    {
        var result = await Charge(Card("pay_1", "tok_visa", 1_234, "USD"));

        Assert.Equal(ChargeOutcome.Succeeded, result.Outcome);
        Assert.StartsWith("pi_", result.ProcessorReference);
        Assert.Equal(("visa", "4242"), (result.Brand, result.Last4));
        Assert.Null(result.DeclineCode);

        var call = Assert.Single(_stripe.Calls);
        Assert.Equal(("POST", "/v1/payment_intents"), (call.Method, call.Path));
        Assert.Equal("Bearer " + MerchantKey, call.Header("Authorization"));
        Assert.Equal("pay_1", call.Header("Idempotency-Key"));
        Assert.Equal("1234", call.Field("amount"));
        Assert.Equal("usd", call.Field("currency"));
        Assert.Equal("true", call.Field("confirm"));
        Assert.Equal("card", call.Field("payment_method_data[type]"));
        Assert.Equal("tok_visa", call.Field("payment_method_data[card][token]"));
        Assert.Equal("card", call.Field("allowed_payment_method_types[0]"));
        Assert.Equal("pay_1", call.Field("metadata[flint_payment_id]"));
        Assert.Equal("ord_1", call.Field("metadata[flint_order_id]"));
        Assert.Equal("Order ord_1", call.Field("description"));
        Assert.Equal("latest_charge", call.Field("expand[0]"));
        Assert.Null(call.Field("customer"));

        var intent = _stripe.PaymentIntent(MerchantKey, result.ProcessorReference!)!;
        Assert.Equal(("succeeded", 1_234L, "usd"), (intent["status"]!.GetValue<string>(), intent["amount"]!.GetValue<long>(), intent["currency"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Charging_again_with_the_same_key_gets_Stripes_first_answer_and_makes_no_second_charge()
    {
        var first = await Charge(Card("pay_1", "tok_mastercard"));
        var again = await Charge(Card("pay_1", "tok_mastercard"));

        Assert.Equal(first, again);
        Assert.Equal(("mastercard", "4444"), (again.Brand, again.Last4));
        Assert.Single(_stripe.PaymentIntents(MerchantKey));
        Assert.All(Posts("/v1/payment_intents"), c => Assert.Equal("pay_1", c.Header("Idempotency-Key")));
    }

    [Theory]
    [InlineData("tok_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("tok_chargeDeclinedExpiredCard", "expired_card")]
    [InlineData("tok_chargeDeclined", "generic_decline")]
    public async Task A_card_error_is_a_decline_with_Stripes_decline_code(string token, string declineCode)
    {
        var result = await Charge(Card("pay_1", token));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal(declineCode, result.DeclineCode);
        Assert.StartsWith("pi_", result.ProcessorReference);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.Equal("visa", result.Brand);
    }

    [Fact]
    public async Task A_declined_charge_stays_declined_when_retried_with_its_key()
    {
        var first = await Charge(Card("pay_1", "tok_chargeDeclinedInsufficientFunds"));
        var again = await Charge(Card("pay_1", "tok_chargeDeclinedInsufficientFunds"));

        Assert.Equal(first, again);
        Assert.Single(_stripe.PaymentIntents(MerchantKey));
    }

    [Fact]
    public async Task A_card_that_needs_3D_Secure_is_declined_as_authentication_required()
    {
        var result = await Charge(Card("pay_1", "tok_threeDSecure2Required"));

        Assert.Equal((ChargeOutcome.Declined, "authentication_required"), (result.Outcome, result.DeclineCode));
    }

    [Fact]
    public async Task An_unknown_token_is_an_invalid_request_and_declines_for_good()
    {
        var result = await Charge(Card("pay_1", "tok_nonsense"));

        Assert.Equal((ChargeOutcome.Declined, "resource_missing"), (result.Outcome, result.DeclineCode));
        Assert.Null(result.ProcessorReference);
    }

    [Theory]
    [InlineData(500, "api_error", null)]
    [InlineData(502, "api_error", null)]
    [InlineData(503, "api_error", null)]
    [InlineData(429, "invalid_request_error", "rate_limit")]
    [InlineData(409, "invalid_request_error", "lock_timeout")]
    [InlineData(409, "idempotency_error", null)]
    public async Task Stripe_outages_rate_limits_and_conflicts_fail_transiently_and_the_retry_charges_once(int status, string type, string? code)
    {
        _stripe.FailNext(status, type, code, "Something went wrong on Stripe's end.");

        var failed = await Charge(Card("pay_1", "tok_visa"));
        Assert.Equal(ChargeOutcome.Failed, failed.Outcome);
        Assert.Null(failed.ProcessorReference);

        // Nothing was kept under the key, so the saga's retry goes through.
        var retried = await Charge(Card("pay_1", "tok_visa"));
        Assert.Equal(ChargeOutcome.Succeeded, retried.Outcome);
        Assert.Single(_stripe.PaymentIntents(MerchantKey));
        Assert.All(Posts("/v1/payment_intents"), c => Assert.Equal("pay_1", c.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task An_invalid_request_declines_with_Stripes_error_code()
    {
        _stripe.FailNext(400, "invalid_request_error", "amount_too_small", "Amount must be at least $0.50 usd");

        var result = await Charge(Card("pay_1", "tok_visa", 10));

        Assert.Equal((ChargeOutcome.Declined, "amount_too_small"), (result.Outcome, result.DeclineCode));
        Assert.Contains("0.50", result.Message);
    }

    [Fact]
    public async Task An_authentication_error_declines_for_good()
    {
        _stripe.FailNext(401, "authentication_error", null, "Invalid API Key provided: sk_test_****aaaa");

        var result = await Charge(Card("pay_1", "tok_visa"));

        Assert.Equal((ChargeOutcome.Declined, "authentication_error"), (result.Outcome, result.DeclineCode));
        Assert.DoesNotContain("sk_test", result.Message);
    }

    [Fact]
    public async Task A_revoked_key_declines_as_authentication_error_without_echoing_the_key()
    {
        var revoked = Shop with { StripeSecretKey = StripeStandIn.RevokedKey };

        var result = await _processor.Charge(revoked, Card("pay_1", "tok_visa"), CancellationToken.None);

        Assert.Equal((ChargeOutcome.Declined, "authentication_error"), (result.Outcome, result.DeclineCode));
        Assert.Contains("Invalid API Key", result.Message);
        Assert.DoesNotContain("sk_test", result.Message);
        Assert.Equal("Bearer " + StripeStandIn.RevokedKey, Assert.Single(_stripe.Calls).Header("Authorization"));
    }

    [Fact]
    public async Task A_timeout_is_a_transient_failure()
    {
        using var impatient = Processor(new StripeProcessorOptions(_stripe.ApiBase, MaxNetworkRetries: 0, RequestTimeout: TimeSpan.FromMilliseconds(300)));
        _stripe.DelayNext(TimeSpan.FromSeconds(5));

        var result = await impatient.Charge(Shop, Card("pay_1", "tok_visa"), CancellationToken.None);

        Assert.Equal(ChargeOutcome.Failed, result.Outcome);
    }

    [Fact]
    public async Task A_caller_cancelling_is_not_reported_as_an_outcome()
    {
        _stripe.DelayNext(TimeSpan.FromSeconds(5));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _processor.Charge(Shop, Card("pay_1", "tok_visa"), cancel.Token));
    }

    [Fact]
    public async Task Stripe_unreachable_fails_every_call_transiently()
    {
        using var offline = Processor(new StripeProcessorOptions($"http://127.0.0.1:{ClosedPort()}", MaxNetworkRetries: 0));

        Assert.Equal(ChargeOutcome.Failed, (await offline.Charge(Shop, Card("pay_1", "tok_visa"), CancellationToken.None)).Outcome);
        Assert.Equal(ChargeOutcome.Failed, (await offline.FindCharge(Shop, "pay_1", CancellationToken.None))!.Outcome);
        Assert.Equal(RefundOutcome.Failed, (await offline.Refund(Shop, new RefundRequest("ref_1", "pi_1", 100, "USD", null), CancellationToken.None)).Outcome);
        var notSaved = await Assert.ThrowsAsync<PaymentMethodNotSavedException>(
            () => offline.AttachPaymentMethod(Shop, "cust_1", null, "tok_visa", CancellationToken.None));
        Assert.True(notSaved.Transient);
    }

    [Fact]
    public async Task Stripe_net_retries_a_500_itself_with_the_same_idempotency_key()
    {
        using var retrying = Processor(new StripeProcessorOptions(_stripe.ApiBase, MaxNetworkRetries: 1));
        _stripe.FailNext(500, "api_error", null, "Something went wrong on Stripe's end.");

        var result = await retrying.Charge(Shop, Card("pay_1", "tok_visa"), CancellationToken.None);

        Assert.Equal(ChargeOutcome.Succeeded, result.Outcome);
        var posts = Posts("/v1/payment_intents");
        Assert.Equal(2, posts.Count);
        Assert.All(posts, c => Assert.Equal("pay_1", c.Header("Idempotency-Key")));
        Assert.Single(_stripe.PaymentIntents(MerchantKey));
    }

    [Fact]
    public async Task FindCharge_searches_by_the_payment_id_and_creates_nothing()
    {
        Assert.Null(await _processor.FindCharge(Shop, "pay_1", CancellationToken.None));

        var search = Assert.Single(_stripe.Calls);
        Assert.Equal(("GET", "/v1/payment_intents/search"), (search.Method, search.Path));
        Assert.Equal("metadata['flint_payment_id']:'pay_1'", search.Field("query"));
        Assert.Equal("Bearer " + MerchantKey, search.Header("Authorization"));
        Assert.Empty(_stripe.PaymentIntents(MerchantKey));

        var charged = await Charge(Card("pay_1", "tok_amex"));
        var found = await _processor.FindCharge(Shop, "pay_1", CancellationToken.None);

        Assert.Equal(charged, found);
        Assert.Equal(("amex", "8431"), (found!.Brand, found.Last4));
        Assert.Single(_stripe.PaymentIntents(MerchantKey));
    }

    [Fact]
    public async Task FindCharge_reports_a_declined_charge_with_its_decline_code()
    {
        var declined = await Charge(Card("pay_1", "tok_chargeDeclinedInsufficientFunds"));

        var found = await _processor.FindCharge(Shop, "pay_1", CancellationToken.None);

        Assert.Equal((ChargeOutcome.Declined, "insufficient_funds", declined.ProcessorReference), (found!.Outcome, found.DeclineCode, found.ProcessorReference));
    }

    [Fact]
    public async Task FindCharge_quotes_the_key_and_only_sees_the_merchants_own_account()
    {
        await Charge(Card("pay_'1", "tok_visa"));

        Assert.Equal(ChargeOutcome.Succeeded, (await _processor.FindCharge(Shop, "pay_'1", CancellationToken.None))!.Outcome);
        Assert.Equal(@"metadata['flint_payment_id']:'pay_\'1'", _stripe.Calls.Last().Field("query"));
        Assert.Null(await _processor.FindCharge(OtherShop, "pay_'1", CancellationToken.None));
        Assert.Equal("Bearer " + OtherMerchantKey, _stripe.Calls.Last().Header("Authorization"));
    }

    [Fact]
    public async Task FindCharge_answers_Failed_not_null_when_Stripe_cannot_answer()
    {
        _stripe.FailNext(500, "api_error", null, "Something went wrong on Stripe's end.");

        var found = await _processor.FindCharge(Shop, "pay_1", CancellationToken.None);

        Assert.Equal(ChargeOutcome.Failed, found!.Outcome);
    }

    [Fact]
    public async Task A_refund_is_created_on_the_PaymentIntent_with_the_refund_id_as_idempotency_key()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        var refund = await Refund("ref_1", charge.ProcessorReference!, 400);

        Assert.True(RefundOutcome.Succeeded == refund.Outcome, refund.ToString());
        Assert.StartsWith("re_", refund.ProcessorReference);
        var call = Assert.Single(Posts("/v1/refunds"));
        Assert.Equal("Bearer " + MerchantKey, call.Header("Authorization"));
        Assert.Equal("ref_1", call.Header("Idempotency-Key"));
        Assert.Equal(charge.ProcessorReference, call.Field("payment_intent"));
        Assert.Equal("400", call.Field("amount"));
        Assert.Equal("requested_by_customer", call.Field("reason"));
        Assert.Equal("ref_1", call.Field("metadata[flint_refund_id]"));
    }

    [Fact]
    public async Task A_refund_retried_with_its_key_refunds_once()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        var first = await Refund("ref_1", charge.ProcessorReference!, 600);
        var again = await Refund("ref_1", charge.ProcessorReference!, 600);

        Assert.Equal(first, again);
        // Only 400 is left, so the replay did not refund a second 600.
        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_2", charge.ProcessorReference!, 400)).Outcome);
    }

    [Fact]
    public async Task A_refund_beyond_what_is_left_is_declined_with_Stripes_reason()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));
        await Refund("ref_1", charge.ProcessorReference!, 700);

        var tooMuch = await Refund("ref_2", charge.ProcessorReference!, 301);

        Assert.Equal(RefundOutcome.Declined, tooMuch.Outcome);
        Assert.StartsWith("amount_too_large", tooMuch.Message);
    }

    [Fact]
    public async Task A_refund_of_an_unknown_charge_is_declined_and_an_outage_fails_transiently()
    {
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_1", "pi_unknown", 100)).Outcome);

        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));
        _stripe.FailNext(503, "api_error", null, "Stripe is down.");
        Assert.Equal(RefundOutcome.Failed, (await Refund("ref_2", charge.ProcessorReference!, 100)).Outcome);
        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_2", charge.ProcessorReference!, 100)).Outcome);
    }

    [Fact]
    public async Task A_free_text_refund_reason_goes_to_metadata_not_to_Stripes_reason()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        await Refund("ref_1", charge.ProcessorReference!, 100, "box arrived crushed");

        var call = Assert.Single(Posts("/v1/refunds"));
        Assert.Null(call.Field("reason"));
        Assert.Equal("box arrived crushed", call.Field("metadata[flint_reason]"));
    }

    [Fact]
    public async Task Attaching_a_card_creates_the_customer_and_the_payment_method_and_attaches_it()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_mastercard", CancellationToken.None);

        Assert.StartsWith("pm_", saved.ProcessorPaymentMethodId);
        Assert.StartsWith("cus_", saved.ProcessorCustomerId);
        Assert.Equal(("mastercard", "4444", 12, 2034), (saved.Brand, saved.Last4, saved.ExpMonth, saved.ExpYear));

        Assert.Equal(
            ["/v1/customers", "/v1/payment_methods", $"/v1/payment_methods/{saved.ProcessorPaymentMethodId}/attach"],
            _stripe.Calls.Select(c => c.Path));
        Assert.All(_stripe.Calls, c =>
        {
            Assert.Equal("POST", c.Method);
            Assert.Equal("Bearer " + MerchantKey, c.Header("Authorization"));
            Assert.False(string.IsNullOrEmpty(c.Header("Idempotency-Key")));
        });
        var (customer, method, attach) = (_stripe.Calls[0], _stripe.Calls[1], _stripe.Calls[2]);
        Assert.Equal("cust_1", customer.Field("metadata[flint_customer_id]"));
        Assert.Equal(("card", "tok_mastercard"), (method.Field("type"), method.Field("card[token]")));
        Assert.Equal(saved.ProcessorCustomerId, attach.Field("customer"));
    }

    [Fact]
    public async Task Attaching_for_a_known_customer_creates_no_customer_and_a_saved_card_charges_off_session()
    {
        var first = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_visa", CancellationToken.None);
        var second = await _processor.AttachPaymentMethod(Shop, "cust_1", first.ProcessorCustomerId, "tok_amex", CancellationToken.None);

        Assert.Equal(first.ProcessorCustomerId, second.ProcessorCustomerId);
        Assert.Single(Posts("/v1/customers"));

        var request = new ChargeRequest("pay_1", 2_500, "EUR", null, second.ProcessorCustomerId, second.ProcessorPaymentMethodId, "Order ord_2", new Dictionary<string, string>());
        var result = await Charge(request);

        Assert.Equal((ChargeOutcome.Succeeded, "amex", "8431"), (result.Outcome, result.Brand, result.Last4));
        var call = Posts("/v1/payment_intents").Single();
        Assert.Equal(second.ProcessorPaymentMethodId, call.Field("payment_method"));
        Assert.Equal(second.ProcessorCustomerId, call.Field("customer"));
        Assert.Equal("true", call.Field("off_session"));
        Assert.Equal("eur", call.Field("currency"));
        Assert.Null(call.Field("payment_method_data[card][token]"));
    }

    [Fact]
    public async Task A_customer_created_twice_for_one_flint_customer_is_one_Stripe_customer()
    {
        var first = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_visa", CancellationToken.None);
        var second = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_visa", CancellationToken.None);

        Assert.Equal(first.ProcessorCustomerId, second.ProcessorCustomerId);
        Assert.NotEqual(first.ProcessorPaymentMethodId, second.ProcessorPaymentMethodId);
    }

    [Theory]
    [InlineData("tok_nonsense", "resource_missing")]
    [InlineData("tok_chargeDeclined", "card_declined")]
    public async Task A_card_Stripe_refuses_to_save_is_not_saved_for_good(string token, string code)
    {
        var refused = await Assert.ThrowsAsync<PaymentMethodNotSavedException>(
            () => _processor.AttachPaymentMethod(Shop, "cust_1", null, token, CancellationToken.None));

        Assert.Equal((code, false), (refused.Code, refused.Transient));
    }

    [Fact]
    public async Task A_merchant_without_a_Stripe_key_is_a_programming_error_not_a_decline()
    {
        var noKey = Shop with { StripeSecretKey = null };

        await Assert.ThrowsAsync<InvalidOperationException>(() => _processor.Charge(noKey, Card("pay_1", "tok_visa"), CancellationToken.None));
        Assert.Empty(_stripe.Calls);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Everything the adapter logs, formatted, exceptions included.</summary>
    private sealed class RecordingLogger : ILogger<StripePaymentProcessor>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get { lock (_lines) return [.. _lines]; }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add($"{logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
