using Flint.Payments;
using Flint.Payments.Simulated;

namespace Flint.Api.Tests.Payments;

/// <summary>The simulated processor: Stripe's test tokens, idempotency by key, durable records, capped refunds.</summary>
public sealed class SimulatedPaymentProcessorTests
{
    private static readonly ProcessorContext Shop = new("mer_1", "test", null);
    private static readonly ProcessorContext OtherShop = new("mer_2", "test", null);

    private readonly InMemorySimulatedLedger _ledger = new();
    private readonly SimulatedPaymentProcessor _processor;

    public SimulatedPaymentProcessorTests() => _processor = new SimulatedPaymentProcessor(_ledger);

    private static ChargeRequest Card(string key, string token, long amount = 1_000, string currency = "USD") =>
        new(key, amount, currency, token, null, null, "order ord_1", new Dictionary<string, string>());

    private static ChargeRequest Saved(string key, string? customerId, string methodId, long amount = 1_000) =>
        new(key, amount, "USD", null, customerId, methodId, "order ord_1", new Dictionary<string, string>());

    private Task<ChargeResult> Charge(ChargeRequest request) => _processor.Charge(Shop, request, CancellationToken.None);

    private Task<RefundResult> Refund(string key, string charge, long amount, string currency = "USD") =>
        _processor.Refund(Shop, new RefundRequest(key, charge, amount, currency, "requested_by_customer"), CancellationToken.None);

    [Theory]
    [InlineData("tok_visa", "visa", "4242")]
    [InlineData("tok_mastercard", "mastercard", "4444")]
    [InlineData("tok_amex", "amex", "8431")]
    public async Task Succeeding_tokens_charge_and_report_brand_and_last4(string token, string brand, string last4)
    {
        var result = await Charge(Card("pay_1", token));

        Assert.Equal(new ChargeResult(ChargeOutcome.Succeeded, "ch_sim_pay_1", null, null, brand, last4), result);
    }

    [Theory]
    [InlineData("tok_chargeDeclined", "card_declined")]
    [InlineData("tok_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("tok_chargeDeclinedExpiredCard", "expired_card")]
    [InlineData("tok_nonsense", "invalid_token")]
    [InlineData("", "invalid_token")]
    public async Task Declining_and_unknown_tokens_decline_with_their_code(string token, string code)
    {
        var result = await Charge(Card("pay_1", token));

        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
        Assert.Equal(code, result.DeclineCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public async Task A_charge_without_token_or_saved_method_declines_as_invalid_token()
    {
        var result = await Charge(new ChargeRequest("pay_1", 1_000, "USD", null, null, null, "", new Dictionary<string, string>()));

        Assert.Equal((ChargeOutcome.Declined, "invalid_token"), (result.Outcome, result.DeclineCode));
    }

    [Fact]
    public async Task A_second_charge_with_the_same_key_returns_the_first_result_and_charges_once()
    {
        var first = await Charge(Card("pay_1", "tok_visa", 1_000));
        // Different token and amount: the key alone decides, as with Stripe's idempotency keys.
        var again = await Charge(Card("pay_1", "tok_chargeDeclined", 5_000));

        Assert.Equal(first, again);
        var record = Assert.Single(_ledger.RecordsOf(Shop));
        Assert.Equal(("charge/pay_1", 1_000L), (record.Key, record.Value.AmountMinor));
    }

    [Fact]
    public async Task A_declined_charge_is_remembered_under_its_key_too()
    {
        var first = await Charge(Card("pay_1", "tok_chargeDeclined"));
        var again = await Charge(Card("pay_1", "tok_visa"));

        Assert.Equal(first, again);
        Assert.Equal(ChargeOutcome.Declined, again.Outcome);
    }

    [Fact]
    public async Task A_charge_survives_a_restart_of_the_processor()
    {
        var first = await Charge(Card("pay_1", "tok_amex"));
        var restarted = new SimulatedPaymentProcessor(_ledger);

        Assert.Equal(first, await restarted.FindCharge(Shop, "pay_1", CancellationToken.None));
        Assert.Equal(first, await restarted.Charge(Shop, Card("pay_1", "tok_amex"), CancellationToken.None));
        Assert.Single(_ledger.RecordsOf(Shop));
    }

    [Fact]
    public async Task Concurrent_charges_with_one_key_all_get_the_one_stored_result()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Charge(Card("pay_1", "tok_visa")))));

        Assert.Single(results.Distinct());
        Assert.Single(_ledger.RecordsOf(Shop));
    }

