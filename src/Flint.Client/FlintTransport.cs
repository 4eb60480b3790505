using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flint.Abstractions;

namespace Flint.Client;

/// <summary>
/// How every call goes out: the key as a Bearer token; the body and the answer in Flint's JSON (snake_case, the API's
/// own contracts); each mutation with an <c>Idempotency-Key</c> (the caller's, or a new one) that every retry repeats,
/// so a retried create is answered from the first one and never makes a second object; retries on a network failure,
/// 429 (waiting what Retry-After says), 503 and 409 IDEMPOTENCY_KEY_IN_USE (the first try still running), with
/// doubling waits (as the TypeScript client does); an error answer thrown as <see cref="FlintError"/>.
/// </summary>
public sealed class FlintTransport(HttpClient http, FlintClientOptions options)
{
    /// <summary>Flint's JSON, leaving out what the caller did not set (an absent field, not a null one).</summary>
    public static readonly JsonSerializerOptions Json = new(FlintJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <param name="anonymous">Sends no key (pairing a device, which has none yet).</param>
    public async Task<T> Send<T>(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken ct, bool anonymous = false)
    {
        var data = (await SendRaw(method, path, body, idempotencyKey, ct, anonymous))["data"];
        return data.Deserialize<T>(Json) ?? throw new FlintError(200, "internal", "UNEXPECTED_RESPONSE", $"{method} {path} answered no data.", null, null);
    }

    /// <summary>Every item of a list, page after page (page_token), as they are needed.</summary>
    public async IAsyncEnumerable<T> List<T>(string path, ListOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var parameters = (options ?? new ListOptions()).ToQuery();
            if (token is not null) parameters["page_token"] = token;
            var page = await SendRaw(HttpMethod.Get, path + QueryString(parameters), null, null, ct, anonymous: false);
            foreach (var item in page["data"]!.AsArray())
                yield return item.Deserialize<T>(Json)!;
            token = page["next_page_token"]?.GetValue<string>();
        }
        while (token is not null);
    }

