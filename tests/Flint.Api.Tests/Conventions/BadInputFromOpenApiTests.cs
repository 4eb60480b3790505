using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Conventions;

/// <summary>
/// Reads the served OpenAPI document and throws bad input at every /v1 operation: malformed JSON, the wrong content
/// type, missing required fields, every field of the request schema (nested ones included) with a value of the wrong
/// JSON type, unknown fields at every level, overflowing and negative integers, unknown enum values, 10,000-character
/// strings, unknown currencies in every money object, invalid ids in every path parameter, and invalid values for
/// every documented query parameter (page sizes, page tokens, sorts, statuses, timestamps…).
/// Path parameters are real objects created up front, so a request reaches the validation of its body rather than
/// stopping at a 404. Every answer must be a 4xx with the error envelope and a specific code — never a 5xx — and
/// every object (and the merchant's event record) must be unchanged afterwards.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class BadInputFromOpenApiTests(ApiFixture f, ITestOutputHelper output)
{
    private const string Overflow = "9223372036854775808"; // 2^63: one past long.MaxValue
    private static readonly string TenThousand = new('x', 10_000);
    /// <summary>Operations whose request has no required field, so <c>{}</c> is a valid request: a customer may be
    /// created with nothing known about it yet (every field is optional in the customers issue).</summary>
    private static readonly HashSet<string> EmptyObjectIsValid = ["POST /v1/customers"];

    private static readonly HashSet<string> ErrorTypes = ["invalid_request", "authentication", "not_found", "conflict", "payment", "rate_limit"];

    /// <summary>One request the test sends, and (when the first failing check is certain) the code it must get.</summary>
    private sealed record Probe(string Operation, string Case, HttpMethod Method, string Path, string? Body, string? ContentType,
        ApiClient Client, string? ExpectedCode = null, string? ExpectedParam = null, string? IdempotencyKey = null);

    private sealed record Outcome(Probe Probe, ApiResponse Response, string? Failure);

    [Fact]
    public async Task Every_v1_operation_answers_bad_input_with_a_4xx_envelope_and_changes_nothing()
    {
        var clock = Stopwatch.StartNew();
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("BadInput"));
        var world = await World.Create(f, api);
        var setup = clock.Elapsed;

        var doc = JsonNode.Parse(await f.Host.Client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = doc["components"]!["schemas"]!.AsObject();
        var probes = new List<Probe>();
        var operations = 0;
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            if (!path.StartsWith("/v1/", StringComparison.Ordinal)) continue;
            foreach (var (method, op) in item!.AsObject())
            {
                if (op is not JsonObject operation || !IsHttpMethod(method)) continue;
                operations++;
                // A paired device's own routes, and completing its terminal checkout, take its token (anyone else is 403).
                var client = path == "/v1/merchants" ? f.Admin
                    : path.StartsWith("/v1/devices/me", StringComparison.Ordinal) || path.StartsWith("/v1/terminal-checkouts/{terminal_checkout_id}/", StringComparison.Ordinal)
                        && !path.EndsWith("/cancel", StringComparison.Ordinal) ? f.With(world.DeviceToken)
                    : api;
                probes.AddRange(ProbesFor(new HttpMethod(method.ToUpperInvariant()), path, operation, schemas, world, client));
            }
        }
        Assert.True(operations >= 60, $"only {operations} /v1 operations in the OpenAPI document");
        Assert.All(EmptyObjectIsValid, op => Assert.Contains(op, probes.Select(p => p.Operation)));

        var before = await Snapshot(api, world);
        var outcomes = await Run(probes);
        var after = await Snapshot(api, world);
        var elapsed = clock.Elapsed;

        var failures = outcomes.Where(o => o.Failure is not null).ToList();
        // The answers themselves keep the document's promises (required fields present, nulls only where allowed).
        var mismatches = after.SelectMany(a => AnswerMismatches(doc, a.Key, a.Value)).ToList();
        Assert.True(mismatches.Count == 0, $"answers that do not match their OpenAPI schema:\n{string.Join("\n", mismatches.Take(40))}");
        var changed = before.Keys.Where(k => !JsonNode.DeepEquals(before[k], after[k]))
            .Select(k => $"{k} changed:\n    before {Cut(before[k]!.ToJsonString(), 1500)}\n    after  {Cut(after[k]!.ToJsonString(), 1500)}").ToList();

        output.WriteLine($"{operations} operations, {probes.Count} requests in {(elapsed - setup).TotalSeconds:F1} s (setup {setup.TotalSeconds:F1} s)");
        foreach (var group in outcomes.GroupBy(o => o.Probe.Operation))
        {
            var codes = group.GroupBy(o => $"{o.Response.Status} {o.Response.ErrorCode}").OrderByDescending(g => g.Count()).Select(g => $"{g.Key}×{g.Count()}");
            output.WriteLine($"  {group.Key}: {group.Count()} requests, {group.Count(o => o.Failure is not null)} failed — {string.Join(", ", codes)}");
        }

        var report = new StringBuilder();
        foreach (var group in failures.GroupBy(o => o.Probe.Operation))
        {
            report.AppendLine($"{group.Key}: {group.Count()} bad answers");
            foreach (var o in group.Take(8))
            {
                var p = o.Probe;
                report.AppendLine($"  [{p.Case}] {p.Method} {Cut(p.Path, 200)} {(p.ContentType is null ? "" : $"({p.ContentType}) ")}{Cut(p.Body ?? "(no body)", 300)}");
                report.AppendLine($"    → {o.Failure}: {o.Response.Status} {Cut(o.Response.Raw, 400)}");
            }
        }
        foreach (var c in changed) report.AppendLine(c);
        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0 && changed.Count == 0,
            $"{failures.Count} of {probes.Count} bad requests were not answered with a 4xx error envelope, {changed.Count} objects changed:\n{report}");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"the bad-input run took {elapsed.TotalSeconds:F0} s");
    }

    // ---------------------------------------------------------------- the requests

    private static IEnumerable<Probe> ProbesFor(HttpMethod method, string template, JsonObject operation, JsonObject schemas, World world, ApiClient client)
    {
        var name = $"{method} {template}";
        var parameters = (operation["parameters"] as JsonArray ?? []).Select(p => p!.AsObject()).ToList();
        var pathParams = parameters.Where(p => p.Str("in") == "path").Select(p => p.Str("name")).ToList();
        var queryParams = parameters.Where(p => p.Str("in") == "query").ToList();
        var realPath = Fill(template, world.Ids(template));
        var body = operation["requestBody"] as JsonObject;
        var bodySchema = body?["content"]?["application/json"]?["schema"];
        var bodyRequired = body?["required"]?.GetValue<bool>() ?? false;

        Probe P(string @case, string path, string? json, string? code = null, string? param = null, string? contentType = "application/json") =>
            new(name, @case, method, path, json, json is null ? null : contentType, client, code, param);

        // Invalid ids in the path: malformed, unknown, of another kind, absurdly long. The others stay real.
        foreach (var p in pathParams)
        {
            var real = world.Ids(template)[p];
            var prefix = real.Contains('_') ? real[..real.IndexOf('_')] : "x";
            var otherKind = p == "customer_id" ? world.ProductId : world.CustomerId;
            // Not %00: Kestrel itself refuses a NUL in the request target (a bare 400 before any application code runs).
            string[] bad = [$"{prefix}_0", "abc", $"{prefix}_{new string('Z', 26)}", Flint.Domain.FlintId.New(prefix), otherKind, new string('y', 300),
                "%20", "..%2F", $"{real}%0A", "%E2%82%AC", "%FF", "%C0%AF"];
            foreach (var value in bad.Distinct())
            {
                var ids = new Dictionary<string, string>(world.Ids(template)) { [p] = value };
                yield return P($"invalid path {p}={Cut(value, 20)}", Fill(template, ids), bodySchema is null ? null : "{}");
            }
        }

        // Invalid values of every documented query parameter.
        foreach (var q in queryParams)
        {
            var qname = q.Str("name");
            foreach (var value in InvalidQueryValues(q))
                yield return P($"query {qname}={Cut(value, 20)}", $"{realPath}?{qname}={Uri.EscapeDataString(value)}", null);
            // A real token of another list (or of this list with another sort) must not be accepted.
            if (qname == "page_token")
                yield return P("page token of another list", $"{realPath}?page_token={Uri.EscapeDataString(world.ProductsPageToken)}&sort_direction=asc", null,
                    "INVALID_PAGE_TOKEN");
        }

        // An invalid Idempotency-Key is refused before anything runs (with a body that is bad anyway, so a broken
        // key check could not change anything either).
        if (method != HttpMethod.Get)
        {
            yield return P("Idempotency-Key too long", realPath, """{"name":""", "INVALID_IDEMPOTENCY_KEY") with { IdempotencyKey = new string('k', 256) };
            yield return P("Idempotency-Key with DEL", realPath, """{"name":""", "INVALID_IDEMPOTENCY_KEY") with { IdempotencyKey = "key\u007f1" };
        }

        if (bodySchema is null) yield break;

        // The body as a whole.
        yield return P("malformed JSON", realPath, """{"name":""", "INVALID_JSON");
        yield return P("truncated JSON", realPath, "{", "INVALID_JSON");
        yield return P("JSON array", realPath, "[]", "INVALID_JSON");
        yield return P("trailing garbage", realPath, "{} x", "INVALID_JSON");
        yield return P("text/plain", realPath, "{}", "UNSUPPORTED_MEDIA_TYPE", contentType: "text/plain");
        yield return P("form content type", realPath, "a=1", "UNSUPPORTED_MEDIA_TYPE", contentType: "application/x-www-form-urlencoded");
        yield return P("JSON in latin-1", realPath, "{}", "UNSUPPORTED_MEDIA_TYPE", contentType: "application/json; charset=iso-8859-1");
        yield return P("nested 100 deep", realPath, string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), "INVALID_JSON");
        if (bodyRequired)
        {
            if (!EmptyObjectIsValid.Contains(name)) yield return P("missing required fields {}", realPath, "{}");
            yield return P("no body", realPath, null, "INVALID_JSON");
        }

        // Field by field, in an otherwise empty body: the one bad value is the only thing the request says.
        foreach (var node in Walk(Resolve(bodySchema, schemas), [], schemas, depth: 0))
        {
            var at = node.Param;
            if (node.Path.Count > 0)
                yield return P($"wrong type {at}", realPath, Build(node.Path, WrongType(node)), "INVALID_FIELD_TYPE", at);
            switch (node.Kind)
            {
                case "integer":
                    yield return P($"overflow {at}", realPath, Build(node.Path, JsonValue.Create(9223372036854775808UL)), "INVALID_FIELD_TYPE", at);
                    yield return P($"negative {at}", realPath, Build(node.Path, JsonValue.Create(-1)));
                    yield return P($"fraction {at}", realPath, Build(node.Path, JsonValue.Create(1.5m)), "INVALID_FIELD_TYPE", at);
                    yield return P($"long.MinValue {at}", realPath, Build(node.Path, JsonValue.Create(long.MinValue)));
                    yield return P($"long.MaxValue {at}", realPath, Build(node.Path, JsonValue.Create(long.MaxValue)));
                    break;
                case "enum":
                    yield return P($"unknown enum value {at}", realPath, Build(node.Path, "not_a_value"));
                    yield return P($"10,000 chars {at}", realPath, Build(node.Path, TenThousand));
                    yield return P($"NUL character {at}", realPath, Build(node.Path, "active\u0000"));
                    break;
                case "date-time":
                    yield return P($"not a timestamp {at}", realPath, Build(node.Path, "not-a-date"), "INVALID_FIELD_TYPE", at);
                    break;
                case "string":
                    yield return P($"10,000 chars {at}", realPath, Build(node.Path, TenThousand));
                    yield return P($"NUL character {at}", realPath, Build(node.Path, "a\u0000b"));
                    yield return P($"lone surrogate {at}", realPath, Build(node.Path, "@@").Replace("@@", "\\ud800"));
                    break;
                case "object":
                    yield return P($"unknown field {at}", realPath, Build([.. node.Path, new Seg("not_a_field")], 1), "UNKNOWN_FIELD",
                        at.Length == 0 ? "not_a_field" : $"{at}.not_a_field");
                    if (node.IsMoney)
                    {
                        yield return P($"currency XYZ {at}", realPath, Build(node.Path, new JsonObject { ["amount"] = 100, ["currency"] = "XYZ" }));
                        yield return P($"currency usd {at}", realPath, Build(node.Path, new JsonObject { ["amount"] = 100, ["currency"] = "usd" }));
                        yield return P($"amount 2^63 {at}", realPath, Build(node.Path, JsonNode.Parse($$"""{"amount":{{Overflow}},"currency":"USD"}""")),
                            "INVALID_FIELD_TYPE", $"{at}.amount");
                        yield return P($"amount -1 {at}", realPath, Build(node.Path, new JsonObject { ["amount"] = -1, ["currency"] = "USD" }));
                        yield return P($"money without amount {at}", realPath, Build(node.Path, new JsonObject { ["currency"] = "USD" }));
                        yield return P($"money without currency {at}", realPath, Build(node.Path, new JsonObject { ["amount"] = 100 }));
                    }
                    break;
            }
        }
    }

    private static IEnumerable<string> InvalidQueryValues(JsonObject parameter)
    {
        var name = parameter.Str("name");
        var schema = parameter["schema"] as JsonObject ?? [];
        var type = Types(schema).FirstOrDefault() ?? "string";
        if (name == "page_token") return ["garbage", "eyJmb28iOjF9", "%%%", TenThousand[..2000]];
        if (name == "fields") return ["not_a_field"];
        if (schema["enum"] is JsonArray) return ["not_a_value", " ", "ACTIVE", "active\0"];
        if (schema["format"]?.GetValue<string>() == "date-time") return ["not-a-date", "2026-13-45T99:00:00Z"];
        switch (type)
        {
            case "integer":
                var values = new List<string> { "abc", "-1", "1.5", Overflow, "1e3", "" };
                if (schema["maximum"] is { } max) values.Add((long.Parse(max.ToString()) + 1).ToString());
                if (schema["minimum"] is { } min && long.Parse(min.ToString()) > 0) values.Add("0");
                return values.Where(v => v.Length > 0);
            case "boolean":
                return ["maybe", "1", "TRUE"];
            default:
                // Free text has no invalid value but these: too long (where a limit is documented) and a NUL character.
                return schema["maxLength"] is { } len ? [new string('q', int.Parse(len.ToString()) + 1), "a\0b"] : ["a\0b"];
        }
    }

    /// <summary>A value of another JSON type than the schema's.</summary>
    private static JsonNode WrongType(SchemaNode node) => node.Kind switch
    {
        "string" or "enum" or "date-time" => 12345,
        "integer" => "12",
        "boolean" => "yes",
        "array" => new JsonObject { ["a"] = 1 },
        "object" or "map" => new JsonArray(1),
        _ => new JsonArray(),
    };

    // ---------------------------------------------------------------- the schema

    private sealed record Seg(string Name, bool Index = false);

    private sealed record SchemaNode(List<Seg> Path, string Kind, bool IsMoney)
    {
        public string Param => string.Concat(Path.Select((s, i) => s.Index ? "[0]" : i == 0 ? s.Name : "." + s.Name));
    }

    /// <summary>Every node of a request schema (the root included), following $ref, nullable oneOf, array items
    /// (as element [0]) and map values (as key "k").</summary>
    private static IEnumerable<SchemaNode> Walk(JsonObject schema, List<Seg> path, JsonObject schemas, int depth)
    {
        if (depth > 6) yield break;
        var kind = Kind(schema);
        var props = schema["properties"] as JsonObject;
        yield return new SchemaNode(path, kind, props is not null && props.ContainsKey("amount") && props.ContainsKey("currency") && props.Count == 2);
        if (kind == "object" && props is not null)
            foreach (var (name, sub) in props)
                foreach (var n in Walk(Resolve(sub!, schemas), [.. path, new Seg(name)], schemas, depth + 1))
                    yield return n;
        if (kind == "map" && schema["additionalProperties"] is JsonObject values)
            foreach (var n in Walk(Resolve(values, schemas), [.. path, new Seg("k")], schemas, depth + 1))
                yield return n;
        if (kind == "array" && schema["items"] is JsonObject items)
            foreach (var n in Walk(Resolve(items, schemas), [.. path, new Seg("0", Index: true)], schemas, depth + 1))
                yield return n;
    }

    private static JsonObject Resolve(JsonNode schema, JsonObject schemas)
    {
        var s = schema.AsObject();
        if (s["$ref"]?.GetValue<string>() is { } r) return Resolve(schemas[r[(r.LastIndexOf('/') + 1)..]]!, schemas);
        if (s["oneOf"] is JsonArray one && one.FirstOrDefault(o => Types(o!.AsObject()).FirstOrDefault() != "null" || o!["$ref"] is not null) is { } nonNull)
            return Resolve(nonNull, schemas);
        return s;
    }

    private static List<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray a => a.Select(t => t!.GetValue<string>()).Where(t => t != "null").Concat(a.Any(t => t!.GetValue<string>() == "null") ? ["null"] : []).ToList(),
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    private static string Kind(JsonObject schema)
    {
        var type = Types(schema).FirstOrDefault(t => t != "null");
        if (schema["enum"] is JsonArray) return "enum";
        if (schema["format"]?.GetValue<string>() == "date-time") return "date-time";
        return type switch
        {
            "object" or null when schema["properties"] is JsonObject => "object",
            "object" when schema["additionalProperties"] is JsonObject => "map",
            null => "string",
            _ => type,
        };
    }

    /// <summary>A body holding only <paramref name="value"/> at <paramref name="path"/>.</summary>
    private static string Build(List<Seg> path, JsonNode? value)
    {
        if (path.Count == 0) return value!.ToJsonString();
        JsonNode root = path[0].Index ? new JsonArray() : new JsonObject();
        var current = root;
        for (var i = 0; i < path.Count; i++)
        {
            var next = i == path.Count - 1 ? value : path[i + 1].Index ? new JsonArray() : (JsonNode)new JsonObject();
            if (current is JsonArray a) a.Add(next);
            else current.AsObject()[path[i].Name] = next;
            if (next is not null) current = next;
        }
        return root.ToJsonString();
    }

    private static string Build(List<Seg> path, string value) => Build(path, JsonValue.Create(value));

    private static string Build(List<Seg> path, int value) => Build(path, JsonValue.Create(value));

    // ---------------------------------------------------------------- running and checking

    private static async Task<List<Outcome>> Run(List<Probe> probes)
    {
        using var gate = new SemaphoreSlim(4);
        var tasks = probes.Select(async p =>
        {
            await gate.WaitAsync();
            try
            {
                var r = await p.Client.Send(p.Method, p.Path, p.Body, p.IdempotencyKey, contentType: p.ContentType);
                return new Outcome(p, r, Check(p, r));
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(tasks)];
    }

    /// <summary>Null if the answer is a proper rejection; otherwise what is wrong with it.</summary>
    private static string? Check(Probe p, ApiResponse r)
    {
        if (r.Status >= 500) return "server error";
        if (r.Status < 400) return "accepted";
        if (r.Status >= 500 || r.Body is not JsonObject body) return "not a JSON body";
        if (r.ContentType is null || !r.ContentType.StartsWith("application/json", StringComparison.Ordinal)) return $"content type {r.ContentType}";
        if (body["error"] is not JsonObject error) return "no error object";
        var type = error["type"]?.GetValue<string>();
        var code = error["code"]?.GetValue<string>();
        var message = error["message"]?.GetValue<string>();
        if (type is null || !ErrorTypes.Contains(type)) return $"error.type {type}";
        if (code is null || !CodePattern().IsMatch(code)) return $"error.code {code}";
        if (string.IsNullOrWhiteSpace(message)) return "empty error.message";
        var requestId = body["request_id"]?.GetValue<string>();
        if (string.IsNullOrEmpty(requestId) || requestId != r.Header("X-Request-Id")) return "request_id missing or not the X-Request-Id";
        if (p.ExpectedCode is not null && code != p.ExpectedCode) return $"expected {p.ExpectedCode}";
        if (p.ExpectedParam is not null && error["param"]?.GetValue<string>() != p.ExpectedParam) return $"expected param {p.ExpectedParam}";
        return null;
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex CodePattern();

    private static bool IsHttpMethod(string m) => m is "get" or "post" or "put" or "patch" or "delete";

    private static string Fill(string template, IReadOnlyDictionary<string, string> ids) =>
        Regex.Replace(template, "{([a-z_]+)}", m => ids.TryGetValue(m.Groups[1].Value, out var v)
            ? (v.Contains('%') ? v : Uri.EscapeDataString(v))
            : throw new InvalidOperationException($"{template}: no object for path parameter {m.Groups[1].Value}; create one in World"));

    private static string Cut(string s, int max) => s.Length <= max ? s : $"{s[..max]}…({s.Length} chars)";

    /// <summary>Every object the test created, every list of the merchant and its event record, by GET path,
    /// without the request_id.</summary>
    private static async Task<Dictionary<string, JsonNode?>> Snapshot(ApiClient api, World w)
    {
        string[] paths =
        [
            $"/v1/products/{w.ProductId}", $"/v1/products/{w.ProductId}/variants/{w.VariantId}",
            $"/v1/products/{w.ProductId}/variants/{w.VariantId}/inventory", $"/v1/products/{w.ProductId}/variants/{w.VariantId}/inventory-history?page_size=100",
            $"/v1/products/{w.StockedId}", $"/v1/products/{w.StockedId}/variants/{w.StockedVariantId}/inventory",
            $"/v1/bundles/{w.BundleId}", $"/v1/modifier-sets/{w.ModifierSetId}", $"/v1/customers/{w.CustomerId}",
            $"/v1/customers/{w.CustomerId}/payment-methods", $"/v1/customers/{w.CustomerId}/orders?page_size=100",
            $"/v1/coupons/{w.CouponId}", $"/v1/tax-rates/{w.TaxRateId}", $"/v1/orders/{w.OrderId}", $"/v1/orders/{w.PaidOrderId}",
            $"/v1/payments/{w.PaymentId}", $"/v1/refunds/{w.RefundId}", $"/v1/plans/{w.PlanId}", "/v1/settings", "/v1/api-keys",
            $"/v1/subscriptions/{w.SubscriptionId}", $"/v1/invoices/{w.InvoiceId}", $"/v1/webhook-endpoints/{w.WebhookEndpointId}",
            $"/v1/checkout-sessions/{w.CheckoutSessionId}", "/v1/checkout-sessions?page_size=100",
            $"/v1/payment-links/{w.PaymentLinkId}", "/v1/payment-links?page_size=100",
            "/v1/products?page_size=100", "/v1/bundles?page_size=100", "/v1/modifier-sets?page_size=100", "/v1/customers?page_size=100",
            "/v1/coupons?page_size=100", "/v1/tax-rates?page_size=100", "/v1/orders?page_size=100", "/v1/payments?page_size=100",
            "/v1/refunds?page_size=100", "/v1/plans?page_size=100", "/v1/subscriptions?page_size=100", "/v1/invoices?page_size=100",
            "/v1/webhook-endpoints?page_size=100", "/v1/users", $"/v1/partner-apps/{w.PartnerAppId}", "/v1/partner-apps?page_size=100",
            $"/v1/installations/{w.InstallationId}", "/v1/installations?page_size=100",
            $"/v1/locations/{w.LocationId}", "/v1/locations?page_size=100", $"/v1/devices/{w.DeviceId}", "/v1/devices?page_size=100",
            $"/v1/terminal-checkouts/{w.TerminalCheckoutId}", "/v1/terminal-checkouts?page_size=100",
            "/v1/events?page_size=100",
        ];
        var result = new Dictionary<string, JsonNode?>();
        foreach (var path in paths)
        {
            var r = await api.Get(path);
            Assert.True(r.Status == 200, $"GET {path}: {r}");
            var body = r.Body!.AsObject();
            body.Remove("request_id");
            // When a device was last seen moves with every call its token makes (the probes of its routes): telemetry.
            if (body["data"] is JsonObject device && device.ContainsKey("last_seen_at")) device.Remove("last_seen_at");
            if (body["data"] is JsonArray devices)
                foreach (var d in devices.OfType<JsonObject>()) d.Remove("last_seen_at");
            result[path] = body;
        }
        return result;
    }

    /// <summary>The objects the path parameters are filled with: one of every kind, in states where a well-formed
    /// request would be accepted (an open order to edit and pay, a paid order to refund, an active subscription to
    /// change, pause or cancel, and its first invoice).</summary>
    private sealed record World(string ProductId, string VariantId, string StockedId, string StockedVariantId, string BundleId,
        string BundleComponentId, string ModifierSetId, string CustomerId, string PaymentMethodId, string CouponId, string CouponCode,
        string TaxRateId, string OrderId, string LineItemId, string DiscountId, string PaidOrderId, string PaymentId, string RefundId,
        string ApiKeyId, string ProductsPageToken, string PlanId, string SubscriptionId, string InvoiceId, string WebhookEndpointId,
        string WebhookDeliveryId, string CheckoutSessionId, string PaymentLinkId, string UserId, string PartnerAppId, string InstallationId, string LocationId, string DeviceId,
        string TerminalCheckoutId, string DeviceToken)
    {
        public IReadOnlyDictionary<string, string> Ids(string template) => new Dictionary<string, string>
        {
            ["product_id"] = ProductId, ["variant_id"] = VariantId, ["sku"] = "BADIN-NOPE",
            ["bundle_id"] = BundleId, ["bundle_component_id"] = BundleComponentId, ["modifier_set_id"] = ModifierSetId,
            ["customer_id"] = CustomerId, ["payment_method_id"] = PaymentMethodId, ["coupon_id"] = CouponId, ["coupon_code"] = CouponCode,
            ["tax_rate_id"] = TaxRateId, ["line_item_id"] = LineItemId, ["discount_id"] = DiscountId,
            // Refunds need a paid order; everything else edits or pays the open one.
            ["order_id"] = template.EndsWith("/refunds", StringComparison.Ordinal) ? PaidOrderId : OrderId,
            ["payment_id"] = PaymentId, ["refund_id"] = RefundId, ["api_key_id"] = ApiKeyId, ["plan_id"] = PlanId,
            ["subscription_id"] = SubscriptionId, ["invoice_id"] = InvoiceId,
            ["webhook_endpoint_id"] = WebhookEndpointId, ["webhook_delivery_id"] = WebhookDeliveryId,
            ["checkout_session_id"] = CheckoutSessionId, ["payment_link_id"] = PaymentLinkId, ["user_id"] = UserId,
            ["partner_app_id"] = PartnerAppId, ["installation_id"] = InstallationId, ["location_id"] = LocationId, ["device_id"] = DeviceId,
            ["terminal_checkout_id"] = TerminalCheckoutId,
        };

        public static async Task<World> Create(ApiFixture f, ApiClient api)
        {
            var sku = CatalogData.Unique("BADIN");
            var product = await api.CreateSimple(sku: sku, quantity: 50);
            var stocked = await api.Stocked(price: 1000, quantity: 20);
            var bundle = await api.CreateBundle(null, (product.VariantId, 2));
            var modifierSet = await api.CreateModifierSet();
            var customerId = await api.CreateCustomer();
            var method = await api.Post($"/v1/customers/{customerId}/payment-methods", """{"token":"tok_visa"}""");
            Assert.True(method.Status == 201, $"saving a card failed: {method}");
            var code = "BADIN" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            var couponId = await api.CreateCoupon($$"""{"code":"{{code}}","discount_type":"percentage","percent_off":"10","name":"Bad input"}""");
            var taxRateId = await api.UsTax("8");

            var order = await api.NewOrder(customerId, (product.VariantId, 1));
            var orderId = order.Str("order_id");
            var discounted = await api.Post($"/v1/orders/{orderId}/discounts", """{"name":"Staff","percentage":"5"}""");
            Assert.True(discounted.Status == 201, $"adding a discount failed: {discounted}");
            var couponed = await api.Post($"/v1/orders/{orderId}/apply-coupon", $$"""{"coupon_code":"{{code}}"}""");
            Assert.True(couponed.Status == 200, $"applying the coupon failed: {couponed}");

            var paidOrder = await api.NewOrder(customerId, (stocked.VariantId, 2));
            var paid = await api.PayWith(paidOrder.Str("order_id"), "tok_visa");
            Assert.True(paid.Status == 200, $"paying failed: {paid}");
            var refund = await api.RefundOf(paidOrder.Str("order_id"), 500);
            Assert.True(refund.Status == 201, $"refunding failed: {refund}");

            var key = await api.Post("/v1/api-keys", """{"name":"spare"}""");
            Assert.True(key.Status == 201, $"creating a key failed: {key}");
            // Every later event queues a delivery to it (to a host that does not exist: they fail and wait to be retried;
            // the deliveries are not in the snapshot).
            var endpoint = await api.Post("/v1/webhook-endpoints", """{"url":"http://badin.invalid/hook","enabled_events":["*"]}""");
            Assert.True(endpoint.Status == 201, $"creating a webhook endpoint failed: {endpoint}");
            var plan = await api.Post("/v1/plans", $$"""{"name":"Bad input","interval":"month","line_items":[{"variant_id":"{{product.VariantId}}","quantity":1}]}""");
            Assert.True(plan.Status == 201, $"creating a plan failed: {plan}");
            // Billed at once (its first cycle) with the customer's saved card: an invoice to read.
            var subscription = await api.Post("/v1/subscriptions", $$"""{"customer_id":"{{customerId}}","plan_id":"{{plan.Data.Str("plan_id")}}"}""");
            Assert.True(subscription.Status == 201 && subscription.Data.StrOrNull("latest_invoice_id") is not null, $"subscribing failed: {subscription}");
            var deliveries = await api.Get($"/v1/webhook-endpoints/{endpoint.Data.Str("webhook_endpoint_id")}/deliveries");
            Assert.True(deliveries.Status == 200 && deliveries.Data.AsArray().Count > 0, $"no delivery queued: {deliveries}");
            var session = await api.Post("/v1/checkout-sessions", $$"""{"order_id":"{{orderId}}","success_url":"https://shop.example/thanks"}""");
            Assert.True(session.Status == 201, $"creating a checkout session failed: {session}");
            var link = await api.Post("/v1/payment-links", """{"amount_money":{"amount":1000,"currency":"USD"},"name":"Bad input"}""");
            Assert.True(link.Status == 201, $"creating a payment link failed: {link}");
            // A dashboard user (emails are unique across Flint, so this one is the run's own).
            var email = $"badin-{Guid.NewGuid():N}@example.com";
            var user = await api.Post("/v1/users", $$"""{"email":"{{email}}","password":"bad input password"}""");
            Assert.True(user.Status == 201, $"adding a user failed: {user}");
            // An app of this merchant's, installed on it by its user through the hosted page.
            var app = await Apps.AppInstalls.Register(api, ["orders:read"], "Bad input app");
            var installed = await Apps.AppInstalls.Install(f, await Apps.AppInstalls.SignIn(f, email, "bad input password"), app, "orders:read");
            var location = await api.Post("/v1/locations", """{"name":"Bad input store","timezone":"Europe/Paris"}""");
            Assert.True(location.Status == 201, $"creating a location failed: {location}");
            var device = await api.Post("/v1/devices/codes", $$"""{"name":"Bad input till","location_id":"{{location.Data.Str("location_id")}}"}""");
            Assert.True(device.Status == 201, $"creating a device failed: {device}");
            // Paired, and sent a terminal checkout of the open order (which its routes then act on).
            var paired = await f.Anonymous.Post("/v1/devices/pair", $$"""{"code":"{{device.Data.Str("code")}}"}""");
            Assert.True(paired.Status == 201, $"pairing failed: {paired}");
            var terminal = await api.Post("/v1/terminal-checkouts", $$"""{"device_id":"{{device.Data.Str("device_id")}}","order_id":"{{orderId}}"}""");
            Assert.True(terminal.Status == 201, $"creating a terminal checkout failed: {terminal}");
            var firstPage = await api.Get("/v1/products?page_size=1");
            var token = firstPage.Body?["next_page_token"]?.GetValue<string>() ?? throw new InvalidOperationException($"no second page: {firstPage}");

            return new World(product.Id, product.VariantId, stocked.Id, stocked.VariantId, bundle.Str("bundle_id"),
                bundle.Arr("components")[0]!.Str("bundle_component_id"), modifierSet, customerId, method.Data.Str("customer_payment_method_id"),
                couponId, code, taxRateId, orderId, couponed.Data.Arr("line_items")[0]!.Str("line_item_id"),
                couponed.Data.Arr("applied_discounts").First(d => d!.Str("source") == "manual")!.Str("discount_id"),
                paidOrder.Str("order_id"), paid.Data.Arr("payments")[0]!.Str("payment_id"), refund.Data["refund"]!.Str("refund_id"),
                key.Data.Str("api_key_id"), token, plan.Data.Str("plan_id"), subscription.Data.Str("subscription_id"),
                subscription.Data.Str("latest_invoice_id"), endpoint.Data.Str("webhook_endpoint_id"),
                deliveries.Data.AsArray()[0]!.Str("webhook_delivery_id"), session.Data.Str("checkout_session_id"), link.Data.Str("payment_link_id"),
                user.Data.Str("user_id"), app.ClientId, installed.InstallationId, location.Data.Str("location_id"), device.Data.Str("device_id"),
                terminal.Data.Str("terminal_checkout_id"), paired.Data.Str("device_token"));
        }
    }
}
