using System.Net;

namespace Flint.Bench;

/// <summary>
/// A loopback OTLP/HTTP receiver that accepts every export and keeps nothing but counts (<c>--otlp-sink</c>): so a
/// measurement of Flint with tracing on pays for the whole export path (batching, protobuf, HTTP) as it would with a
/// collector, without one. Answers 200 with an empty body, which is an empty (successful) OTLP export response.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _requests, _bytes;

    public string Endpoint { get; }
    public long Requests => Interlocked.Read(ref _requests);
    public long Bytes => Interlocked.Read(ref _bytes);

    public OtlpSink(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    /// <summary>What the silos need to export here.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    private async Task Serve()
    {
        var buffer = new byte[64 * 1024];
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                int read;
                while ((read = await ctx.Request.InputStream.ReadAsync(buffer)) > 0) Interlocked.Add(ref _bytes, read);
                Interlocked.Increment(ref _requests);
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/x-protobuf";
                ctx.Response.ContentLength64 = 0;
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // A silo that died mid-export; nothing to keep.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
