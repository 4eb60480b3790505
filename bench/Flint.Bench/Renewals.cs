using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Client;
using Npgsql;

namespace Flint.Bench;

/// <summary>renewals: what the setup took and how the K first cycles were billed, beyond the shared figures
/// (<see cref="TargetResult.Checkouts"/> = cycles billed, <see cref="TargetResult.CheckoutsPerSecond"/> = cycles/s,
/// <see cref="TargetResult.ElapsedSeconds"/> = seconds from T until all were seen paid, <see cref="TargetResult.CheckoutLatencyMs"/>
/// = each cycle's delay after T, from its invoice's paid_at).</summary>
public sealed class RenewalFigures
{
    public int Subscriptions { get; set; }
    public string? PlanId { get; set; }
    /// <summary>T: the billing_anchor of every subscription, when all first cycles fall due.</summary>
    public DateTimeOffset BillingAnchor { get; set; }
    /// <summary>K customers created, each with a saved card (two requests each).</summary>
    public double CustomersSeconds { get; set; }
    public double SubscriptionsSeconds { get; set; }
    public double SubscriptionsPerSecond { get; set; }
    /// <summary>How far ahead T was set when it was chosen: the customers' time × 1.5 + 15 s.</summary>
    public double AnchorLeadSeconds { get; set; }
    /// <summary>T minus the moment the last subscription was created: the setup's spare time.</summary>
    public double AnchorMarginSeconds { get; set; }
    public long SetupRequests { get; set; }
    /// <summary>Seconds after T when the database first showed a paid cycle, and all K (polled every 250 ms).</summary>
    public double? FirstBilledSeconds { get; set; }
    public double? AllBilledSeconds { get; set; }
    /// <summary>Why the bench stopped waiting before --max-seconds: every cycle not paid belongs to a subscription that
    /// will not bill again before the deadline (past_due with its next attempt later, unpaid, canceled).</summary>
    public string? Stalled { get; set; }
    /// <summary>[seconds after T, cycles paid], about once a second: the shape of the billing.</summary>
    public List<double[]> Timeline { get; set; } = [];
}

