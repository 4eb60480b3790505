using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Flint.Payments.Stripe;

/// <param name="ApiBase">Where Stripe's API is; null for Stripe itself. Tests point it at a loopback stand-in.</param>
/// <param name="MaxNetworkRetries">Stripe.net's own retries of connection errors, 409s, 429s and 5xx within one
/// call; safe because every call that writes carries an idempotency key.</param>
/// <param name="RequestTimeout">Per HTTP attempt; null keeps Stripe.net's 80 s. Keep it under the callers'
/// own timeouts (Orleans grain calls), or they give up before Stripe answers.</param>
public sealed record StripeProcessorOptions(string? ApiBase, int MaxNetworkRetries = 2, TimeSpan? RequestTimeout = null);

/// <summary>
/// The Stripe adapter of the processor port: PaymentIntents (created and confirmed in one call),
/// Refunds, Customers and PaymentMethods, with the merchant's own secret key on every call. Flint's payment
/// or refund id is the Stripe idempotency key, so a retry after a crash gets Stripe's first answer back
/// instead of a second charge.
/// </summary>
/// <remarks>
/// The secret key only ever goes into the Authorization header: it is never logged, and Stripe's messages
/// (which echo part of a refused key) are scrubbed before they reach a result.
/// </remarks>
public sealed partial class StripePaymentProcessor : IPaymentProcessor, IDisposable
{
    /// <summary>The PaymentIntent metadata that ties it to Flint's payment, and that <see cref="FindCharge"/> searches.</summary>
    public const string PaymentIdMetadata = "flint_payment_id";
    public const string RefundIdMetadata = "flint_refund_id";
    public const string CustomerIdMetadata = "flint_customer_id";

