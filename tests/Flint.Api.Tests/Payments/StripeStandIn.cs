using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Flint.Api.Tests.Payments;

/// <summary>One request the stand-in received, as Stripe would see it.</summary>
/// <param name="Fields">Form fields of a POST, query parameters of a GET (repeated keys joined by commas).</param>
public sealed record StripeCall(string Method, string Path, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> Headers)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    public override string ToString() => $"{Method} {Path} {string.Join("&", Fields.Select(f => $"{f.Key}={f.Value}"))}";
}

/// <summary>
/// A small Stripe on 127.0.0.1 for the Stripe adapter's tests: the endpoints the adapter calls, with Stripe's
/// JSON shapes and error bodies, accounts separated by secret key, idempotency keys honoured (same key and
/// parameters → the first answer again; same key, other parameters → idempotency_error; 5xx answers are
/// not kept, as Stripe does not keep them), and every request recorded. Stripe's test tokens decide what a
/// card does. Faults are queued with <see cref="FailNext"/> and <see cref="DelayNext"/>.
/// </summary>
public sealed partial class StripeStandIn : IAsyncDisposable
{
    /// <summary>A key Stripe refuses (401), as after the merchant rolled it.</summary>
    public const string RevokedKey = "sk_test_revoked0000000000000000";

    private sealed record Card(string Brand, string Last4, string? Code, string? DeclineCode, string? Message, bool ThreeDSecure = false);

    // Stripe's test tokens and what Stripe answers for them.
    private static readonly Dictionary<string, Card> Cards = new(StringComparer.Ordinal)
    {
        ["tok_visa"] = new("visa", "4242", null, null, null),
        ["tok_mastercard"] = new("mastercard", "4444", null, null, null),
        ["tok_amex"] = new("amex", "8431", null, null, null),
        ["tok_chargeDeclined"] = new("visa", "0002", "card_declined", "generic_decline", "Your card was declined."),
        ["tok_chargeDeclinedInsufficientFunds"] = new("visa", "9995", "card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["tok_chargeDeclinedExpiredCard"] = new("visa", "0069", "expired_card", "expired_card", "Your card has expired."),
        ["tok_threeDSecure2Required"] = new("visa", "3220", null, null, null, ThreeDSecure: true),
    };

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<StripeCall> _calls = [];
    private readonly Queue<(int Status, string Body)> _failures = new();
    private readonly Queue<TimeSpan> _delays = new();
    // Everything below is per account (secret key), as in Stripe.
    private readonly Dictionary<(string Account, string Key), (string Fingerprint, int Status, string Body)> _idempotent = [];
    private readonly ConcurrentDictionary<(string Account, string Id), JsonObject> _objects = new();
    private int _sequence;

    private StripeStandIn(WebApplication app) => _app = app;

    public string ApiBase { get; private set; } = "";

    public IReadOnlyList<StripeCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public static async Task<StripeStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new StripeStandIn(app);
        app.Run(standIn.Handle);
        await app.StartAsync();
        standIn.ApiBase = app.Urls.Single().Replace("0.0.0.0", "127.0.0.1");
        return standIn;
    }

