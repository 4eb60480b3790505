using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Devices;

/// <summary>
/// A silo killed (SIGKILL) while a device watches an order: the stream reconnects and nothing is lost. Two silo
/// processes form one cluster on one database; a paired register watches its open order on one of them (the display)
/// and on the other. The first one dies with kill -9 — the device grain's silo when it can be told, so the grain itself
/// must come back on the survivor — and the order keeps changing through the survivor while the cluster notices. The
/// display reconnects to the survivor with Last-Event-ID and gets the rest of the stream in order, without gaps or
/// duplicates, ending on the order's real final state; so does the survivor's own stream.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DeviceStreamFailoverTests(ApiFixture f, ITestOutputHelper output)
{
    private const string Cluster = "device-failover";
    private const int ChangesAfterKill = 3;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(75);

    [Fact]
    public async Task A_silo_killed_while_a_device_watches_an_order_the_stream_reconnects_and_nothing_is_lost()
    {
        var clock = Stopwatch.StartNew();
        var db = await f.Postgres.CreateDatabaseAsync();
        var silos = new[] { Silo.Start("1", db), Silo.Start("2", db) };
        try
        {
            await Task.WhenAll(silos.Select(s => FlintProcess.WaitReady(s.Http, s.Process)));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: both silos ready");

            // A merchant, a location (10 % tax) and a paired register, through the first silo.
            var admin = new ApiClient(silos[0].Http, FlintTestHost.AdminToken);
            var merchant = await admin.Post("/v1/merchants", """{"name":"Failover register"}""");
            Assert.True(merchant.Status == 201, merchant.ToString());
            var api = new ApiClient(silos[0].Http, merchant.Data["api_keys"]!["test"]!.GetValue<string>());
            var tax = await api.Post("/v1/tax-rates", """{"name":"CA sales tax","percentage":"10","jurisdiction":{"country":"US","region":"CA"}}""");
            Assert.True(tax.Status == 201, tax.ToString());
            var register = await Registers.Pair(silos[0].Http, api, await Registers.NewLocation(api, "Front store"));

            // A is the silo to kill: the one holding the device grain when the dashboard tells (so its reactivation is
            // exercised), else the first. B survives.
            var holder = await DeviceGrainHolder(silos);
            var (a, b) = holder == silos[1] ? (silos[1], silos[0]) : (silos[0], silos[1]);
            output.WriteLine($"device grain on silo {holder?.Name ?? "? (dashboard did not tell)"}; killing silo {a.Name}");
            var deviceB = new ApiClient(b.Http, register.Token);

            await using var display = Watcher.Start(a.Http, register.Token);
            await using var second = Watcher.Start(b.Http, register.Token);
            await Task.WhenAll(display.WaitConnected(), second.WaitConnected());

            var created = await new ApiClient(a.Http, register.Token).Post("/v1/orders", $$"""{"line_items":[{{OrderData.AdHoc("Latte", 450)}}]}""");
            Assert.True(created.Status == 201, created.ToString());
            var orderId = created.Data.Str("order_id");
            var opened = await new ApiClient(a.Http, register.Token).Post("/v1/devices/me/orders", $$"""{"order_id":"{{orderId}}"}""");
            Assert.True(opened.Status == 200, opened.ToString());
            await display.WaitFor("order.opened on the display", e => e.Type == "order.opened", TimeSpan.FromSeconds(15));
            await second.WaitFor("order.opened on the second stream", e => e.Type == "order.opened", TimeSpan.FromSeconds(15));

            var added = await new ApiClient(a.Http, register.Token).Post($"/v1/orders/{orderId}/line-items",
                $$"""{"version":{{created.Data.Long("version")}},{{OrderData.AdHoc("Croissant", 300)[1..^1]}}}""");
            Assert.True(added.Status == 201, added.ToString());
            await display.WaitFor("order.updated (2 lines) on the display", e => Lines(e) == 2, TimeSpan.FromSeconds(15));
            await second.WaitFor("order.updated (2 lines) on the second stream", e => Lines(e) == 2, TimeSpan.FromSeconds(15));
            var lastOnA = display.Last!.Value;
            Assert.Equal(lastOnA, second.Last);

            // kill -9 of A. The display's connection drops with it; like an EventSource, it reconnects (every second,
            // with Last-Event-ID) — to B now, as a load balancer would send it.
            display.Target = b.Http;
            a.Process.Kill(entireProcessTree: true);
            await a.Process.WaitForExitAsync();
            var killed = Stopwatch.StartNew();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: silo {a.Name} killed after event {lastOnA}");

            // More lines through B while the cluster notices and moves what A held: each retried on 5xx, timeouts and
            // keys in use, and landed once (a retry first looks whether the line is there).
            for (var i = 0; i < ChangesAfterKill; i++)
            {
                await AddOnce(deviceB, orderId, $"Refill {i}", 100, killed, Recovery);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: Refill {i} added through silo {b.Name}");
            }

            var final = (await Eventually("the final order", async () =>
                await deviceB.Get($"/v1/orders/{orderId}") is { Status: 200 } r ? r : null, Recovery - killed.Elapsed)).Data;
            const int expectedLines = 2 + ChangesAfterKill;
            Assert.Equal(expectedLines, final.Arr("line_items").Count);   // each change exactly once
            var total = final["net_amounts"]!["total_money"]!.Long("amount");
            Assert.Equal(1155L, total);   // (450 + 300 + 3 × 100) + 10 % tax

            bool IsFinal(StreamEvent e) => e.Type == "order.updated" && e.Object.Str("order_id") == orderId
                && Lines(e) == expectedLines && e.Object["net_amounts"]!["total_money"]!.Long("amount") == total;
            var left = Recovery - killed.Elapsed;
            await Task.WhenAll(
                display.WaitFor("the final state on the display, reconnected to B", IsFinal, left > TimeSpan.FromSeconds(20) ? left : TimeSpan.FromSeconds(20)),
                second.WaitFor("the final state on B's stream", IsFinal, left > TimeSpan.FromSeconds(20) ? left : TimeSpan.FromSeconds(20)));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: both streams at the final state, {killed.Elapsed.TotalSeconds:0.0} s after the kill");
            await Task.Delay(1000);   // anything after the final state would be a duplicate or made up

            foreach (var (name, w) in new[] { ("display", display), ("second", second) })
            {
                var seen = w.Seen();
                output.WriteLine($"{name}: {w.Connections} connection(s); " + string.Join(", ", seen.Select(e => $"{e.Id} {e.Type} ({Lines(e)} lines)")));
                foreach (var failure in w.Failures.Take(10)) output.WriteLine($"  {name} reconnect: {failure}");
                // One unbroken sequence across its connections: consecutive ids, nothing twice, nothing skipped.
                Assert.Equal(Enumerable.Range((int)seen[0].Id, seen.Count).Select(n => (long)n), seen.Select(e => e.Id));
                Assert.Equal("order.opened", seen[0].Type);
                Assert.All(seen, e => Assert.Equal(orderId, e.Object.Str("order_id")));
                Assert.All(seen.Skip(1), e => Assert.Equal("order.updated", e.Type));
                // Its last event is the order's real state, and the only final one.
                Assert.True(IsFinal(seen[^1]), $"{name} ends on {seen[^1].Type} with {Lines(seen[^1])} lines");
                Assert.Single(seen, IsFinal);
                // (The stream's objects come from jsonb, which orders keys its own way: compared as JSON, not as text.)
                Assert.True(JsonNode.DeepEquals(final["line_items"], seen[^1].Object["line_items"]),
                    $"{name}: {seen[^1].Object["line_items"]!.ToJsonString()} is not {final["line_items"]!.ToJsonString()}");
                Assert.True(JsonNode.DeepEquals(final["net_amounts"], seen[^1].Object["net_amounts"]),
                    $"{name}: {seen[^1].Object["net_amounts"]!.ToJsonString()} is not {final["net_amounts"]!.ToJsonString()}");
            }
            var afterKill = display.Seen().Where(e => e.Id > lastOnA).ToList();
            Assert.Equal(lastOnA + 1, afterKill[0].Id);
            Assert.True(display.Connections >= 2, "the display never reconnected");
            // Both read the same log: the same events under the same ids.
            var secondById = second.Seen().ToDictionary(e => e.Id);
            foreach (var e in display.Seen().Where(e => secondById.ContainsKey(e.Id)))
                Assert.True(JsonNode.DeepEquals(secondById[e.Id].Data, e.Data), $"event {e.Id} differs between the streams");
            Assert.Equal(display.Last, second.Last);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: done");
        }
        catch
        {
            foreach (var s in silos)
                foreach (var line in s.Log.TakeLast(40)) output.WriteLine($"silo {s.Name}: {line}");
            throw;
        }
        finally
        {
            foreach (var s in silos) s.Dispose();
        }
    }

    private static int Lines(StreamEvent e) => e.Object["line_items"] is JsonArray lines ? lines.Count : -1;

    /// <summary>Adds the line named <paramref name="name"/> once: at the order's version, with an Idempotency-Key;
    /// retried as a client does while the cluster recovers, and looked for on the order before each new version.</summary>
    private async Task AddOnce(ApiClient device, string orderId, string name, long amount, Stopwatch since, TimeSpan within)
    {
        var attempt = 0;
        string? body = null, key = null;
        ApiResponse? last = null;
        while (since.Elapsed < within)
        {
            try
            {
                if (body is null)
                {
                    var order = await device.Get($"/v1/orders/{orderId}");
                    last = order;
                    if (order.Status != 200)
                    {
                        Assert.True(order.Status >= 500, order.ToString());
                        await Task.Delay(500);
                        continue;
                    }
                    if (order.Data.Arr("line_items").Any(l => l!.Str("name") == name)) return;   // an earlier try landed
                    body = $$"""{"version":{{order.Data.Long("version")}},{{OrderData.AdHoc(name, amount)[1..^1]}}}""";
                    key = $"{orderId}-{name}-{++attempt}";
                }
                last = await device.Post($"/v1/orders/{orderId}/line-items", body, key);
                if (last.Status == 201) return;
                if (last.Status == 409 && last.ErrorCode == "VERSION_MISMATCH")
                {
                    output.WriteLine($"{name}: 409 VERSION_MISMATCH on a retry; looking at the order again");
                    body = null;   // perhaps an attempt whose answer was lost (a 5xx) landed: look, then a new version
                    continue;
                }
                Assert.True(last.Status >= 500 || last.ErrorCode == "IDEMPOTENCY_KEY_IN_USE", last.ToString());
                output.WriteLine($"{name}: {last.Status} {last.ErrorCode}; retrying");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                output.WriteLine($"{name}: {e.GetType().Name}; retrying");
            }
            await Task.Delay(500);
        }
        Assert.Fail($"{name} was not added within {within.TotalSeconds} s of the kill; last answer {last}");
    }

    private static async Task<T> Eventually<T>(string what, Func<Task<T?>> attempt, TimeSpan within) where T : class
    {
        var until = DateTime.UtcNow + (within > TimeSpan.FromSeconds(10) ? within : TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await attempt() is { } found) return found;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // the cluster is recovering
            }
            await Task.Delay(500);
        }
        throw new Xunit.Sdk.XunitException($"No {what} within {within.TotalSeconds:0} s.");
    }

    /// <summary>The silo whose dashboard counters show the (only) device grain's activation; null when unsure.</summary>
    private async Task<Silo?> DeviceGrainHolder(Silo[] silos)
    {
        var until = DateTime.UtcNow.AddSeconds(8);
        var raw = "";
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
                request.Headers.Authorization = new("Bearer", FlintTestHost.AdminToken);
                using var response = await silos[0].Http.SendAsync(request);
                raw = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && JsonNode.Parse(raw)?["simpleGrainStats"] is JsonArray stats)
                {
                    var holders = stats
                        .Where(s => s?["grainType"]?.GetValue<string>().EndsWith("DeviceGrain", StringComparison.Ordinal) == true
                            && s["activationCount"]?.GetValue<int>() > 0)
                        .Select(s => s!["siloAddress"]!.GetValue<string>())
                        .ToList();
                    if (holders.Count == 1)
                        return silos.FirstOrDefault(x => System.Text.RegularExpressions.Regex.IsMatch(holders[0], $@":{x.SiloPort}(\D|$)"));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException)
            {
                raw = e.Message;
            }
            await Task.Delay(500);
        }
        output.WriteLine($"dashboard counters: {(raw.Length > 600 ? raw[..600] : raw)}");
        return null;
    }

    /// <summary>One silo process of the cluster, its output kept (warnings and errors) for a failure's report.</summary>
    private sealed class Silo : IDisposable
    {
        public required string Name { get; init; }
        public required Process Process { get; init; }
        public required HttpClient Http { get; init; }
        public required int SiloPort { get; init; }
        public ConcurrentQueue<string> Log { get; } = new();

        public static Silo Start(string name, string db)
        {
            var siloPort = FlintProcess.FreePort();
            var settings = FlintProcess.Settings(db, Cluster, siloPort);
            var process = Process.Start(FlintProcess.StartInfo(settings))!;
            var silo = new Silo
            {
                Name = name,
                Process = process,
                SiloPort = siloPort,
                Http = new HttpClient { BaseAddress = new Uri(settings["FLINT_URLS"]!), Timeout = TimeSpan.FromSeconds(15) },
            };
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) silo.Keep(line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) silo.Keep(line); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return silo;
        }

        private void Keep(string line)
        {
            Log.Enqueue(line);
            while (Log.Count > 400) Log.TryDequeue(out _);
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited) Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // never started
            }
            Process.Dispose();
            Http.Dispose();
        }
    }

    /// <summary>A device stream client as an EventSource is: it reads events, and when the connection ends it connects
    /// again (to <see cref="Target"/>) a second later with Last-Event-ID, keeping every event it saw in order.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private readonly string _token;
        private readonly List<StreamEvent> _seen = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _pump = Task.CompletedTask;
        private volatile HttpClient _target;
        private int _connections;

        private Watcher(HttpClient target, string token)
        {
            _target = target;
            _token = token;
        }

        public HttpClient Target { get => _target; set => _target = value; }
        public int Connections => Volatile.Read(ref _connections);
        public ConcurrentQueue<string> Failures { get; } = new();
        public long? Last { get { lock (_seen) return _seen.Count == 0 ? null : _seen[^1].Id; } }
        public List<StreamEvent> Seen() { lock (_seen) return [.. _seen]; }

        public static Watcher Start(HttpClient target, string token)
        {
            var w = new Watcher(target, token);
            w._pump = Task.Run(w.Pump);
            return w;
        }

        public async Task WaitConnected()
        {
            var until = DateTime.UtcNow.AddSeconds(15);
            while (Connections == 0 && DateTime.UtcNow < until) await Task.Delay(50);
            Assert.True(Connections > 0, "the stream did not connect: " + string.Join("; ", Failures));
        }

        public async Task WaitFor(string what, Func<StreamEvent, bool> match, TimeSpan within)
        {
            var until = DateTime.UtcNow + within;
            while (DateTime.UtcNow < until)
            {
                if (Seen().Any(match)) return;
                await Task.Delay(50);
            }
            throw new Xunit.Sdk.XunitException($"No {what} within {within.TotalSeconds:0} s. Seen: "
                + string.Join(", ", Seen().Select(e => $"{e.Id} {e.Type} ({Lines(e)} lines)"))
                + $"; {Connections} connection(s); failures: " + string.Join("; ", Failures.TakeLast(10)));
        }

        private async Task Pump()
        {
            var ct = _stop.Token;
            while (!ct.IsCancellationRequested)
            {
                DeviceStreamReader reader;
                try
                {
                    reader = await DeviceStreamReader.Open(Target, _token, Last).WaitAsync(TimeSpan.FromSeconds(30), ct);
                    Interlocked.Increment(ref _connections);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.f} {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                    await Delay(ct);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                await using (reader)
                {
                    while (!ct.IsCancellationRequested)
                    {
                        var ended = reader.Ended;   // read before draining: whatever came before the end is drained
                        var events = reader.Drain();
                        if (events.Count > 0)
                            lock (_seen) _seen.AddRange(events);
                        if (ended) break;
                        await Delay(ct, 50);
                    }
                }
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.f} stream ended after event {Last}");
                await Delay(ct);   // the server's retry: 1000
            }
        }

        private static async Task Delay(CancellationToken ct, int ms = 1000)
        {
            try { await Task.Delay(ms, ct); } catch (OperationCanceledException) { }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try { await _pump.WaitAsync(TimeSpan.FromSeconds(10)); } catch { /* stopped */ }
            _stop.Dispose();
        }
    }
}