    private async Task<JsonObject> SendRaw(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken ct, bool anonymous)
    {
        var mutation = method != HttpMethod.Get && method != HttpMethod.Head;
        // An anonymous call (pairing) has no merchant for a key to belong to: it is sent without one.
        var key = mutation && !anonymous ? idempotencyKey ?? Guid.NewGuid().ToString() : null;
        var json = body is null ? null : JsonSerializer.Serialize(body, body.GetType(), Json);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(options.BaseUrl, path));
            if (!anonymous) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // The request may or may not have reached Flint: the same key makes a retry safe either way.
                if (attempt >= options.MaxAttempts)
                    throw new FlintError(0, "connection", "CONNECTION_FAILED", $"{method} {path}: {e.Message}", null, null);
                await Task.Delay(Backoff(attempt, null), ct);
                continue;
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                var status = (int)response.StatusCode;
                if (status is 429 or 503 && attempt < options.MaxAttempts)
                {
                    await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), ct);
                    continue;
                }
                JsonObject? envelope = null;
                try { envelope = text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null; } catch (JsonException) { }
                if (response.IsSuccessStatusCode && envelope is not null) return envelope;
                // The first try of this key is still being answered (its connection dropped, the server did not): wait for it.
                if (status == 409 && envelope?["error"]?["code"]?.GetValue<string>() == "IDEMPOTENCY_KEY_IN_USE" && attempt < options.MaxAttempts)
                {
                    await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), ct);
                    continue;
                }
                throw ErrorOf(status, envelope, text, response.Headers);
            }
        }
    }

    /// <summary>
    /// The server-sent events of <paramref name="path"/>, as they come. A dropped connection (or a stream the server
    /// ends) is opened again after a short wait with <c>Last-Event-ID</c> of the last event received, so nothing is
    /// missed or seen twice; it stops when <paramref name="ct"/> is canceled, the caller stops enumerating, or after an
    /// event of type <paramref name="finalType"/>. An error answer to the opening request is a <see cref="FlintError"/>.
    /// </summary>
    public async IAsyncEnumerable<DeviceEvent> Stream(string path, long? lastEventId, string finalType, [EnumeratorCancellation] CancellationToken ct)
    {
        var last = lastEventId;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (last is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                if (attempt >= options.MaxAttempts)
                    throw new FlintError(0, "connection", "CONNECTION_FAILED", $"GET {path}: {e.Message}", null, null);
            }
            if (response is null)
            {
                await Task.Delay(Backoff(attempt, null), ct);
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(ct);
                    if (status is 429 or 503 && attempt < options.MaxAttempts)
                    {
                        await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), ct);
                        continue;
                    }
                    JsonObject? envelope = null;
                    try { envelope = JsonNode.Parse(text) as JsonObject; } catch (JsonException) { }
                    throw ErrorOf(status, envelope, text, response.Headers);
                }
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
                while (true)
                {
                    DeviceEvent? next;
                    try
                    {
                        next = await NextEvent(reader, id => last = id, ct);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
                    {
                        next = null;   // the connection dropped: open it again from the last event
                    }
                    if (next is null) break;
                    attempt = 0;
                    yield return next;
                    if (next.Type == finalType) yield break;
                }
            }
            await Task.Delay(Backoff(Math.Max(attempt, 1), null), ct);
        }
    }

    /// <summary>The next event of the stream (comments and retry lines skipped); null when the stream ends. The
    /// <c>id:</c> of every whole block moves the resume point (<paramref name="seen"/>), also the one that opens the
    /// stream before any event, so a connection dropped before its first event resumes from where it started.</summary>
    private static async Task<DeviceEvent?> NextEvent(StreamReader reader, Action<long> seen, CancellationToken ct)
    {
        long? id = null;
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                // The resume point moves when a block is whole (an event half-read when the connection dropped is read
                // again); a block without an event may carry one too (the opening block).
                if (id is { } complete) seen(complete);
                if (type is null && data.Length == 0)
                {
                    id = null;   // a block without an event (the opening one, a comment, a retry line)
                    continue;
                }
                var json = data.Length == 0 ? new JsonObject() : JsonNode.Parse(data.ToString()) as JsonObject ?? new JsonObject();
                return new DeviceEvent(id, type ?? "message", json);
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id" when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n):
                    id = n;
                    break;
                case "event": type = value; break;
                case "data": if (data.Length > 0) data.Append('\n'); data.Append(value); break;
            }
        }
        return null;
    }

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        // Doubling, up to 30 s (a device stream that keeps closing is opened again at most every 30 s).
        var backoff = options.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 16));
        if (backoff > MaxBackoff) backoff = MaxBackoff;
        var asked = retryAfter?.Delta ?? (retryAfter?.Date is { } at ? at - DateTimeOffset.UtcNow : null);
        return asked is { } wait && wait > backoff ? wait : backoff;
    }

    private static FlintError ErrorOf(int status, JsonObject? envelope, string text, HttpResponseHeaders headers)
    {
        var requestId = envelope?["request_id"]?.GetValue<string>() ?? (headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null);
        if (envelope?["error"] is JsonObject e)
            return new FlintError(status, e["type"]?.GetValue<string>() ?? "internal", e["code"]?.GetValue<string>() ?? "UNKNOWN",
                e["message"]?.GetValue<string>() ?? "", e["param"]?.GetValue<string>(), requestId, e["decline_code"]?.GetValue<string>());
        return new FlintError(status, status >= 500 ? "internal" : "invalid_request", "UNEXPECTED_RESPONSE",
            $"HTTP {status}: {(text.Length > 200 ? text[..200] : text)}", null, requestId);
    }

    internal static string QueryString(IReadOnlyDictionary<string, string?> parameters)
    {
        var parts = parameters.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    internal static string Segment(string id) => Uri.EscapeDataString(id);
}
