using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Flint.Abstractions.Devices;
using Flint.Api.Tests.Infrastructure;
using Flint.Client;

namespace Flint.Api.Tests.Client;

/// <summary>
/// Every operation of the served OpenAPI document has a method in the .NET client, and every method calls an operation
/// that exists: each public method of each resource of <see cref="FlintClient"/> is called (with placeholder ids and
/// empty requests) over a handler that records the request instead of sending it, and the requests are matched against
/// the document's /v1 operations. An endpoint added without its client method turns this red.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FlintClientCoverageTests(ApiFixture f)
{
    private sealed class Recorder : HttpMessageHandler
    {
        public List<(string Method, string Path, bool Authorized)> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            lock (Calls) Calls.Add((request.Method.Method, request.RequestUri!.AbsolutePath, request.Headers.Authorization is not null));
            var stream = request.Headers.Accept.Any(a => a.MediaType == "text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = stream
                    ? new StringContent("event: device.unpaired\ndata: {}\n\n", Encoding.UTF8, "text/event-stream")
                    : new StringContent("""{"data":[],"next_page_token":null,"request_id":"r"}""", Encoding.UTF8, "application/json"),
            });
        }
    }

    [Fact]
    public async Task Every_operation_of_the_OpenAPI_document_has_a_client_method_and_every_method_calls_one()
    {
        var doc = JsonNode.Parse(await f.Host.Client.GetStringAsync("/openapi/v1.json"))!;
        var operations = doc["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
                .Select(m => (Method: m.Key.ToUpperInvariant(), Template: p.Key)))
            .ToList();

        var recorder = new Recorder();
        var client = new FlintClient(new HttpClient(recorder), new FlintClientOptions { ApiKey = "sk_test_x", BaseUrl = new Uri("http://flint.invalid"), MaxAttempts = 1 });
        var methods = 0;
        foreach (var resource in typeof(FlintClient).GetProperties().Where(p => p.PropertyType.Name.EndsWith("Resource", StringComparison.Ordinal)))
        {
            var target = resource.GetValue(client)!;
            // Its own methods and those of its base (the five calls of ObjectsResource).
            foreach (var method in resource.PropertyType.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.DeclaringType != typeof(object)))
            {
                methods++;
                await Call(method, target);
            }
        }
        await Swallow(() => FlintClient.PairDeviceAsync(new Uri("http://flint.invalid"), new PairDeviceRequest(), new HttpClient(recorder)));

        string? OperationOf((string Method, string Path, bool) call) =>
            OpenApiTemplates.Of(call.Path, operations.Where(o => o.Method == call.Method).Select(o => o.Template)) is { } t ? $"{call.Method} {t}" : null;
        var reached = recorder.Calls.Select(OperationOf).Where(o => o is not null).ToHashSet();
        var strays = recorder.Calls.Where(c => OperationOf(c) is null).Select(c => $"{c.Method} {c.Path}").ToList();
        var missing = operations.Select(o => $"{o.Method} {o.Template}").Where(o => !reached.Contains(o)).ToList();

        Assert.True(methods >= 120, $"only {methods} client methods");
        Assert.True(missing.Count == 0, $"operations without a client method:\n{string.Join("\n", missing)}");
        Assert.True(strays.Count == 0, $"client calls that are no operation of the document:\n{string.Join("\n", strays)}");
        // Pairing is the one call made without a key (a device has none yet); every other call sends it.
        Assert.Equal(["POST /v1/devices/pair"], recorder.Calls.Where(c => !c.Authorized).Select(c => $"{c.Method} {c.Path}").Distinct());
    }

    private static async Task Call(MethodInfo method, object target)
    {
        var n = 0;
        var args = method.GetParameters().Select(p => Placeholder(p.ParameterType, ++n)).ToArray();
        var result = method.Invoke(target, args);
        if (result is Task task) await Swallow(() => task);
        else if (result?.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)) is { } list)
            await Swallow(() => (Task)typeof(FlintClientCoverageTests).GetMethod(nameof(First), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(list.GetGenericArguments()[0]).Invoke(null, [result])!);
        else throw new InvalidOperationException($"{method.DeclaringType!.Name}.{method.Name} answers neither a Task nor an IAsyncEnumerable");
    }

    private static async Task First<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items) break;
    }

    /// <summary>The placeholder answer (an empty list) does not deserialize into most answers: only the request matters.</summary>
    private static async Task Swallow(Func<Task> call)
    {
        try { await call(); }
        catch (Exception e) when (e is FlintError or System.Text.Json.JsonException or ArgumentException or InvalidOperationException) { }
    }

    private static object? Placeholder(Type type, int n) =>
        type == typeof(string) ? $"id{n}"
        : type == typeof(CancellationToken) ? CancellationToken.None
        : type.IsValueType ? (Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null)
        : type.Namespace?.StartsWith("Flint.Abstractions", StringComparison.Ordinal) == true && type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type)
        : type == typeof(Flint.Client.CreateItemRequest) ? Activator.CreateInstance(type)
        : null;
}