    [Fact]
    public async Task Processing_error_fails_the_first_attempt_without_charging_and_the_retry_succeeds()
    {
        var first = await Charge(Card("pay_1", "tok_processingError"));

        Assert.Equal(ChargeOutcome.Failed, first.Outcome);
        Assert.Null(first.ProcessorReference);
        Assert.Null(await _processor.FindCharge(Shop, "pay_1", CancellationToken.None));

        var retry = await Charge(Card("pay_1", "tok_processingError"));
        Assert.Equal(new ChargeResult(ChargeOutcome.Succeeded, "ch_sim_pay_1", null, null, "visa", "4242"), retry);
        Assert.Equal(retry, await Charge(Card("pay_1", "tok_processingError")));
        Assert.Equal(retry, await _processor.FindCharge(Shop, "pay_1", CancellationToken.None));
    }

    [Fact]
    public async Task Processing_error_fails_once_per_key_even_across_a_restart()
    {
        Assert.Equal(ChargeOutcome.Failed, (await Charge(Card("pay_1", "tok_processingError"))).Outcome);
        Assert.Equal(ChargeOutcome.Failed, (await Charge(Card("pay_2", "tok_processingError"))).Outcome);

        var restarted = new SimulatedPaymentProcessor(_ledger);
        Assert.Equal(ChargeOutcome.Succeeded, (await restarted.Charge(Shop, Card("pay_1", "tok_processingError"), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Processing_error_raced_by_many_attempts_fails_exactly_one_of_them()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Charge(Card("pay_1", "tok_processingError")))));

        Assert.Single(results, r => r.Outcome == ChargeOutcome.Failed);
        Assert.Equal(19, results.Count(r => r.Outcome == ChargeOutcome.Succeeded));
    }

    [Fact]
    public async Task FindCharge_is_null_before_the_charge_and_the_stored_result_after()
    {
        Assert.Null(await _processor.FindCharge(Shop, "pay_1", CancellationToken.None));

        var charged = await Charge(Card("pay_1", "tok_mastercard"));

        Assert.Equal(charged, await _processor.FindCharge(Shop, "pay_1", CancellationToken.None));
        Assert.Empty(_ledger.RecordsOf(OtherShop));
        Assert.Null(await _processor.FindCharge(OtherShop, "pay_1", CancellationToken.None));
    }

    [Fact]
    public async Task Merchants_do_not_share_idempotency_keys()
    {
        await Charge(Card("pay_1", "tok_visa"));
        var other = await _processor.Charge(OtherShop, Card("pay_1", "tok_chargeDeclined"), CancellationToken.None);

        Assert.Equal(ChargeOutcome.Declined, other.Outcome);
    }

    [Fact]
    public async Task A_non_positive_amount_declines()
    {
        Assert.Equal("invalid_amount", (await Charge(Card("pay_1", "tok_visa", 0))).DeclineCode);
    }

    [Fact]
    public async Task Refunds_are_idempotent_by_key()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        var first = await Refund("ref_1", charge.ProcessorReference!, 400);
        var again = await Refund("ref_1", charge.ProcessorReference!, 400);

