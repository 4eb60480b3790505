using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Flint.Api.Tests.Webhooks;

/// <summary>A real HTTP receiver on loopback: keeps every request it gets (headers and raw body) and answers each with
/// the next queued status, or 200.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<Received> _received = [];
    private readonly Queue<int> _answers = new();

    public sealed record Received(string Signature, string EventId, string Body, DateTimeOffset At);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<Received> All
    {
        get { lock (_gate) return [.. _received]; }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.Handle);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hooks";
        return receiver;
    }

    /// <summary>The next requests get these statuses (then 200 again).</summary>
    public void AnswerNext(params int[] statuses)
    {
        lock (_gate) foreach (var s in statuses) _answers.Enqueue(s);
    }

    /// <summary>The next request is answered only after this long (a receiver that hangs).</summary>
    public void StallNext(TimeSpan delay)
    {
        lock (_gate) _stalls.Enqueue(delay);
    }

    private readonly Queue<TimeSpan> _stalls = new();

    /// <summary>Waits (up to <paramref name="within"/>) until <paramref name="done"/> holds for what was received.</summary>
    public async Task<IReadOnlyList<Received>> WaitFor(Func<IReadOnlyList<Received>, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var all = All;
            if (done(all)) return all;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The receiver got {all.Count} requests: {string.Join(", ", all.Select(r => r.EventId))}");
            await Task.Delay(100);
        }
    }

    private async Task Handle(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        int status;
        TimeSpan stall;
        lock (_gate)
        {
            _received.Add(new Received(ctx.Request.Headers["Flint-Signature"].ToString(), ctx.Request.Headers["Flint-Event-Id"].ToString(), body, DateTimeOffset.UtcNow));
            status = _answers.Count > 0 ? _answers.Dequeue() : 200;
            stall = _stalls.Count > 0 ? _stalls.Dequeue() : TimeSpan.Zero;
        }
        if (stall > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(stall, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        ctx.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