/// <summary>
/// K subscriptions to one monthly plan, all with the same future billing_anchor T, so that every first cycle falls
/// due at the same instant; then, from T, the database is polled until all K cycles' invoices are paid (their orders paid, and the outcome written by the subscription). Flint only.
/// Nothing is billed by a request of the bench: the subscriptions' reminders do it all.
/// </summary>
public static class Renewals
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    public static async Task<TargetResult> Run(BenchOptions o, TargetContext t, string runId, LocalStack? stack, int concurrency)
    {
        void Log(string line) => Console.Error.WriteLine($"[{t.Name} renewals ×{concurrency}] {line}");
        if (t.Kind != TargetKind.Flint) throw new BenchException("renewals measures Flint only");
        if (t.Database is null || t.MerchantId is null)
            throw new BenchException("renewals counts the billed cycles in the database: with --flint-url give --flint-db as well");
        var k = o.Subscriptions;
        var result = new TargetResult { Target = t.Name, Urls = t.Api.Urls, Concurrency = concurrency };
        var figures = result.Renewals = new RenewalFigures { Subscriptions = k };
        var setupStats = new Stats();
        using var flint = FlintClients.Over(t.Api.Urls, t.Api.ApiKey!, setupStats);
        RequestOptions Key(string what) => new(o.IdempotencyKeys ? $"{runId}-{what}" : null);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency };

        // ---- setup (not measured) ----
        var plan = await FlintClients.Expect("renewals: POST /v1/plans", () => flint.Plans.CreateAsync(new CreatePlanRequest
        {
            Name = "Bench box " + runId,
            Interval = "month",
            LineItems = [new LineItemInput { Name = "Box", UnitPriceMoney = new MoneyInput { Amount = 1500, Currency = CatalogSetup.Currency }, Quantity = 1 }],
        }, Key("plan")));
        var planId = figures.PlanId = plan.PlanId;

        var customers = new string[k];
        var done = 0;
        var clock0 = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, k), parallel, async (i, _) =>
        {
            var id = (await FlintClients.Expect("renewals: POST /v1/customers", () =>
                flint.Customers.CreateAsync(new CustomerRequest { Email = $"renewal{i}@bench.example" }, Key($"customer-{i}")))).CustomerId;
            await FlintClients.Expect($"renewals: POST /v1/customers/{id}/payment-methods", () =>
                flint.Customers.AddPaymentMethodAsync(id, new AddPaymentMethodRequest { Token = "tok_visa" }, Key($"card-{i}")));
            customers[i] = id;
            if (Interlocked.Increment(ref done) is var n && n % Math.Max(1, k / 10) == 0) Log($"setup: {n}/{k} customers with a saved card");
        });
        figures.CustomersSeconds = Math.Round(clock0.Elapsed.TotalSeconds, 2);

        // T: after the subscriptions are all created. Creating one is taken to cost what a customer with a card did.
        var lead = TimeSpan.FromSeconds(clock0.Elapsed.TotalSeconds * 1.5 + 15);
        var chosenAt = DateTimeOffset.UtcNow;
        var anchor = WholeSecondAfter(chosenAt + lead);
        figures.BillingAnchor = anchor;
        figures.AnchorLeadSeconds = Math.Round((anchor - chosenAt).TotalSeconds, 1);
        var anchorText = anchor.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Log($"setup: {k} customers with a card in {figures.CustomersSeconds:0.0} s ({k / figures.CustomersSeconds:0.0}/s); billing_anchor T = {anchorText}, {figures.AnchorLeadSeconds:0.0} s ahead");

        long notSent = 0;
        var billedAtCreation = new ConcurrentBag<string>();
        done = 0;
        var clock1 = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, k), parallel, async (i, _) =>
        {
            // Past T a subscription would be billed at creation (or refused): the run is failed below instead.
            if (DateTimeOffset.UtcNow >= anchor)
            {
                Interlocked.Increment(ref notSent);
                return;
            }
            var s = await FlintClients.Expect("renewals: POST /v1/subscriptions", () => flint.Subscriptions.CreateAsync(
                new CreateSubscriptionRequest { CustomerId = customers[i], PlanId = planId, BillingAnchor = anchor }, Key($"subscription-{i}")));
            if (s.CyclesBilled > 0 && DateTimeOffset.UtcNow >= anchor - TimeSpan.FromSeconds(5))
                billedAtCreation.Add(s.SubscriptionId);
            else if (s.CyclesBilled != 0 || s.BillingAnchor != anchor || s.Status != "active")
                throw new BenchException($"renewals: subscription {s.SubscriptionId} answered status {s.Status}, cycles_billed {s.CyclesBilled}, " +
                    $"billing_anchor {s.BillingAnchor:O}; expected active, 0 and {anchorText}");
            if (Interlocked.Increment(ref done) is var n && n % Math.Max(1, k / 10) == 0) Log($"setup: {n}/{k} subscriptions");
        });
        var lastCreated = DateTimeOffset.UtcNow;
        figures.SubscriptionsSeconds = Math.Round(clock1.Elapsed.TotalSeconds, 2);
        figures.SubscriptionsPerSecond = Math.Round(k / clock1.Elapsed.TotalSeconds, 1);
        figures.AnchorMarginSeconds = Math.Round((anchor - lastCreated).TotalSeconds, 1);
        figures.SetupRequests = setupStats.Requests;
        if (notSent > 0 || !billedAtCreation.IsEmpty || lastCreated >= anchor)
        {
            throw new BenchException(
                $"renewals: the setup overran the billing instant T = {anchorText}: {k - notSent} of {k} subscriptions were sent before T, " +
                $"{billedAtCreation.Count} of them were billed at creation{(billedAtCreation.IsEmpty ? "" : $" (e.g. {string.Join(", ", billedAtCreation.Take(3))})")}, " +
                $"the last answer came {(lastCreated - anchor).TotalSeconds:0.0} s after T. Customers with a card went at {k / figures.CustomersSeconds:0.0}/s, " +
                $"subscriptions at {(k - notSent) / clock1.Elapsed.TotalSeconds:0.0}/s, so T (customers' time × 1.5 + 15 s = {figures.AnchorLeadSeconds:0.0} s ahead) was too early. " +
                "Nothing was measured (a run where some first cycles are billed at creation measures a mixed thing): run it again on a quieter machine.");
        }
        Log($"setup: {k} subscriptions in {figures.SubscriptionsSeconds:0.0} s ({figures.SubscriptionsPerSecond:0.0}/s); T is {figures.AnchorMarginSeconds:0.0} s away");

        // ---- measured: from T until every first cycle is paid ----
        await using var db = NpgsqlDataSource.Create(t.Database);
        if (await CountPaid(db, t.MerchantId) is var early && early > 0)
            throw new BenchException($"renewals: {early} subscription orders were already paid before T (expected none): nothing measured");
        await DelayUntil(anchor - TimeSpan.FromSeconds(2));
        var dbBefore = await DbCounters.Read(t.Database);
        var metricsBefore = await ServerMetricsScrape.Snapshot(t.Http, t.Api.Urls, t.AdminToken);
        await DelayUntil(anchor);
        var cpu = new CpuMeter(t.Servers.Select(s => s.Pid), t.PostmasterPid);
        var clock = Stopwatch.StartNew();
        double Since() => (DateTimeOffset.UtcNow - anchor).TotalSeconds;
        using var stop = new CancellationTokenSource();
        long billed = 0;

        Task chaos = Task.CompletedTask;
        if (o.Chaos && stack is not null)
        {
            result.Chaos = new ChaosReport();
            chaos = Scenarios.Chaos(t, result.Chaos, cpu, clock, () => Interlocked.Read(ref billed), k, "cycles billed", stop.Token, Log);
        }

        using var timer = new PeriodicTimer(PollEvery);
        var nextSecond = 1;
        var nextLog = 5;
        while (true)
        {
            var count = await CountPaid(db, t.MerchantId);
            Interlocked.Exchange(ref billed, count);
            var s = Since();
            if (count > 0) figures.FirstBilledSeconds ??= Math.Round(s, 2);
            if (s >= nextSecond || count >= k)
            {
                figures.Timeline.Add([Math.Round(s, 1), count]);
                nextSecond = (int)s + 1;
            }
            if (s >= nextLog)
            {
                Log($"{s,5:0}s  cycles paid {count}/{k} ({count / s:0.0}/s)");
                nextLog = (int)s + 5;
                if (count < k && await Stalled(db, t.MerchantId, k - count, anchor + TimeSpan.FromSeconds(o.MaxSeconds)) is { } stalled)
                {
                    figures.Stalled = stalled;
                    Log($"gave up {s:0} s after T: {count} of {k} cycles paid, and {stalled}");
                    break;
                }
            }
            if (count >= k)
            {
                figures.AllBilledSeconds = Math.Round(s, 2);
                break;
            }
            if (s > o.MaxSeconds)
            {
                result.StoppedByTimeLimit = true;
                Log($"gave up {o.MaxSeconds} s after T (--max-seconds): {count} of {k} cycles paid");
                break;
            }
            await timer.WaitForNextTickAsync();
        }
        var elapsed = Since();
        await stop.CancelAsync();
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
        if (dbBefore is not null && await DbCounters.Read(t.Database) is { } dbAfter && billed > 0)
        {
            double per(long v) => Math.Round((double)v / billed, 1);
            result.DatabasePerCheckout = new DbCost(per(dbAfter.Commits - dbBefore.Commits), per(dbAfter.RowsWritten - dbBefore.RowsWritten),
                Math.Round((dbAfter.WalBytes - dbBefore.WalBytes) / 1024.0 / billed, 1), dbAfter.Commits - dbBefore.Commits,
                dbAfter.RowsByTable.Select(kv => (kv.Key, Rows: kv.Value - dbBefore.RowsByTable.GetValueOrDefault(kv.Key)))
                    .Where(x => x.Rows > 0).OrderByDescending(x => x.Rows).ToDictionary(x => x.Key, x => per(x.Rows)));
        }

        var delays = await PaidDelaysMs(db, t.MerchantId, anchor);
        var snap = setupStats.Snapshot();
        result.ElapsedSeconds = Math.Round(figures.AllBilledSeconds ?? elapsed, 2);
        result.Checkouts = billed;
        result.CheckoutsPerSecond = result.ElapsedSeconds > 0 ? Math.Round(billed / result.ElapsedSeconds, 1) : 0;
        result.CheckoutLatencyMs = Percentiles.Of(delays);
        result.SelloutSeconds = delays.Count > 0 ? Math.Round(delays.Max() / 1000, 2) : null;
        result.Errors = snap.Errors;
        result.Retries = snap.Retries;
        result.CpuSecondsApp = t.Servers.Count > 0 ? app : null;
        result.CpuSecondsPostgres = pg;
        Log($"{billed} of {k} cycles paid {result.ElapsedSeconds:0.0} s after T; verifying…");
        result.Verification = await Verifier.Renewals(t, k, o.Chaos, Log);
        return result;
    }

    /// <summary>Cycles billed: the run merchant's invoices that are paid. A cycle is done when its subscription has
    /// written the payment's outcome on its invoice, a moment after the cycle's order is paid.</summary>
    private static async Task<long> CountPaid(NpgsqlDataSource db, string merchantId)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FROM flint_objects
            WHERE merchant_id = @m AND environment = 'test' AND kind = 'invoice' AND status = 'paid'
            """);
        cmd.Parameters.AddWithValue("m", merchantId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A description when all <paramref name="unpaid"/> cycles not paid belong to subscriptions that will not
    /// try again before <paramref name="deadline"/> (waiting on would only run out the clock); null otherwise.</summary>
    private static async Task<string?> Stalled(NpgsqlDataSource db, string merchantId, long unpaid, DateTimeOffset deadline)
    {
        long stuck = 0;
        var states = new List<string>();
        await using (var cmd = db.CreateCommand("""
            SELECT status, count(*), min(doc->>'next_billing_at') FROM flint_objects
            WHERE merchant_id = @m AND environment = 'test' AND kind = 'subscription' AND status <> 'active'
              AND (doc->>'next_billing_at' IS NULL OR (doc->>'next_billing_at')::timestamptz > @deadline)
            GROUP BY status
            """))
        {
            cmd.Parameters.AddWithValue("m", merchantId);
            cmd.Parameters.AddWithValue("deadline", deadline);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                stuck += r.GetInt64(1);
                states.Add($"{r.GetInt64(1)} {r.GetString(0)}{(r.IsDBNull(2) ? "" : $" (next attempt at {r.GetString(2)} or later)")}");
            }
        }
        if (stuck < unpaid) return null;
        var declines = new List<string>();
        await using (var cmd = db.CreateCommand("""
            SELECT coalesce(a->>'decline_code', '?'), count(*) FROM flint_objects i, jsonb_array_elements(i.doc->'attempts') a
            WHERE i.merchant_id = @m AND i.environment = 'test' AND i.kind = 'invoice' AND i.status <> 'paid' AND a->>'outcome' = 'failed'
            GROUP BY 1 ORDER BY 2 DESC
            """))
        {
            cmd.Parameters.AddWithValue("m", merchantId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) declines.Add($"{r.GetString(0)} ×{r.GetInt64(1)}");
        }
        return $"the subscriptions of the rest will not bill before the deadline: {string.Join(", ", states)}; " +
            $"failed attempts on their invoices by decline_code: {(declines.Count == 0 ? "none" : string.Join(", ", declines))}";
    }

    /// <summary>Each paid invoice's delay after T (its paid_at, stamped by the silo on this machine's clock).</summary>
    private static async Task<List<double>> PaidDelaysMs(NpgsqlDataSource db, string merchantId, DateTimeOffset anchor)
    {
        var delays = new List<double>();
        await using var cmd = db.CreateCommand("""
            SELECT doc->>'paid_at' FROM flint_objects
            WHERE merchant_id = @m AND environment = 'test' AND kind = 'invoice' AND status = 'paid' AND doc->>'paid_at' IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("m", merchantId);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            if (DateTimeOffset.TryParse(r.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var paidAt))
                delays.Add((paidAt - anchor).TotalMilliseconds);
        }
        return delays;
    }

    private static DateTimeOffset WholeSecondAfter(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static async Task DelayUntil(DateTimeOffset at)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
    }

    /// <summary>An answer the scenario does not expect: reported with the exact request and answer, not worked around.</summary>
    private static BenchException Unexpected(string request, object body, ApiResponse answer, string? expected = null) =>
        new($"renewals: unexpected answer{(expected is null ? "" : $" ({expected})")}\n  request: {request} {JsonSerializer.Serialize(body)}\n  answer:  {answer.Status} {answer.Body?.ToJsonString() ?? "(no body)"}");
}