        Assert.Equal(new RefundResult(RefundOutcome.Succeeded, "re_sim_ref_1", null), first);
        Assert.Equal(first, again);
        // Counted once: 600 is still refundable, 601 is not.
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_2", charge.ProcessorReference!, 601)).Outcome);
        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_3", charge.ProcessorReference!, 600)).Outcome);
    }

    [Fact]
    public async Task Refunds_of_a_charge_can_never_exceed_its_amount()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_1", charge.ProcessorReference!, 700)).Outcome);
        var tooMuch = await Refund("ref_2", charge.ProcessorReference!, 301);
        Assert.Equal(RefundOutcome.Declined, tooMuch.Outcome);
        Assert.Null(tooMuch.ProcessorReference);
        Assert.StartsWith("amount_too_large", tooMuch.Message);
        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_3", charge.ProcessorReference!, 300)).Outcome);
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_4", charge.ProcessorReference!, 1)).Outcome);
        // The refused refund stays refused under its key, as Stripe answers a replayed request.
        Assert.Equal(tooMuch, await Refund("ref_2", charge.ProcessorReference!, 301));
    }

    [Fact]
    public async Task Racing_refunds_together_never_exceed_the_charge()
    {
        var charge = await Charge(Card("pay_1", "tok_visa", 1_000));

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => Refund($"ref_{i}", charge.ProcessorReference!, 100))));

        Assert.Equal(10, results.Count(r => r.Outcome == RefundOutcome.Succeeded));
        Assert.Equal(40, results.Count(r => r.Outcome == RefundOutcome.Declined));
    }

    [Fact]
    public async Task Refunds_of_unknown_or_declined_charges_or_in_another_currency_are_declined()
    {
        var declined = await Charge(Card("pay_1", "tok_chargeDeclined"));
        var charged = await Charge(Card("pay_2", "tok_visa"));

        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_1", "ch_sim_nope", 100)).Outcome);
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_2", "pi_123", 100)).Outcome);
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_3", declined.ProcessorReference!, 100)).Outcome);
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_4", charged.ProcessorReference!, 100, "EUR")).Outcome);
        Assert.Equal(RefundOutcome.Declined, (await Refund("ref_5", charged.ProcessorReference!, 0)).Outcome);
        Assert.Equal(RefundOutcome.Succeeded, (await Refund("ref_6", charged.ProcessorReference!, 1_000, "usd")).Outcome);
    }

    [Fact]
    public async Task A_saved_card_charges_like_its_token()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_mastercard", CancellationToken.None);

        Assert.StartsWith("pm_sim_", saved.ProcessorPaymentMethodId);
        Assert.Equal("cus_sim_cust_1", saved.ProcessorCustomerId);
        Assert.Equal(("mastercard", "4444"), (saved.Brand, saved.Last4));
        Assert.True(saved.ExpYear > 2030 && saved.ExpMonth is >= 1 and <= 12);

        var result = await Charge(Saved("pay_1", saved.ProcessorCustomerId, saved.ProcessorPaymentMethodId));
        Assert.Equal(new ChargeResult(ChargeOutcome.Succeeded, "ch_sim_pay_1", null, null, "mastercard", "4444"), result);
    }

    [Fact]
    public async Task A_saved_declining_card_attaches_and_then_declines_like_its_token()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", "cus_sim_existing", "tok_chargeDeclinedInsufficientFunds", CancellationToken.None);

        Assert.Equal("cus_sim_existing", saved.ProcessorCustomerId);
        var result = await Charge(Saved("pay_1", saved.ProcessorCustomerId, saved.ProcessorPaymentMethodId));
        Assert.Equal((ChargeOutcome.Declined, "insufficient_funds"), (result.Outcome, result.DeclineCode));
    }

    [Fact]
    public async Task tok_chargeCustomerFail_attaches_and_then_declines_every_charge()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_chargeCustomerFail", CancellationToken.None);

        Assert.Equal(("visa", "0341"), (saved.Brand, saved.Last4));
        var first = await Charge(Saved("pay_1", saved.ProcessorCustomerId, saved.ProcessorPaymentMethodId));
        var second = await Charge(Saved("pay_2", saved.ProcessorCustomerId, saved.ProcessorPaymentMethodId));
        Assert.Equal((ChargeOutcome.Declined, "card_declined"), (first.Outcome, first.DeclineCode));
        Assert.Equal((ChargeOutcome.Declined, "card_declined"), (second.Outcome, second.DeclineCode));
    }

    [Fact]
    public async Task A_saved_card_survives_a_restart()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_amex", CancellationToken.None);
        var restarted = new SimulatedPaymentProcessor(_ledger);

        var result = await restarted.Charge(Shop, Saved("pay_1", null, saved.ProcessorPaymentMethodId), CancellationToken.None);

        Assert.Equal((ChargeOutcome.Succeeded, "amex"), (result.Outcome, result.Brand));
    }

    [Fact]
    public async Task Unknown_saved_methods_or_another_customers_method_decline()
    {
        var saved = await _processor.AttachPaymentMethod(Shop, "cust_1", null, "tok_visa", CancellationToken.None);

        Assert.Equal("invalid_payment_method", (await Charge(Saved("pay_1", null, "pm_sim_nope"))).DeclineCode);
        Assert.Equal("invalid_payment_method", (await Charge(Saved("pay_2", "cus_sim_someone_else", saved.ProcessorPaymentMethodId))).DeclineCode);
        Assert.Equal("invalid_payment_method",
            (await _processor.Charge(OtherShop, Saved("pay_3", null, saved.ProcessorPaymentMethodId), CancellationToken.None)).DeclineCode);
    }

    [Theory]
    [InlineData("tok_processingError")]
    [InlineData("tok_nonsense")]
    public async Task Only_card_tokens_can_be_saved(string token)
    {
        var refused = await Assert.ThrowsAsync<PaymentMethodNotSavedException>(
            () => _processor.AttachPaymentMethod(Shop, "cust_1", null, token, CancellationToken.None));

        Assert.Equal(("invalid_token", false), (refused.Code, refused.Transient));
    }
}
