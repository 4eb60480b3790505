using System.Globalization;
using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Api.Infrastructure;
using Flint.Persistence.Devices;

namespace Flint.Api.Devices;

/// <summary>
/// <c>GET /v1/devices/me/events</c>: the device's stream as server-sent events (it opens with <c>id:</c> of where it
/// starts; then per event <c>id:</c> the event's number,
/// <c>event:</c> its type, <c>data:</c> the event). It sends what the device's log holds after the client's
/// <c>Last-Event-ID</c> (or after the newest event, for a first connection), then waits on the device grain for the
/// next, with a comment line every 15 seconds so proxies keep the connection. Events are read from the database,
/// where the device wrote them before announcing them, so a reconnect on any silo — also after the silo that held
/// the device died — gets everything it missed, in order, once.
/// </summary>
public static class DeviceEventStream
{
    private const int Batch = 100;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task<IResult> Serve(HttpContext ctx, IGrainFactory grains, IDeviceStreamLog log)
    {
        var device = Authentication.DeviceOf(ctx) ?? throw DeviceEndpoints.DeviceOnly();
        var tenant = Authentication.TenantOf(ctx);
        var grain = grains.GetGrain<IDeviceGrain>(tenant.GrainKey(device.DeviceId));
        var after = LastEventId(ctx) ?? await grain.Listen(-1, TimeSpan.Zero);
        var ct = ctx.RequestAborted;
        var response = ctx.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        // The opening block names where the stream starts (an id without data dispatches nothing, but it is the
        // Last-Event-ID of a reconnect made before the first event, so nothing in between is missed).
        await response.WriteAsync($"retry: 1000\nid: {after.ToString(CultureInfo.InvariantCulture)}\n: flint device {device.DeviceId}, after event {after}\n\n", ct);
        await response.Body.FlushAsync(ct);
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var events = await log.After(tenant, device.DeviceId, after, Batch, ct);
                    foreach (var e in events)
                    {
                        await response.WriteAsync($"id: {e.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: {e.Type}\ndata: {e.Json}\n\n", ct);
                        after = e.Seq;
                    }
                    if (events.Count > 0) await response.Body.FlushAsync(ct);
                    if (events.Count == Batch) continue;
                    if (await grain.Listen(after, KeepAlive) <= after)
                    {
                        await response.WriteAsync(": keep-alive\n\n", ct);
                        await response.Body.FlushAsync(ct);
                    }
                    failures = 0;
                }
                catch (FlintException e) when (e.Code == "DEVICE_NOT_PAIRED")
                {
                    await response.WriteAsync("event: device.unpaired\ndata: {}\n\n", ct);
                    break;   // unpaired meanwhile: the stream ends
                }
                catch (Exception e) when (e is not OperationCanceledException && ++failures <= 15)
                {
                    // The device's silo went away (it comes back on another once the cluster has declared it dead, which
                    // takes seconds): look again shortly, from the same event, for about 13 s before giving up (the client
                    // then reconnects with Last-Event-ID and loses nothing either).
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * failures, 1000)), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        return Results.Empty;
    }

    /// <summary>The last event the client has: the Last-Event-ID header (what EventSource sends on reconnect) or the
    /// last_event_id query parameter (for a first connection that resumes); null for neither.</summary>
    private static long? LastEventId(HttpContext ctx)
    {
        var raw = ctx.Request.Headers["Last-Event-ID"].ToString();
        var param = "Last-Event-ID";
        if (raw.Length == 0)
        {
            raw = ctx.Request.Query["last_event_id"].ToString();
            param = "last_event_id";
        }
        if (raw.Length == 0) return null;
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ApiException.Invalid("INVALID_LAST_EVENT_ID", "Last-Event-ID is the id of an event of this stream (a whole number).", param);
    }
}
