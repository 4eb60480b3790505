using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Devices;

/// <summary>A merchant's register: the merchant's key, a location and a device paired there (its token's client).</summary>
public sealed record Register(ApiClient Api, ApiClient Device, string LocationId, string DeviceId, string Token);

public static class Registers
{
    /// <summary>A new merchant with one location (tax location US/CA, 10 % tax there).</summary>
    public static async Task<(ApiClient Api, string LocationId)> Shop(ApiFixture f, string name = "Register")
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique(name));
        var tax = await api.Post("/v1/tax-rates", """{"name":"CA sales tax","percentage":"10","jurisdiction":{"country":"US","region":"CA"}}""");
        Assert.True(tax.Status == 201, tax.ToString());
        return (api, await NewLocation(api, "Front store", "CA"));
    }

    public static async Task<string> NewLocation(ApiClient api, string name, string region = "CA")
    {
        var location = await api.Post("/v1/locations", $$$"""{"name":"{{{name}}}","tax_location":{"country":"US","region":"{{{region}}}"}}""");
        Assert.True(location.Status == 201, location.ToString());
        return location.Data.Str("location_id");
    }

    /// <summary>A device paired at <paramref name="locationId"/> with a code, as a register pairs.</summary>
    public static async Task<Register> Pair(ApiFixture f, ApiClient api, string locationId, string name = "Till 1") =>
        await Pair(f.Host.Client, api, locationId, name);

    public static async Task<Register> Pair(HttpClient http, ApiClient api, string locationId, string name = "Till 1")
    {
        var code = await api.Post("/v1/devices/codes", $$"""{"name":"{{name}}","location_id":"{{locationId}}"}""");
        Assert.True(code.Status == 201, code.ToString());
        var paired = await new ApiClient(http, null).Post("/v1/devices/pair", $$"""{"code":"{{code.Data.Str("code")}}","app_version":"pos-test"}""");
        Assert.True(paired.Status == 201, paired.ToString());
        var token = paired.Data.Str("device_token");
        return new Register(api, new ApiClient(http, token), locationId, code.Data.Str("device_id"), token);
    }

    public static async Task<Register> New(ApiFixture f, string name = "Register")
    {
        var (api, location) = await Shop(f, name);
        return await Pair(f, api, location);
    }
}

/// <summary>One server-sent event as the client parsed it.</summary>
public sealed record StreamEvent(long Id, string Type, JsonNode Data)
{
    /// <summary>The object the event carries (data.object).</summary>
    public JsonNode Object => Data["data"]!["object"]!;
}

/// <summary>A device's event stream read as a client reads it: the lines parsed into events as they arrive.</summary>
public sealed class DeviceStreamReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<StreamEvent> _events = Channel.CreateUnbounded<StreamEvent>();
    private readonly HttpResponseMessage _response;
    private readonly Task _reading;

    private DeviceStreamReader(HttpResponseMessage response)
    {
        _response = response;
        _reading = Task.Run(Read);
    }

    /// <summary>The stream ended (the server closed it), as a reconnecting client would notice.</summary>
    public bool Ended => _reading.IsCompleted;

    /// <summary>Connects, resuming after <paramref name="lastEventId"/> when given (the Last-Event-ID header).</summary>
    public static async Task<DeviceStreamReader> Open(HttpClient http, string token, long? lastEventId = null)
    {
        // Its own client: the suite's has a 60-second timeout, and a stream may stay open longer.
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(http.BaseAddress!, "/v1/devices/me/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await Streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) Assert.Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new DeviceStreamReader(response);
    }

    private static readonly HttpClient Streaming = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The next event (of <paramref name="type"/> when given; others before it are skipped), within
    /// <paramref name="within"/> (default 10 s).</summary>
    public async Task<StreamEvent> Next(string? type = null, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(timeout.Token);
                if (type is null || e.Type == type) return e;
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No {type ?? "event"} arrived within {(within ?? TimeSpan.FromSeconds(10)).TotalSeconds} s.");
        }
    }

    /// <summary>What arrived and was not read yet, without waiting.</summary>
    public List<StreamEvent> Drain()
    {
        var list = new List<StreamEvent>();
        while (_events.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    private async Task Read()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(body);
            long? id = null;
            string? type = null;
            string? data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null) _events.Writer.TryWrite(new StreamEvent(id ?? -1, type ?? "message", JsonNode.Parse(data)!));
                    (id, type, data) = (null, null, null);
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // closed by either side
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try { await _reading; } catch { /* ended */ }
        _stop.Dispose();
    }
}