    /// <summary>The next request (any endpoint) gets this answer instead, before idempotency is looked at.</summary>
    public void FailNext(int status, string type, string? code, string message)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) error["code"] = code;
        lock (_gate) _failures.Enqueue((status, new JsonObject { ["error"] = error }.ToJsonString()));
    }

    /// <summary>The next request is answered only after this long.</summary>
    public void DelayNext(TimeSpan delay)
    {
        lock (_gate) _delays.Enqueue(delay);
    }

    /// <summary>A PaymentIntent as the stand-in holds it now, for asserting what was created.</summary>
    public JsonObject? PaymentIntent(string account, string id) => _objects.TryGetValue((account, id), out var pi) ? pi : null;

    public IEnumerable<JsonObject> PaymentIntents(string account) =>
        _objects.Where(o => o.Key.Account == account && o.Key.Id.StartsWith("pi_", StringComparison.Ordinal)).Select(o => o.Value);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext http)
    {
        var request = http.Request;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (name, values) in await request.ReadFormAsync()) fields[name] = string.Join(",", values.ToArray());
        }
        foreach (var (name, values) in request.Query) fields[name] = string.Join(",", values.ToArray());
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var call = new StripeCall(request.Method, request.Path.Value ?? "", fields, headers);

        (int Status, string Body)? failure = null;
        TimeSpan? delay = null;
        lock (_gate)
        {
            _calls.Add(call);
            if (_failures.Count > 0) failure = _failures.Dequeue();
            if (_delays.Count > 0) delay = _delays.Dequeue();
        }
        if (delay is { } d) await Task.Delay(d, http.RequestAborted);

        var (status, body) = failure ?? Answer(call);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Request-Id"] = $"req_{Interlocked.Increment(ref _sequence)}";
        if (call.Header("Idempotency-Key") is { } replayed && failure is null) http.Response.Headers["Idempotency-Key"] = replayed;
        await http.Response.WriteAsync(body);
    }

    private (int Status, string Body) Answer(StripeCall call)
    {
        var auth = call.Header("Authorization") ?? "";
        if (!auth.StartsWith("Bearer sk_test_", StringComparison.Ordinal) || auth == "Bearer " + RevokedKey)
        {
            // Stripe's answer to a bad key: 401, and the key echoed half-masked in the message.
            var shown = auth.Length > 11 ? auth[7..15] + "****" + auth[^4..] : "";
            return Error(401, "invalid_request_error", null, $"Invalid API Key provided: {shown}");
        }
        var account = auth["Bearer ".Length..];

        if (call.Method != "POST" || call.Header("Idempotency-Key") is not { } key) return Route(account, call);

        var fingerprint = $"{call.Path}?{string.Join("&", call.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
        lock (_gate)
        {
            if (_idempotent.TryGetValue((account, key), out var kept))
            {
                return kept.Fingerprint == fingerprint
                    ? (kept.Status, kept.Body)
                    : Error(400, "idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
            }

            // Held under the lock so a concurrent request with the same key waits and gets this answer.
            var answer = Route(account, call);
            if (answer.Status < 500) _idempotent[(account, key)] = (fingerprint, answer.Status, answer.Body);
            return answer;
        }
    }

    private (int Status, string Body) Route(string account, StripeCall call)
    {
        try
        {
            return Dispatch(account, call);
        }
        catch (Exception e)
        {
            // A bug in the stand-in shows up in the test's failure message instead of as an empty 500.
            return Error(500, "api_error", "stand_in_bug", e.ToString());
        }
    }

    private (int Status, string Body) Dispatch(string account, StripeCall call)
    {
        var segments = call.Path.Trim('/').Split('/');
        return (call.Method, segments) switch
        {
            ("POST", ["v1", "payment_intents"]) => CreatePaymentIntent(account, call),
            ("GET", ["v1", "payment_intents", "search"]) => SearchPaymentIntents(account, call),
            ("POST", ["v1", "refunds"]) => CreateRefund(account, call),
            ("POST", ["v1", "customers"]) => CreateCustomer(account, call),
            ("POST", ["v1", "payment_methods"]) => CreatePaymentMethod(account, call),
            ("POST", ["v1", "payment_methods", var id, "attach"]) => AttachPaymentMethod(account, id, call),
            _ => Error(404, "invalid_request_error", null, $"Unrecognized request URL ({call.Method}: {call.Path})."),
        };
    }

    private (int, string) CreatePaymentIntent(string account, StripeCall call)
    {
        if (!long.TryParse(call.Field("amount"), out var amount) || amount < 1)
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: amount.", param: "amount");
        if (call.Field("currency") is not { Length: 3 } currency || currency != currency.ToLowerInvariant())
            return Error(400, "invalid_request_error", "parameter_invalid_string", "Invalid currency.", param: "currency");

        JsonObject method;
        Card card;
        if (call.Field("payment_method") is { } methodId)
        {
            if (!_objects.TryGetValue((account, methodId), out var saved))
                return Error(400, "invalid_request_error", "resource_missing", $"No such PaymentMethod: '{methodId}'", param: "payment_method");
            var owner = saved["customer"]?.GetValue<string>();
            if (owner is not null && owner != call.Field("customer"))
                return Error(400, "invalid_request_error", "payment_method_not_available",
                    $"The provided PaymentMethod {methodId} belongs to another customer.", param: "payment_method");
            method = saved;
            card = Cards[saved["metadata_token"]!.GetValue<string>()];
        }
        else if (call.Field("payment_method_data[card][token]") is { } token && call.Field("payment_method_data[type]") == "card")
        {
            if (!Cards.TryGetValue(token, out var tokenCard))
                return Error(400, "invalid_request_error", "resource_missing", $"No such token: '{token}'", param: "payment_method_data[card][token]");
            card = tokenCard;
            method = NewPaymentMethod(account, token, card, customer: null);
        }
        else
        {
            return Error(400, "invalid_request_error", "parameter_missing", "You must provide a payment_method.", param: "payment_method");
        }

        var id = NewId("pi");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_received"] = 0L,
            ["capture_method"] = "automatic",
            ["confirmation_method"] = "automatic",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["currency"] = currency,
            ["customer"] = call.Field("customer"),
            ["description"] = call.Field("description"),
            ["last_payment_error"] = null,
            ["latest_charge"] = null,
            ["livemode"] = false,
            ["metadata"] = Metadata(call),
            ["payment_method"] = method["id"]!.GetValue<string>(),
            ["payment_method_types"] = new JsonArray("card"),
            ["status"] = "requires_payment_method",
        };
        _objects[(account, id)] = intent;

        if (card.ThreeDSecure)
        {
            intent["status"] = "requires_action";
            intent["next_action"] = new JsonObject { ["type"] = "use_stripe_sdk" };
            return (200, Expanded(account, intent, call, "").ToJsonString());
        }

        var charge = new JsonObject
        {
            ["id"] = NewId("ch"),
            ["object"] = "charge",
            ["amount"] = amount,
            ["amount_refunded"] = 0L,
            ["currency"] = currency,
            ["paid"] = card.Code is null,
            ["payment_intent"] = id,
            ["payment_method"] = method["id"]!.GetValue<string>(),
            ["payment_method_details"] = new JsonObject
            {
                ["type"] = "card",
                ["card"] = new JsonObject
                {
                    ["brand"] = card.Brand, ["last4"] = card.Last4, ["exp_month"] = 12, ["exp_year"] = 2034,
                    ["funding"] = "credit", ["country"] = "US",
                },
            },
            ["status"] = card.Code is null ? "succeeded" : "failed",
            ["failure_code"] = card.Code,
        };
        _objects[(account, charge["id"]!.GetValue<string>())] = charge;
        intent["latest_charge"] = charge["id"]!.GetValue<string>();

        if (card.Code is not null)
        {
            var error = new JsonObject
            {
                ["type"] = "card_error", ["code"] = card.Code, ["decline_code"] = card.DeclineCode, ["message"] = card.Message,
                ["charge"] = charge["id"]!.GetValue<string>(),
                ["doc_url"] = $"https://stripe.com/docs/error-codes/{card.Code}",
            };
            intent["last_payment_error"] = error.DeepClone();
            error["payment_intent"] = intent.DeepClone();
            error["payment_method"] = Public(method);
            return (402, new JsonObject { ["error"] = error }.ToJsonString());
        }

        intent["status"] = "succeeded";
        intent["amount_received"] = amount;
        return (200, Expanded(account, intent, call, "").ToJsonString());
    }

    private (int, string) SearchPaymentIntents(string account, StripeCall call)
    {
        var query = call.Field("query") ?? "";
        var match = SearchClause().Match(query);
        if (!match.Success) return Error(400, "invalid_request_error", null, $"Unsupported search query: {query}", param: "query");
        var (name, value) = (match.Groups[1].Value, match.Groups[2].Value.Replace("\\'", "'").Replace("\\\\", "\\"));
        var found = PaymentIntents(account)
            .Where(pi => pi["metadata"]?[name]?.GetValue<string>() == value)
            .Select(pi => (JsonNode)Expanded(account, pi, call, "data."))
            .ToArray();
        return (200, new JsonObject
        {
            ["object"] = "search_result",
            ["data"] = new JsonArray(found),
            ["has_more"] = false,
            ["next_page"] = null,
            ["url"] = "/v1/payment_intents/search",
        }.ToJsonString());
    }

    private (int, string) CreateRefund(string account, StripeCall call)
    {
        var intentId = call.Field("payment_intent");
        if (intentId is null || PaymentIntent(account, intentId) is not { } intent)
            return Error(400, "invalid_request_error", "resource_missing", $"No such payment_intent: '{intentId}'", param: "payment_intent");
        if (intent["status"]!.GetValue<string>() != "succeeded")
            return Error(400, "invalid_request_error", "charge_not_refundable", "This PaymentIntent does not have a successful charge to refund.");

        var charge = _objects[(account, intent["latest_charge"]!.GetValue<string>())];
        var remaining = charge["amount"]!.GetValue<long>() - charge["amount_refunded"]!.GetValue<long>();
        if (remaining == 0)
            return Error(400, "invalid_request_error", "charge_already_refunded", $"Charge {charge["id"]} has already been refunded.");
        var amount = call.Field("amount") is { } given ? long.Parse(given) : remaining;
        if (amount > remaining)
            return Error(400, "invalid_request_error", "amount_too_large",
                $"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})", param: "amount");

        charge["amount_refunded"] = charge["amount_refunded"]!.GetValue<long>() + amount;
        var refund = new JsonObject
        {
            ["id"] = NewId("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["charge"] = charge["id"]!.GetValue<string>(),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["currency"] = intent["currency"]!.GetValue<string>(),
            ["metadata"] = Metadata(call),
            ["payment_intent"] = intentId,
            ["reason"] = call.Field("reason"),
            ["status"] = "succeeded",
        };
        _objects[(account, refund["id"]!.GetValue<string>())] = refund;
        return (200, refund.ToJsonString());
    }

    private (int, string) CreateCustomer(string account, StripeCall call)
    {
        var customer = new JsonObject
        {
            ["id"] = NewId("cus"),
            ["object"] = "customer",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["email"] = call.Field("email"),
            ["livemode"] = false,
            ["metadata"] = Metadata(call),
        };
        _objects[(account, customer["id"]!.GetValue<string>())] = customer;
        return (200, customer.ToJsonString());
    }

    private (int, string) CreatePaymentMethod(string account, StripeCall call)
    {
        if (call.Field("type") != "card")
            return Error(400, "invalid_request_error", "parameter_invalid_string", "Only card payment methods here.", param: "type");
        var token = call.Field("card[token]");
        if (token is null || !Cards.TryGetValue(token, out var card))
            return Error(400, "invalid_request_error", "resource_missing", $"No such token: '{token}'", param: "card[token]");
        var method = NewPaymentMethod(account, token, card, customer: null);
        method["metadata"] = Metadata(call);
        return (200, Public(method).ToJsonString());
    }

    private (int, string) AttachPaymentMethod(string account, string id, StripeCall call)
    {
        if (!_objects.TryGetValue((account, id), out var method))
            return Error(400, "invalid_request_error", "resource_missing", $"No such PaymentMethod: '{id}'", param: "payment_method");
        var customer = call.Field("customer");
        if (customer is null || !_objects.ContainsKey((account, customer)))
            return Error(400, "invalid_request_error", "resource_missing", $"No such customer: '{customer}'", param: "customer");
        // Stripe checks the card when attaching it: Stripe's declining test cards fail here.
        var card = Cards[method["metadata_token"]!.GetValue<string>()];
        if (card.Code is not null)
            return Error(402, "card_error", card.Code, card.Message!, declineCode: card.DeclineCode);
        method["customer"] = customer;
        return (200, Public(method).ToJsonString());
    }

    private JsonObject NewPaymentMethod(string account, string token, Card card, string? customer)
    {
        var method = new JsonObject
        {
            ["id"] = NewId("pm"),
            ["object"] = "payment_method",
            ["type"] = "card",
            ["billing_details"] = new JsonObject { ["email"] = null, ["name"] = null },
            ["card"] = new JsonObject
            {
                ["brand"] = card.Brand, ["last4"] = card.Last4, ["exp_month"] = 12, ["exp_year"] = 2034,
                ["funding"] = "credit", ["country"] = "US",
            },
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["customer"] = customer,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            // The stand-in's own note of the token behind the card; stripped from answers.
            ["metadata_token"] = token,
        };
        _objects[(account, method["id"]!.GetValue<string>())] = method;
        return method;
    }

    private static JsonObject Public(JsonObject method)
    {
        var copy = method.DeepClone().AsObject();
        copy.Remove("metadata_token");
        return copy;
    }

    /// <summary>The intent with latest_charge and payment_method expanded where the request asked for it.</summary>
    private JsonObject Expanded(string account, JsonObject intent, StripeCall call, string prefix)
    {
        var expand = call.Fields.Where(f => f.Key.StartsWith("expand", StringComparison.Ordinal))
            .SelectMany(f => f.Value.Split(',')).ToHashSet(StringComparer.Ordinal);
        var copy = intent.DeepClone().AsObject();
        foreach (var field in new[] { "latest_charge", "payment_method" })
        {
            if (expand.Contains(prefix + field) && copy[field]?.GetValue<string>() is { } id && _objects.TryGetValue((account, id), out var target))
                copy[field] = Public(target);
        }
        return copy;
    }

    private static JsonObject Metadata(StripeCall call)
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in call.Fields)
        {
            var m = MetadataField().Match(name);
            if (m.Success) metadata[m.Groups[1].Value] = value;
        }
        return metadata;
    }

    private string NewId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _sequence):D6}{Guid.NewGuid():N}"[..(prefix.Length + 25)];

    private static (int, string) Error(int status, string type, string? code, string message, string? param = null, string? declineCode = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) error["code"] = code;
        if (declineCode is not null) error["decline_code"] = declineCode;
        if (param is not null) error["param"] = param;
        return (status, new JsonObject { ["error"] = error }.ToJsonString());
    }

    [GeneratedRegex(@"^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$")]
    private static partial Regex SearchClause();

    [GeneratedRegex(@"^metadata\[([^\]]+)\]$")]
    private static partial Regex MetadataField();
}
