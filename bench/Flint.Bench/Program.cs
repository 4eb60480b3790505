using System.Globalization;
using Flint.Abstractions.Merchants;
using Flint.Bench;

// dotnet run -c Release --project bench/Flint.Bench -- <flash-sale|checkout|read-mix|renewals|report> [options]; see bench/README.md.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var repoRoot = FindRepoRoot();
if (options.Command == "report")
{
    Report.WriteInto(repoRoot);
    return 0;
}

var stack = new LocalStack(options, repoRoot);
Console.CancelKeyPress += (_, e) =>
{
    // Stop what the bench started before leaving, also on Ctrl-C.
    e.Cancel = true;
    Console.Error.WriteLine("bench: interrupted; stopping the servers it started…");
    stack.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(60));
    Environment.Exit(130);
};

try
{
    using var http = ApiClient.CreateHttp(options.Concurrency);
    var timestamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
    var runId = "bench" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
    var run = new RunResult
    {
        Scenario = options.Command,
        Timestamp = timestamp,
        Command = options.RawArgs,
        GitCommit = Results.GitCommit(repoRoot) + (options.Build ? "" : " (--no-build: servers built earlier)"),
        MachineCores = Environment.ProcessorCount,
        Machine = Results.Machine(),
        Settings = new RunSettings
        {
            Stock = options.Stock, Buyers = options.Buyers, Subscriptions = options.Command == "renewals" ? options.Subscriptions : null, Concurrency = options.Concurrency, ConcurrencyLevels = options.ConcurrencyLevels, Seconds = options.Seconds,
            Variants = options.Variants, Coupons = options.Coupons, Warmup = options.Command == "renewals" ? 0 : options.Warmup, Silos = options.Silos, Chaos = options.Chaos, Retry = options.Retry,
            IdempotencyKeys = options.IdempotencyKeys, ServerLogLevel = options.ServerLogLevel,
            ServerEnv = options.ServerEnv.Count > 0 ? options.ServerEnv.ToDictionary() : null, OtlpSink = options.OtlpSink,
            StartedByBench = options.FlintUrls is null && options.BaselineUrl is null,
        },
    };

    foreach (var kind in options.Targets)
    {
        var context = kind == TargetKind.Flint ? await FlintTarget(options, stack, http, runId) : await BaselineTarget(options, stack, http);
        try
        {
            foreach (var level in options.ConcurrencyLevels)
            {
                var result = await Scenarios.Run(options, context, runId, stack, level);
                run.Targets.Add(result);
                var at = $"{context.Name} ×{level}";
                Console.Error.WriteLine(options.Command == "renewals"
                    ? $"[{at}] {result.Checkouts} of {options.Subscriptions} first cycles paid {result.ElapsedSeconds:0.0} s after T ({result.CheckoutsPerSecond:0.0} cycles/s), delay after T p50/p95/p99 {result.CheckoutLatencyMs?.P50 / 1000:0.0}/{result.CheckoutLatencyMs?.P95 / 1000:0.0}/{result.CheckoutLatencyMs?.P99 / 1000:0.0} s"
                    : options.Command == "flash-sale"
                    ? $"[{at}] sold out at {result.CheckoutsPerSecond:0.0} units/s ({result.Checkouts} in {result.SelloutSeconds:0.0} s), {result.BuyersPerSecond:0.0} buyers served/s, p50/p95/p99 {result.CheckoutLatencyMs?.P50:0.0}/{result.CheckoutLatencyMs?.P95:0.0}/{result.CheckoutLatencyMs?.P99:0.0} ms, errors: {Results.Errors(result)}"
                    : $"[{at}] {result.CheckoutsPerSecond:0.0} checkouts/s, p50/p95/p99 {result.CheckoutLatencyMs?.P50:0.0}/{result.CheckoutLatencyMs?.P95:0.0}/{result.CheckoutLatencyMs?.P99:0.0} ms, errors: {Results.Errors(result)}");
                if (result.StepLatencyMs is { Count: > 0 } steps)
                    Console.Error.WriteLine($"[{at}] steps p50/p99 ms: {string.Join(", ", steps.Select(s => $"{s.Key} {s.Value.P50:0.0}/{s.Value.P99:0.0}"))}");
                if (result.ServerMetrics is { } server)
                    Console.Error.WriteLine($"[{at}] server (/ops/metrics): {server.Summary()}");
                if (result.DatabasePerCheckout is { RowsWrittenByTable: { Count: > 0 } tables } cost)
                    Console.Error.WriteLine($"[{at}] per {(options.Command == "renewals" ? "cycle" : "checkout")}: {Results.CpuPerCheckout(result)} CPU ms, {cost.CommitsPerCheckout} db transactions, {cost.WalKbPerCheckout} KB WAL; rows written by table: {string.Join(", ", tables.Select(t => $"{t.Key} {t.Value}"))}");
            }
        }
        finally
        {
            await stack.StopServers(context.Servers);
        }
    }

    foreach (var level in options.ConcurrencyLevels)
    {
        var flint = run.Targets.FirstOrDefault(t => t.Target == "flint" && t.Concurrency == level);
        var baseline = run.Targets.FirstOrDefault(t => t.Target == "baseline" && t.Concurrency == level);
        if (flint is not null && baseline is not null && baseline.CheckoutsPerSecond > 0)
            run.Ratios[level.ToString(CultureInfo.InvariantCulture)] = Math.Round(flint.CheckoutsPerSecond / baseline.CheckoutsPerSecond, 2);
    }
    // The headline is the worst level: "ahead" has to hold at every one.
    if (run.Ratios.Count > 0) run.RatioFlintBaseline = run.Ratios.Values.Min();

    var file = Results.Write(repoRoot, run);
    Console.WriteLine();
    Console.WriteLine($"{run.Scenario}{(options.Chaos ? " (chaos)" : "")} · {Results.Machine()} · commit {run.GitCommit}");
    Console.Write(Results.Table(run));
    Console.WriteLine($"results: {Path.GetRelativePath(repoRoot, file)}");
    foreach (var (level, ratio) in run.Ratios)
        Console.WriteLine($"ratio flint/baseline at {level} clients: {ratio.ToString("0.00", CultureInfo.InvariantCulture)}");
    if (options.Command == "flash-sale")
    {
        foreach (var t in run.Targets)
        {
            var v = t.Verification!;
            var label = t == run.Targets[0] ? "oversold" : $"{t.Target} oversold";
            Console.WriteLine($"{t.Target}: sell-out rate {t.CheckoutsPerSecond:0.0} units/s (last unit at {t.SelloutSeconds:0.0} s), buyers served {t.BuyersPerSecond:0.0}/s");
            Console.WriteLine(v.DatabaseChecked
                ? $"{label}: {v.Oversold}{(run.Targets.Count > 1 && t == run.Targets[0] ? $" ({t.Target})" : "")}"
                : $"{label}: not checked against the database (API only: {v.Oversold})");
            Console.WriteLine($"{t.Target} verification: {(v.Passed ? "passed" : "FAILED — " + string.Join("; ", v.Failures))}");
        }
        return run.Targets.All(t => t.Verification!.Passed) ? 0 : 1;
    }
    if (options.Command == "renewals")
    {
        foreach (var t in run.Targets)
        {
            var r = t.Renewals!;
            var v = t.Verification!;
            Console.WriteLine($"{t.Target}: setup {r.Subscriptions} customers with a card in {r.CustomersSeconds:0.0} s, {r.Subscriptions} subscriptions in {r.SubscriptionsSeconds:0.0} s ({r.SubscriptionsPerSecond:0.0}/s); T = {r.BillingAnchor.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}, {r.AnchorMarginSeconds:0.0} s after the last subscription");
            Console.WriteLine(r.AllBilledSeconds is { } all
                ? $"{t.Target}: all {r.Subscriptions} first cycles paid {all:0.0} s after T ({t.CheckoutsPerSecond:0.0} cycles/s); first at {r.FirstBilledSeconds:0.0} s, last invoice paid_at {t.SelloutSeconds:0.0} s"
                : $"{t.Target}: gave up {t.ElapsedSeconds:0} s after T with {t.Checkouts} of {r.Subscriptions} first cycles paid{(r.Stalled is null ? "" : $": {r.Stalled}")}");
            Console.WriteLine($"{t.Target}: {v.SubscriptionOrders} subscription orders ({v.PaidOrders} paid, {v.SubscriptionsWithSeveralOrders} subscriptions with two or more), {v.SucceededPayments} succeeded payments, {v.SucceededCharges} succeeded charges, {v.PaidInvoices}/{v.Invoices} invoices paid, {v.SubscriptionsNotAtOneCycle} of {v.Subscriptions} subscriptions not at cycles_billed 1");
            Console.WriteLine($"{t.Target} verification: {(v.Passed ? "passed" : "FAILED — " + string.Join("; ", v.Failures))}");
        }
        return run.Targets.All(t => t.Verification!.Passed && t.Renewals!.AllBilledSeconds is not null) ? 0 : 1;
    }
    return 0;
}
catch (BenchException e)
{
    Console.Error.WriteLine("bench: " + e.Message);
    return 1;
}
finally
{
    await stack.DisposeAsync();
}

