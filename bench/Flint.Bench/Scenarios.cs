using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Flint.Bench;

/// <summary>Everything one target run needs: its API client, the processes behind it (when the bench started them),
/// its database (for the checks) and, for Flint, the merchant the run created.</summary>
public sealed class TargetContext
{
    public required TargetKind Kind { get; init; }
    public required ApiClient Api { get; init; }
    public required Stats Stats { get; init; }
    public required IReadOnlyList<ServerProcess> Servers { get; init; }
    public required string? Database { get; init; }
    public required string? MerchantId { get; init; }
    public required int? PostmasterPid { get; init; }
    public required HttpClient Http { get; init; }
    /// <summary>Flint's admin token, to read its /ops/metrics (null for the baseline).</summary>
    public string? AdminToken { get; init; }
    public string Name => Kind == TargetKind.Flint ? "flint" : "baseline";
    /// <summary>checkout/read-mix: the catalog made by the first level's setup, reused by the next levels.</summary>
    public Catalog? Catalog { get; set; }
}

public sealed class ChaosReport
{
    public string? KilledSilo { get; set; }
    public int KilledPid { get; set; }
    public double KilledAtSeconds { get; set; }
    public double RestartedAtSeconds { get; set; }
    public double ReadyAtSeconds { get; set; }
    public int NewPid { get; set; }
    public string? Error { get; set; }
}

public sealed class TargetResult
{
    public required string Target { get; init; }
    public required IReadOnlyList<string> Urls { get; init; }
    /// <summary>Clients (requests) in flight during this measurement.</summary>
    public int Concurrency { get; init; }
    public double ElapsedSeconds { get; set; }
    public long Checkouts { get; set; }
    public double CheckoutsPerSecond { get; set; }
    /// <summary>flash-sale: seconds from the start to the last successful payment. renewals: seconds from the billing
    /// instant T to the last cycle's invoice paid (its paid_at).</summary>
    public double? SelloutSeconds { get; set; }
    /// <summary>flash-sale: buyers answered (sold or sold out) per second over the whole run.</summary>
    public double? BuyersPerSecond { get; set; }
    public long? SoldOut { get; set; }
    public long Reads { get; set; }
    public double ReadsPerSecond { get; set; }
    public long Requests { get; set; }
    public double RequestsPerSecond { get; set; }
    public Percentiles? CheckoutLatencyMs { get; set; }
    public Percentiles? ReadLatencyMs { get; set; }
    public Percentiles? RequestLatencyMs { get; set; }
    /// <summary>Latency of each successful step: create (order), coupon (apply), pay.</summary>
    public Dictionary<string, Percentiles>? StepLatencyMs { get; set; }
    public Dictionary<string, long> Errors { get; set; } = [];
    public Dictionary<string, long> Retries { get; set; } = [];
    /// <summary>Database transactions, rows written and WAL per completed checkout, over the whole measurement
    /// (reads and refused buyers included: in flash-sale the 409s are part of the cost of each sale).</summary>
    public DbCost? DatabasePerCheckout { get; set; }
    public double? CpuSecondsApp { get; set; }
    public double? CpuSecondsPostgres { get; set; }
    public bool StoppedByTimeLimit { get; set; }
    public Verification? Verification { get; set; }
    /// <summary>renewals: the setup and the billing of the K first cycles, beyond the shared figures.</summary>
    public RenewalFigures? Renewals { get; set; }
    public ChaosReport? Chaos { get; set; }
    /// <summary>Flint's own figures over the measurement, scraped from /ops/metrics (group commits, pay steps).</summary>
    public ServerMetrics? ServerMetrics { get; set; }
    /// <summary>With --otlp-sink: OTLP exports the sink received from the silos (whole run, warm-up included).</summary>
    public long? OtlpExports { get; set; }
    public double? OtlpExportKb { get; set; }
}

/// <summary>The buyer scenarios (flash-sale, checkout, read-mix): each drives one target with <c>--concurrency</c> virtual
/// buyers and stops by itself. renewals is in <see cref="Renewals"/>.</summary>
public static class Scenarios
{
    private static readonly object PayBody = new { payment_source_tokens = new[] { "tok_visa" } };