    // Reasons Stripe accepts as a refund's reason; anything else only goes into metadata.
    private static readonly HashSet<string> StripeRefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];

    private readonly StripeProcessorOptions _options;
    private readonly ILogger<StripePaymentProcessor> _logger;
    private readonly HttpClient _httpClient;
    private readonly SystemNetHttpClient _stripeHttpClient;

    public StripePaymentProcessor(StripeProcessorOptions options, ILogger<StripePaymentProcessor> logger)
    {
        _options = options;
        _logger = logger;
        // One connection pool for every merchant: only the key differs between them, and it is per request.
        _httpClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = options.RequestTimeout ?? TimeSpan.FromSeconds(80),
        };
        _stripeHttpClient = new SystemNetHttpClient(_httpClient, options.MaxNetworkRetries, appInfo: null, enableTelemetry: false);
    }

    public async Task<ChargeResult> Charge(ProcessorContext context, ChargeRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.IdempotencyKey);
        var create = new PaymentIntentCreateOptions
        {
            Amount = request.AmountMinor,
            Currency = request.Currency.ToLowerInvariant(),
            Confirm = true,
            // Cards only (this Stripe.net's API version calls it allowed_payment_method_types): without it
            // Stripe would offer the merchant's dashboard methods, some of which need a redirect.
            AllowedPaymentMethodTypes = ["card"],
            Description = string.IsNullOrEmpty(request.Description) ? null : request.Description,
            Metadata = new Dictionary<string, string>(request.Metadata) { [PaymentIdMetadata] = request.IdempotencyKey },
            // The charge carries the card's brand and last4.
            Expand = ["latest_charge"],
        };
        if (request.ProcessorPaymentMethodId is { } methodId)
        {
            create.PaymentMethod = methodId;
            create.Customer = request.ProcessorCustomerId;
            // The buyer is not there to pass 3-D Secure for a saved card: Stripe then declines with
            // authentication_required instead of leaving the intent waiting for an action nobody will take.
            create.OffSession = true;
        }
        else if (request.Token is { } token)
        {
            // Stripe.net has no typed card field in payment_method_data (Stripe wants cards created by
            // Stripe.js), but the API takes a card token there and makes the PaymentMethod from it.
            create.PaymentMethodData = new PaymentIntentPaymentMethodDataOptions { Type = "card" };
            create.AddExtraParam("payment_method_data[card][token]", token);
        }
        else
        {
            return new ChargeResult(ChargeOutcome.Declined, null, "invalid_token", "No card token or saved payment method given.", null, null);
        }

        try
        {
            var intent = await Client(context).V1.PaymentIntents.CreateAsync(create, Keyed(request.IdempotencyKey), ct);
            return FromIntent(intent);
        }
        catch (StripeException e)
        {
            var result = FromChargeError(e);
            Log(e, "charge", request.IdempotencyKey, context);
            return result;
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            _logger.LogWarning(e, "Stripe charge {PaymentId} for merchant {MerchantId}: no answer", request.IdempotencyKey, context.MerchantId);
            return new ChargeResult(ChargeOutcome.Failed, null, null, "Stripe could not be reached.", null, null);
        }
    }

    /// <summary>
    /// Searches PaymentIntents by Flint's payment id. Never creates anything. Any error answers Failed,
    /// never null: null means "no charge was made", which an outage does not prove.
    /// </summary>
    /// <remarks>Stripe's search is eventually consistent (Stripe documents up to about a minute), so a
    /// charge made a moment ago can still be missing.</remarks>
    public async Task<ChargeResult?> FindCharge(ProcessorContext context, string idempotencyKey, CancellationToken ct)
    {
        var search = new PaymentIntentSearchOptions
        {
            Query = $"metadata['{PaymentIdMetadata}']:'{EscapeSearchValue(idempotencyKey)}'",
            Limit = 10,
            Expand = ["data.latest_charge"],
        };
        try
        {
            var found = await Client(context).V1.PaymentIntents.SearchAsync(search, null, ct);
            // One intent per payment id is the rule (one idempotency key per payment); if there are more,
            // a succeeded one is the one that matters.
            var intent = found.Data.FirstOrDefault(i => i.Status == "succeeded")
                ?? found.Data.OrderByDescending(i => i.Created).FirstOrDefault();
            return intent is null ? null : FromIntent(intent);
        }
        catch (StripeException e)
        {
            Log(e, "charge look-up", idempotencyKey, context);
            return new ChargeResult(ChargeOutcome.Failed, null, ErrorCode(e), Scrub(e.StripeError?.Message ?? e.Message), null, null);
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            _logger.LogWarning(e, "Stripe charge look-up {PaymentId} for merchant {MerchantId}: no answer", idempotencyKey, context.MerchantId);
            return new ChargeResult(ChargeOutcome.Failed, null, null, "Stripe could not be reached.", null, null);
        }
    }

    public async Task<RefundResult> Refund(ProcessorContext context, RefundRequest request, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.IdempotencyKey);
        var create = new RefundCreateOptions
        {
            PaymentIntent = request.ChargeReference,
            Amount = request.AmountMinor,
            Metadata = new Dictionary<string, string> { [RefundIdMetadata] = request.IdempotencyKey },
        };
        if (request.Reason is { } reason)
        {
            if (StripeRefundReasons.Contains(reason)) create.Reason = reason;
            else create.Metadata["flint_reason"] = reason.Length > 500 ? reason[..500] : reason;
        }

        try
        {
            var refund = await Client(context).V1.Refunds.CreateAsync(create, Keyed(request.IdempotencyKey), ct);
            return refund.Status switch
            {
                // pending: Stripe accepted it and the money is on its way back.
                "succeeded" or "pending" or "requires_action" => new RefundResult(RefundOutcome.Succeeded, refund.Id, null),
                _ => new RefundResult(RefundOutcome.Declined, refund.Id, $"Stripe refund {refund.Status}: {refund.FailureReason}"),
            };
        }
        catch (StripeException e)
        {
            Log(e, "refund", request.IdempotencyKey, context);
            var message = $"{ErrorCode(e)}: {Scrub(e.StripeError?.Message ?? e.Message)}";
            return IsTransient(e)
                ? new RefundResult(RefundOutcome.Failed, null, message)
                : new RefundResult(RefundOutcome.Declined, null, message);
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            _logger.LogWarning(e, "Stripe refund {RefundId} for merchant {MerchantId}: no answer", request.IdempotencyKey, context.MerchantId);
            return new RefundResult(RefundOutcome.Failed, null, "Stripe could not be reached.");
        }
    }

    public async Task<SavedPaymentMethod> AttachPaymentMethod(
        ProcessorContext context, string flintCustomerId, string? processorCustomerId, string token, CancellationToken ct)
    {
        var client = Client(context);
        // One key for this attach, so Stripe.net's own retries of each step cannot make a second card.
        var attachKey = $"flint-attach-{Guid.NewGuid():N}";
        try
        {
            var customerId = processorCustomerId;
            if (customerId is null)
            {
                // Keyed by the Flint customer: two attaches racing (or one retried after its answer was lost)
                // within Stripe's 24 h key window make one Stripe customer, not two.
                var customer = await client.V1.Customers.CreateAsync(
                    new CustomerCreateOptions { Metadata = new() { [CustomerIdMetadata] = flintCustomerId } },
                    Keyed($"flint-customer-{context.MerchantId}-{flintCustomerId}"), ct);
                customerId = customer.Id;
            }

            var method = await client.V1.PaymentMethods.CreateAsync(
                new PaymentMethodCreateOptions
                {
                    Type = "card",
                    Card = new PaymentMethodCardOptions { Token = token },
                    Metadata = new() { [CustomerIdMetadata] = flintCustomerId },
                },
                Keyed(attachKey + "-create"), ct);
            method = await client.V1.PaymentMethods.AttachAsync(
                method.Id, new PaymentMethodAttachOptions { Customer = customerId }, Keyed(attachKey + "-attach"), ct);

            var card = method.Card ?? throw new PaymentMethodNotSavedException("invalid_token", "The token is not a card.", transient: false);
            return new SavedPaymentMethod(method.Id, customerId, card.Brand, card.Last4, (int)card.ExpMonth, (int)card.ExpYear);
        }
        catch (StripeException e)
        {
            Log(e, "payment method attach", flintCustomerId, context);
            throw new PaymentMethodNotSavedException(ErrorCode(e), Scrub(e.StripeError?.Message ?? e.Message), IsTransient(e));
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            _logger.LogWarning(e, "Stripe payment method attach for customer {CustomerId} of merchant {MerchantId}: no answer", flintCustomerId, context.MerchantId);
            throw new PaymentMethodNotSavedException("processor_unavailable", "Stripe could not be reached.", transient: true);
        }
    }

    public void Dispose() => _httpClient.Dispose();

    /// <summary>A client for one merchant's key. Cheap: it shares the one connection pool; only the key is its own.</summary>
    private StripeClient Client(ProcessorContext context)
    {
        if (string.IsNullOrWhiteSpace(context.StripeSecretKey))
        {
            // The host routes a merchant here only when it has a key; without one no answer would be true.
            throw new InvalidOperationException($"Merchant {context.MerchantId} has no Stripe secret key configured.");
        }

        var options = new StripeClientOptions { ApiKey = context.StripeSecretKey, HttpClient = _stripeHttpClient };
        if (_options.ApiBase is { } apiBase) options.ApiBase = apiBase;
        return new StripeClient(options);
    }

    private static RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    private static ChargeResult FromIntent(PaymentIntent intent)
    {
        var card = intent.LatestCharge?.PaymentMethodDetails?.Card;
        var brand = card?.Brand ?? intent.PaymentMethod?.Card?.Brand;
        var last4 = card?.Last4 ?? intent.PaymentMethod?.Card?.Last4;
        var error = intent.LastPaymentError;
        return intent.Status switch
        {
            "succeeded" => new ChargeResult(ChargeOutcome.Succeeded, intent.Id, null, null, brand, last4),
            "requires_payment_method" => new ChargeResult(ChargeOutcome.Declined, intent.Id,
                error?.DeclineCode ?? error?.Code ?? "card_declined", Scrub(error?.Message), brand, last4),
            // Server-side Flint cannot take the buyer through 3-D Secure, so this payment cannot finish.
            "requires_action" => new ChargeResult(ChargeOutcome.Declined, intent.Id, "authentication_required",
                "The card needs the buyer to authenticate (3-D Secure).", brand, last4),
            "canceled" => new ChargeResult(ChargeOutcome.Declined, intent.Id, "canceled", "The payment was canceled.", brand, last4),
            // processing, requires_confirmation, requires_capture: not final yet; ask again with the same key.
            _ => new ChargeResult(ChargeOutcome.Failed, intent.Id, null, $"The payment is {intent.Status}.", brand, last4),
        };
    }

    private static ChargeResult FromChargeError(StripeException e)
    {
        var error = e.StripeError;
        var message = Scrub(error?.Message ?? e.Message);
        if (error?.Type == "card_error")
        {
            return new ChargeResult(ChargeOutcome.Declined, error.PaymentIntent?.Id, error.DeclineCode ?? error.Code ?? "card_declined",
                message, error.PaymentMethod?.Card?.Brand, error.PaymentMethod?.Card?.Last4);
        }

        return IsTransient(e)
            ? new ChargeResult(ChargeOutcome.Failed, null, ErrorCode(e), message, null, null)
            : new ChargeResult(ChargeOutcome.Declined, null, ErrorCode(e), message, null, null);
    }

    /// <summary>
    /// Whether nothing is known to have happened, so the same call may be made again: Stripe's own failures
    /// (5xx, api_error), rate limits (429), and conflicts with a concurrent request on the same object or
    /// key (409). Everything else (invalid_request_error, authentication_error, permission_error, a key
    /// reused with other parameters) will answer the same however often it is asked.
    /// </summary>
    private static bool IsTransient(StripeException e)
    {
        var status = (int)e.HttpStatusCode;
        if (status >= 500 || status is 429 or 409) return true;
        if (e.StripeError is not { } error) return status == 0; // no Stripe answer at all
        return error.Type is "api_error" or "api_connection_error" or "rate_limit_error"
            || error.Code is "rate_limit" or "lock_timeout";
    }

    // Stripe answers a bad key with a 401 whose error has no code (and a type that varies by API version),
    // so the status names it.
    private static string ErrorCode(StripeException e) => e.StripeError?.Code ?? (int)e.HttpStatusCode switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        0 => "api_connection_error",
        var status => e.StripeError?.Type ?? $"http_{status}",
    };

    /// <summary>Network failures and timeouts (HttpClient reports a timeout as a cancellation nobody asked for).</summary>
    private static bool IsTransport(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private void Log(StripeException e, string call, string id, ProcessorContext context)
    {
        var level = IsTransient(e) ? LogLevel.Warning : LogLevel.Information;
        _logger.Log(level, "Stripe {Call} {Id} for merchant {MerchantId}: {Status} {Type} {Code} (request {RequestId})",
            call, id, context.MerchantId, (int)e.HttpStatusCode, e.StripeError?.Type, e.StripeError?.Code, e.StripeResponse?.RequestId);
    }

    /// <summary>Stripe echoes (partly masked) keys in authentication errors; none of that leaves the adapter.</summary>
    [return: NotNullIfNotNull(nameof(message))]
    private static string? Scrub(string? message) => message is null ? null : SecretKeyPattern().Replace(message, "[key]");

    // Search query values are single-quoted; a quote or backslash inside is escaped with a backslash.
    private static string EscapeSearchValue(string value) => value.Replace("\\", "\\\\").Replace("'", "\\'");

    [GeneratedRegex(@"\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+")]
    private static partial Regex SecretKeyPattern();
}