static string FindRepoRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln"))) return dir.FullName;
        }
    }
    throw new BenchException("run the bench inside the Flint repository (Flint.sln not found above the current directory)");
}

static async Task<TargetContext> FlintTarget(BenchOptions o, LocalStack stack, HttpClient http, string runId)
{
    IReadOnlyList<ServerProcess> servers = [];
    IReadOnlyList<string> urls;
    string? adminToken, database;
    if (o.FlintUrls is null)
    {
        servers = await stack.StartFlint(o.Silos, http);
        urls = servers.Select(s => s.Url).ToList();
        adminToken = stack.AdminToken;
        database = stack.PostgresUrl("flint");
    }
    else
    {
        urls = o.FlintUrls.Select(u => u.TrimEnd('/')).ToList();
        var tokenFile = Path.Combine(FindRepoRoot(), ".flint", "admin-token");
        adminToken = o.AdminToken ?? Environment.GetEnvironmentVariable("FLINT_ADMIN_TOKEN")
            ?? (File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : null)
            ?? throw new BenchException("with --flint-url the bench needs Flint's admin token: --admin-token, FLINT_ADMIN_TOKEN or .flint/admin-token");
        database = o.FlintDb;
    }
    // A merchant of its own per run: the database checks count exactly this run's orders, payments and charges.
    using var admin = FlintClients.Over(urls, adminToken, new Stats());
    var merchant = await FlintClients.Expect("creating the bench merchant", () => admin.Merchants.CreateAsync(new CreateMerchantRequest { Name = "Bench " + runId }));
    var key = merchant.ApiKeys.Test;
    return new TargetContext
    {
        Kind = TargetKind.Flint,
        Api = new ApiClient(http, urls, key, retry: o.Retry, new Stats()),
        Stats = new Stats(),
        Servers = servers,
        Database = database,
        MerchantId = merchant.MerchantId,
        PostmasterPid = o.FlintUrls is null ? stack.PostmasterPid : null,
        Http = http,
        AdminToken = adminToken,
    };
}

static async Task<TargetContext> BaselineTarget(BenchOptions o, LocalStack stack, HttpClient http)
{
    IReadOnlyList<ServerProcess> servers = [];
    string url;
    string? database;
    if (o.BaselineUrl is null)
    {
        var server = await stack.StartBaseline(http);
        servers = [server];
        url = server.Url;
        database = stack.PostgresUrl("baseline");
    }
    else
    {
        url = o.BaselineUrl.TrimEnd('/');
        database = o.BaselineDb;
    }
    return new TargetContext
    {
        Kind = TargetKind.Baseline,
        Api = new ApiClient(http, [url], null, retry: o.Retry, new Stats()),
        Stats = new Stats(),
        Servers = servers,
        Database = database,
        MerchantId = null,
        PostmasterPid = o.BaselineUrl is null ? stack.PostmasterPid : null,
        Http = http,
    };
}