    public static async Task<TargetResult> Run(BenchOptions o, TargetContext t, string runId, LocalStack? stack, int concurrency)
    {
        if (o.Command == "renewals") return await Renewals.Run(o, t, runId, stack, concurrency);
        void Log(string line) => Console.Error.WriteLine($"[{t.Name} {o.Command} ×{concurrency}] {line}");
        var result = new TargetResult { Target = t.Name, Urls = t.Api.Urls, Concurrency = concurrency };
        // Each level's orders, idempotency keys and flash-sale variant are its own.
        runId = $"{runId}-c{concurrency}";
        var firstLevel = t.Catalog is null;

        // Setup (not measured).
        Variant? flashVariant = null;
        Catalog? catalog = null;
        if (o.Command == "flash-sale")
        {
            flashVariant = await CatalogSetup.CreateVariant(t.Api, "Flash sale item " + runId, 1999, o.Stock, runId);
            Log($"setup: variant {flashVariant.VariantId} with stock {o.Stock}");
        }
        else if (t.Catalog is { } made)
        {
            catalog = made;
        }
        else
        {
            catalog = t.Catalog = await CatalogSetup.CreateStore(t.Api, o.Variants, o.Coupons, runId, Log);
            Log($"setup: {catalog.Variants.Count} variants, {catalog.CouponCodes.Count} coupon codes, tax 8.875 % (US)");
        }
        var knownOrders = new ConcurrentQueue<string>();
        // The first level warms the JIT, pools and activations; the next ones only their own connections.
        var warmup = firstLevel || o.Command == "flash-sale" ? o.Warmup : Math.Min(o.Warmup, 300);
        if (warmup > 0)
        {
            // Not measured: JIT, connection pools, grain activations of the catalog. The flash sale warms up on a
            // variant of its own, so the sale's variant and its checks see only the measured buyers.
            var warmVariant = o.Command == "flash-sale" ? await CatalogSetup.CreateVariant(t.Api, "Warm-up item " + runId, 999, warmup, runId) : null;
            var warmStats = new Stats();
            var warmApi = new ApiClient(t.Http, t.Api.Urls, t.Api.ApiKey, o.Retry, warmStats);
            var clock0 = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, warmup), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                if (warmVariant is not null)
                {
                    await FlashBuyer(warmApi, o, warmVariant, $"{runId}-warm-{i}", warmStats, clock0);
                }
                else
                {
                    var (ok, id, _) = await Checkout(warmApi, o, catalog!, new Random(i), $"{runId}-warm-{i}", warmStats, clock0);
                    if (ok) knownOrders.Enqueue(id!);
                }
            });
            Log($"warm-up: {warmStats.Checkouts} checkouts in {clock0.Elapsed.TotalSeconds:0.0} s (not measured){(warmStats.Errors > 0 ? $"; errors: {string.Join(", ", warmStats.Snapshot().Errors.Select(e => $"{e.Key} ×{e.Value}"))}" : "")}");
        }
        // Requests made during setup are not part of the figures.
        var stats = new Stats();
        var api = new ApiClient(t.Http, t.Api.Urls, t.Api.ApiKey, o.Retry, stats);

        var dbBefore = await DbCounters.Read(t.Database);
        var metricsBefore = await ServerMetricsScrape.Snapshot(t.Http, t.Api.Urls, t.AdminToken);
        var cpu = new CpuMeter(t.Servers.Select(s => s.Pid), t.PostmasterPid);
        var clock = Stopwatch.StartNew();
        var hardStop = TimeSpan.FromSeconds(o.MaxSeconds);
        var timeBound = o.Command == "flash-sale" ? hardStop : TimeSpan.FromSeconds(Math.Min(o.Seconds, o.MaxSeconds));
        using var stop = new CancellationTokenSource();
        long started = 0, finished = 0, soldOut = 0;
        var acknowledged = new ConcurrentBag<string>();

        async Task Worker(int w)
        {
            var random = new Random(unchecked(w * 7919 + runId.GetHashCode()));
            while (!stop.IsCancellationRequested && clock.Elapsed < timeBound)
            {
                var n = Interlocked.Increment(ref started);
                if (o.Command == "flash-sale")
                {
                    if (n > o.Buyers) break;
                    var (ok, id, outcome) = await FlashBuyer(api, o, flashVariant!, $"{runId}-b{n}", stats, clock);
                    if (ok) acknowledged.Add(id!);
                    else if (outcome == "409 INSUFFICIENT_INVENTORY") Interlocked.Increment(ref soldOut);
                }
                else if (o.Command == "checkout" || random.NextDouble() < 0.10)
                {
                    var (ok, id, _) = await Checkout(api, o, catalog!, random, $"{runId}-b{n}", stats, clock);
                    if (ok && o.Command == "read-mix") knownOrders.Enqueue(id!);
                }
                else
                {
                    await Read(api, random, knownOrders, stats);
                }
                Interlocked.Increment(ref finished);
            }
        }

        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(2000, stop.Token); } catch (OperationCanceledException) { break; }
                var s = clock.Elapsed.TotalSeconds;
                var scope = o.Command == "flash-sale" ? $"buyers {Interlocked.Read(ref finished)}/{o.Buyers}" : $"ops {Interlocked.Read(ref finished)}";
                Log($"{s,5:0}s  {scope}  checkouts {stats.Checkouts} ({stats.Checkouts / s:0.0}/s)  reads {stats.Reads}  errors {stats.Errors}  requests {stats.Requests}");
            }
        });

        Task chaos = Task.CompletedTask;
        if (o.Chaos && stack is not null)
        {
            result.Chaos = new ChaosReport();
            chaos = Chaos(t, result.Chaos, cpu, clock, () => stats.Checkouts, Math.Min(o.Stock, o.Buyers), "units sold", stop.Token, Log);
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
        var elapsed = clock.Elapsed.TotalSeconds;
        result.StoppedByTimeLimit = o.Command == "flash-sale" && Interlocked.Read(ref started) <= o.Buyers;
        await stop.CancelAsync();
        await progress;
        await chaos;
        var (app, pg) = cpu.Stop();
        result.ServerMetrics = ServerMetricsScrape.Between(metricsBefore, await ServerMetricsScrape.Snapshot(t.Http, t.Api.Urls, t.AdminToken));
        if (stack?.Sink is { } sink)
        {
            result.OtlpExports = sink.Requests;
            result.OtlpExportKb = Math.Round(sink.Bytes / 1024.0, 1);
        }
        // pg_stat counters are published by backends at transaction end or within a second: let them land.
        await Task.Delay(1500);
        if (dbBefore is not null && await DbCounters.Read(t.Database) is { } dbAfter && stats.Checkouts > 0)
        {
            double per(long v) => Math.Round((double)v / stats.Checkouts, 1);
            result.DatabasePerCheckout = new DbCost(per(dbAfter.Commits - dbBefore.Commits), per(dbAfter.RowsWritten - dbBefore.RowsWritten),
                Math.Round((dbAfter.WalBytes - dbBefore.WalBytes) / 1024.0 / stats.Checkouts, 1), dbAfter.Commits - dbBefore.Commits,
                dbAfter.RowsByTable.Select(kv => (kv.Key, Rows: kv.Value - dbBefore.RowsByTable.GetValueOrDefault(kv.Key)))
                    .Where(x => x.Rows > 0).OrderByDescending(x => x.Rows).ToDictionary(x => x.Key, x => per(x.Rows)));
        }

        var snap = stats.Snapshot();
        result.ElapsedSeconds = Math.Round(elapsed, 2);
        result.Checkouts = stats.Checkouts;
        result.Reads = stats.Reads;
        result.Requests = stats.Requests;
        result.CheckoutLatencyMs = snap.Checkout;
        result.ReadLatencyMs = o.Command == "read-mix" ? snap.Read : null;
        result.RequestLatencyMs = snap.Request;
        result.StepLatencyMs = stats.Steps();
        result.Errors = snap.Errors;
        result.Retries = snap.Retries;
        result.CpuSecondsApp = t.Servers.Count > 0 ? app : null;
        result.CpuSecondsPostgres = pg;
        result.RequestsPerSecond = Math.Round(stats.Requests / elapsed, 1);
        result.ReadsPerSecond = Math.Round(stats.Reads / elapsed, 1);
        if (o.Command == "flash-sale")
        {
            // The sale's rate: units sold per second until the last one went (buyers after that only hear "sold out").
            result.SelloutSeconds = Math.Round(stats.LastCheckoutAt, 2);
            result.SoldOut = soldOut;
            result.CheckoutsPerSecond = stats.LastCheckoutAt > 0 ? Math.Round(stats.Checkouts / stats.LastCheckoutAt, 1) : 0;
            result.BuyersPerSecond = Math.Round(Interlocked.Read(ref finished) / elapsed, 1);
            Log($"done in {elapsed:0.0} s; verifying…");
            result.Verification = await Verifier.FlashSale(t, api, flashVariant!, o.Stock, o.Buyers, acknowledged.ToList(), o.Chaos, Log);
        }
        else
        {
            result.CheckoutsPerSecond = Math.Round(stats.Checkouts / elapsed, 1);
        }
        return result;
    }

    /// <summary>One flash-sale buyer: an order for one unit, paid with tok_visa.</summary>
    private static async Task<(bool Ok, string? OrderId, string Outcome)> FlashBuyer(ApiClient api, BenchOptions o, Variant v, string key, Stats stats, Stopwatch clock)
    {
        var t0 = Stopwatch.GetTimestamp();
        var create = await api.Post("/v1/orders", new
        {
            currency = CatalogSetup.Currency,
            line_items = new[] { new { variant_id = v.VariantId, quantity = 1 } },
        }, o.IdempotencyKeys ? key + "-create" : null);
        if (!create.Ok) return (false, null, create.Outcome);
        var id = create.Data["order_id"]!.GetValue<string>();
        var t1 = Stopwatch.GetTimestamp();
        stats.Step("create", Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
        var pay = await api.Post($"/v1/orders/{id}/pay", PayBody, o.IdempotencyKeys ? key + "-pay" : null);
        if (!pay.Ok) return (false, id, pay.Outcome);
        stats.Step("pay", Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
        stats.Checkout(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, clock.Elapsed.TotalSeconds);
        return (true, id, pay.Outcome);
    }

    /// <summary>One checkout: an order of 3 distinct random variants (taxed location), a coupon, paid with tok_visa.</summary>
    private static async Task<(bool Ok, string? OrderId, string Outcome)> Checkout(
        ApiClient api, BenchOptions o, Catalog catalog, Random random, string key, Stats? stats, Stopwatch? clock)
    {
        var t0 = Stopwatch.GetTimestamp();
        var picks = new HashSet<int>();
        while (picks.Count < Math.Min(3, catalog.Variants.Count)) picks.Add(random.Next(catalog.Variants.Count));
        var create = await api.Post("/v1/orders", new
        {
            currency = CatalogSetup.Currency,
            line_items = picks.Select(i => new { variant_id = catalog.Variants[i].VariantId, quantity = 1 + random.Next(2) }).ToArray(),
            tax_location = new { country = "US" },
        }, o.IdempotencyKeys ? key + "-create" : null);
        if (!create.Ok) return (false, null, create.Outcome);
        var id = create.Data["order_id"]!.GetValue<string>();
        var t1 = Stopwatch.GetTimestamp();
        stats?.Step("create", Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
        var code = catalog.CouponCodes[random.Next(catalog.CouponCodes.Count)];
        var coupon = await api.Post($"/v1/orders/{id}/apply-coupon", new { coupon_code = code }, o.IdempotencyKeys ? key + "-coupon" : null);
        if (!coupon.Ok) return (false, id, coupon.Outcome);
        var t2 = Stopwatch.GetTimestamp();
        stats?.Step("coupon", Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        var pay = await api.Post($"/v1/orders/{id}/pay", PayBody, o.IdempotencyKeys ? key + "-pay" : null);
        if (!pay.Ok) return (false, id, pay.Outcome);
        stats?.Step("pay", Stopwatch.GetElapsedTime(t2).TotalMilliseconds);
        stats?.Checkout(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, clock?.Elapsed.TotalSeconds ?? 0);
        return (true, id, pay.Outcome);
    }

    /// <summary>Half the reads get one order by id (the order grain / row), half list the first page of products.</summary>
    private static async Task Read(ApiClient api, Random random, ConcurrentQueue<string> knownOrders, Stats stats)
    {
        var t0 = Stopwatch.GetTimestamp();
        ApiResponse resp;
        if (random.Next(2) == 0 && !knownOrders.IsEmpty)
        {
            var orders = knownOrders.ToArray();
            resp = await api.Get($"/v1/orders/{orders[random.Next(orders.Length)]}");
        }
        else
        {
            resp = await api.Get("/v1/products?page_size=20");
        }
        if (resp.Ok) stats.Read(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }

    /// <summary>kill -9 one silo once while the work is under way (after 20 % to 70 % of <paramref name="total"/>: the
    /// sale's units sold, the renewals' cycles billed), then start it again after 3 s.</summary>
    internal static async Task Chaos(TargetContext t, ChaosReport report, CpuMeter cpu, Stopwatch clock,
        Func<long> done, long total, string what, CancellationToken stop, Action<string> log)
    {
        var random = new Random();
        var at = Math.Max(1, (long)(total * (0.2 + random.NextDouble() * 0.5)));
        var victim = t.Servers[random.Next(t.Servers.Count)];
        try
        {
            while (done() < at && !stop.IsCancellationRequested) await Task.Delay(50, CancellationToken.None);
            if (stop.IsCancellationRequested) return;
            report.KilledSilo = victim.Name;
            report.KilledPid = victim.Pid;
            cpu.Capture(victim.Pid);
            victim.KillHard();
            report.KilledAtSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            log($"chaos: kill -9 {victim.Name} (pid {report.KilledPid}) after {done()} of {total} {what}");
            await Task.Delay(3000, CancellationToken.None);
            victim.Start();
            cpu.Add(victim.Pid);
            report.NewPid = victim.Pid;
            report.RestartedAtSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            log($"chaos: started {victim.Name} again (pid {victim.Pid})");
            await victim.WaitReady(t.Http, TimeSpan.FromMinutes(3));
            report.ReadyAtSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            log($"chaos: {victim.Name} ready again");
        }
        catch (Exception e) when (e is BenchException or InvalidOperationException)
        {
            report.Error = e.Message;
            log("chaos: " + e.Message);
        }
    }

    public static JsonNode? Path(JsonNode? node, params string[] names)
    {
        foreach (var n in names) node = node?[n];
        return node;
    }
}
