using System.Net;
using System.Net.Sockets;
using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Abstractions.Webhooks;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Webhooks;
using Flint.Persistence.Webhooks;

namespace Flint.Api.Webhooks;

/// <summary>
/// Sends the queued webhook deliveries (<see cref="IWebhookDeliveries"/>: the database queues one per endpoint when an
/// event is written). Every silo runs one: it claims due deliveries under a lease, POSTs each event signed with the
/// endpoint's secrets (<see cref="WebhookSignature"/>), and records the outcome: a 2xx within 10 s is delivered;
/// anything else is tried again on <see cref="WebhookRetry"/>'s curve until its window ends, when the delivery fails
/// and the endpoint is disabled (event <c>webhook_endpoint.disabled</c>). It runs beside the API and owns its own
/// connections, so a slow or dead receiver never slows a checkout. Redirects are not followed; in live mode the
/// receiver's addresses are checked when connecting, not only when the URL was saved (DNS can change).
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookDeliveries deliveries, IGrainFactory grains, FlintSettings settings, TimeProvider clock, ILogger<WebhookDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const int Batch = 32;

    private readonly HttpClient _test = Client(live: false);
    private readonly HttpClient _live = Client(live: true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.WebhookPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A full batch means more may be due: claim again at once.
                while (await SendDue(stoppingToken) == Batch && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Sending webhooks failed; trying again in {Interval}.", settings.WebhookPollInterval);
            }
        }
    }

    private async Task<int> SendDue(CancellationToken ct)
    {
        // A silo that dies holding a claim gives it back when the lease ends (FlintSettings.WebhookLease).
        var due = await deliveries.Claim(Batch, settings.WebhookLease, ct);
        await Task.WhenAll(due.Select(d => Send(d, ct)));
        return due.Count;
    }

    private async Task Send(ClaimedDelivery d, CancellationToken ct)
    {
        int? status = null;
        string error;
        try
        {
            // An endpoint of the merchant's own, or an installed app's webhook (its endpoint id is the installation's).
            var signing = ForApp(d)
                ? await grains.GetGrain<IInstallationGrain>(d.Tenant.GrainKey(d.EndpointId)).Signing(d.EventType)
                : await grains.GetGrain<IWebhookEndpointGrain>(d.Tenant.GrainKey(d.EndpointId)).Signing();
            if (!signing.Enabled)
            {
                // Disabled (or deleted) since the event was queued: nothing more is sent to it.
                await deliveries.Failed(d.Id, null, "endpoint_disabled", null, ct);
                return;
            }
            var body = Body(d);
            var now = clock.GetUtcNow();
            using var request = new HttpRequestMessage(HttpMethod.Post, signing.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(signing.Secrets, now.ToUnixTimeSeconds(), body));
            request.Headers.Add(WebhookSignature.EventIdHeader, d.EventId);
            request.Headers.UserAgent.ParseAdd("Flint-Webhooks/1.0");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await (d.Tenant.Environment == Tenant.Live ? _live : _test).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await deliveries.Delivered(d.Id, status.Value, ct);
                return;
            }
            error = $"HTTP {status}";
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? "timeout (10 s)" : e.GetBaseException().Message;
        }
        var now2 = clock.GetUtcNow();
        var next = WebhookRetry.NextAttemptAt(d.FirstAttemptAt ?? now2, d.Attempts + 1, now2, testMode: d.Tenant.Environment == Tenant.Test);
        await deliveries.Failed(d.Id, status, error, next, ct);
        if (next is null && !ForApp(d))
        {
            log.LogWarning("Webhook endpoint {Endpoint}: delivery {Delivery} failed for good ({Error}); the endpoint is disabled.", d.EndpointId, d.Id, error);
            await grains.GetGrain<IWebhookEndpointGrain>(d.Tenant.GrainKey(d.EndpointId))
                .DisableForFailures($"Deliveries failed for {WebhookRetry.Window(d.Tenant.Environment == Tenant.Test)}; last: {error}");
        }
    }

    private static bool ForApp(ClaimedDelivery d) => d.EndpointId.StartsWith(IdPrefix.Installation + "_", StringComparison.Ordinal);

    /// <summary>The event as <c>GET /v1/events</c> shows it, and whether it is live; an app (which hears many merchants)
    /// is also told whose it is.</summary>
    private static string Body(ClaimedDelivery d) =>
        $$"""{"id":{{Json(d.EventId)}},"type":{{Json(d.EventType)}},"created_at":{{Json(d.EventCreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))}},"livemode":{{(d.Tenant.Environment == Tenant.Live ? "true" : "false")}},{{(ForApp(d) ? $"\"merchant_id\":{Json(d.Tenant.MerchantId)},\"environment\":{Json(d.Tenant.Environment)}," : "")}}"data":{{d.EventData}}}""";

    private static string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static HttpClient Client(bool live)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (live)
        {
            // Every address the host resolves to must be public when a live delivery connects.
            handler.ConnectCallback = async (context, ct) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                if (addresses.Length == 0 || addresses.Any(a => !WebhookUrl.IsPublic(a)))
                    throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to an address that is not public.");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public override void Dispose()
    {
        _test.Dispose();
        _live.Dispose();
        base.Dispose();
    }
}
