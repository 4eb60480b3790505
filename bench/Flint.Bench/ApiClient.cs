using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flint.Bench;

public sealed record ApiResponse(int Status, JsonNode? Body, string? ErrorCode)
{
    public bool Ok => Status is >= 200 and < 300;
    public JsonNode Data => Body?["data"] ?? throw new BenchException($"response without data: {Body?.ToJsonString()}");

    /// <summary>"201", "409 INSUFFICIENT_INVENTORY", "transport" … — how errors are counted.</summary>
    public string Outcome => Status == 0 ? ErrorCode ?? "transport" : ErrorCode is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status} {ErrorCode}";
}

/// <summary>
/// HTTP to one target, spread round-robin over its URLs (the silos). With retries on, a request that fails in
/// transport or with a 5xx (the silo died, or a grain call to a dead silo failed) is sent again to the next URL
/// with the same Idempotency-Key, so a retry can never have a second effect; 409 IDEMPOTENCY_KEY_IN_USE and
/// 409 PAYMENT_IN_PROGRESS (the first attempt still running, or in flight on a silo that died) are retried after a
/// pause. 429 waits a second.
/// </summary>
public sealed class ApiClient(HttpClient http, IReadOnlyList<string> urls, string? apiKey, bool retry, Stats stats)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    // Long enough to outlast Flint's takeover of an in-flight idempotency record left by a dead silo (as soon as the
    // cluster declares it dead; by age after 45 s), with room for a slow restart.
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(180);
    private int _next;

    public IReadOnlyList<string> Urls => urls;
    public string? ApiKey => apiKey;

    public Task<ApiResponse> Get(string path, CancellationToken ct = default) => Send(HttpMethod.Get, path, null, null, ct);

    public Task<ApiResponse> Post(string path, object body, string? idempotencyKey, CancellationToken ct = default) =>
        Send(HttpMethod.Post, path, JsonSerializer.Serialize(body), idempotencyKey, ct);

    public async Task<ApiResponse> Send(HttpMethod method, string path, string? json, string? idempotencyKey, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = DateTime.UtcNow + RetryBudget;
        var urlIndex = (int)((uint)Interlocked.Increment(ref _next) % (uint)urls.Count);
        for (var attempt = 0; ; attempt++)
        {
            var url = urls[(urlIndex + attempt) % urls.Count];
            var response = await SendOnce(method, url + path, json, idempotencyKey, ct);
            var canRetry = DateTime.UtcNow < deadline && !ct.IsCancellationRequested;
            if (response.Status == 429 && canRetry)
            {
                stats.Retried("429 " + response.ErrorCode);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }
            var transient = response.Status == 0 || response.Status >= 500;
            // Both mean "the first attempt is still running": Flint keeps neither answer, so asking again with the
            // same key gets the outcome once it is known.
            var inUse = response.Status == 409 && response.ErrorCode is "IDEMPOTENCY_KEY_IN_USE" or "PAYMENT_IN_PROGRESS";
            if (retry && canRetry && (transient || inUse) && (idempotencyKey is not null || method == HttpMethod.Get))
            {
                stats.Retried(response.Outcome);
                // A dead silo's in-flight record needs time; a transport failure moves on to the next silo at once.
                await Task.Delay(inUse ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100 * Math.Min(attempt + 1, 10)), CancellationToken.None);
                continue;
            }
            stats.Request(Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.Outcome, response.Ok);
            return response;
        }
    }

    private async Task<ApiResponse> SendOnce(HttpMethod method, string uri, string? json, string? idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        try
        {
            using var resp = await http.SendAsync(request, cts.Token);
            var text = await resp.Content.ReadAsStringAsync(cts.Token);
            JsonNode? body = null;
            try
            {
                body = text.Length > 0 ? JsonNode.Parse(text) : null;
            }
            catch (JsonException) { }
            var code = resp.IsSuccessStatusCode ? null : body?["error"]?["code"]?.GetValue<string>() ?? (text.Length == 0 ? null : "NON_JSON");
            return new ApiResponse((int)resp.StatusCode, body, code);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ApiResponse(0, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new ApiResponse(0, null, e.HttpRequestError == HttpRequestError.ConnectionError ? "connection_refused" : "transport_" + e.HttpRequestError);
        }
    }

    public static HttpClient CreateHttp(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency + 16,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
