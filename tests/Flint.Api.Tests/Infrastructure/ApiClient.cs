using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Flint.Api.Tests.Infrastructure;

public sealed record ApiResponse(int Status, JsonNode? Body, HttpResponseHeaders Headers, string Raw)
{
    public JsonNode Data => Body?["data"] ?? throw new InvalidOperationException($"No data in {Status}: {Raw}");
    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();
    public string? ErrorParam => Body?["error"]?["param"]?.GetValue<string>();
    public string? Header(string name) => Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
    public string? ContentType { get; init; }
    public override string ToString() => $"{Status} {Raw}";

    /// <summary>Asserts the error envelope: status, code, and (when given) param.</summary>
    public void AssertError(int status, string code, string? param = null)
    {
        Assert.True(Status == status && ErrorCode == code, $"expected {status} {code}, got {this}");
        if (param is not null) Assert.True(ErrorParam == param, $"expected param '{param}', got {this}");
    }
}

/// <summary>Plain HTTP calls as a client of the API would make them.</summary>
public sealed class ApiClient(HttpClient http, string? key)
{
    public string? Key { get; } = key;

    public Task<ApiResponse> Get(string path) => Send(HttpMethod.Get, path, null);
    public Task<ApiResponse> Post(string path, string? json = null, string? idempotencyKey = null) => Send(HttpMethod.Post, path, json, idempotencyKey);
    public Task<ApiResponse> Patch(string path, string json, string? idempotencyKey = null) => Send(HttpMethod.Patch, path, json, idempotencyKey);
    public Task<ApiResponse> Put(string path, string json) => Send(HttpMethod.Put, path, json);
    public Task<ApiResponse> Delete(string path) => Send(HttpMethod.Delete, path, null);

    public async Task<ApiResponse> Send(HttpMethod method, string path, string? json, string? idempotencyKey = null, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (Key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try { body = raw.Length > 0 ? JsonNode.Parse(raw) : null; } catch (System.Text.Json.JsonException) { }
        return new ApiResponse((int)response.StatusCode, body, response.Headers, raw) { ContentType = response.Content.Headers.ContentType?.ToString() };
    }
}
