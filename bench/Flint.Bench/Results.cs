using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Flint.Bench;

public sealed class RunSettings
{
    public int Stock { get; init; }
    public int Buyers { get; init; }
    /// <summary>renewals: subscriptions billed at one instant (null for the other scenarios).</summary>
    public int? Subscriptions { get; init; }
    public int Concurrency { get; init; }
    /// <summary>Every level measured (the table has a row per target and level).</summary>
    public IReadOnlyList<int>? ConcurrencyLevels { get; init; }
    public int Seconds { get; init; }
    public int Variants { get; init; }
    public int Coupons { get; init; }
    public int Warmup { get; init; }
    public int Silos { get; init; }
    public bool Chaos { get; init; }
    public bool Retry { get; init; }
    public bool IdempotencyKeys { get; init; }
    public string ServerLogLevel { get; init; } = "";
    /// <summary>--server-env: extra environment of the Flint silos (e.g. trace sampling).</summary>
    public Dictionary<string, string>? ServerEnv { get; init; }
    public bool OtlpSink { get; init; }
    public bool StartedByBench { get; init; }
}

public sealed class RunResult
{
    public required string Scenario { get; init; }
    public required string Timestamp { get; init; }
    public required string Command { get; init; }
    public required string GitCommit { get; init; }
    public required int MachineCores { get; init; }
    public required string Machine { get; init; }
    public required RunSettings Settings { get; init; }
    public List<TargetResult> Targets { get; init; } = [];
    /// <summary>Flint/baseline completed checkouts/s (flash-sale: sell-out rate), the lowest over the levels.</summary>
    public double? RatioFlintBaseline { get; set; }
    /// <summary>The same ratio per concurrency level.</summary>
    public Dictionary<string, double> Ratios { get; init; } = [];
}

/// <summary>Writes one run to bench/results/&lt;scenario&gt;-&lt;timestamp&gt;.json and prints its table.</summary>
public static class Results
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string GitCommit(string repoRoot)
    {
        try
        {
            var psi = new ProcessStartInfo("git", ["-C", repoRoot, "rev-parse", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var head = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            var dirty = new ProcessStartInfo("git", ["-C", repoRoot, "status", "--porcelain", "--", "src"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var d = Process.Start(dirty)!;
            var changes = d.StandardOutput.ReadToEnd().Trim();
            d.WaitForExit();
            return changes.Length > 0 ? head + " (src modified)" : head;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : ", " + cpu)}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }

    public static string Write(string repoRoot, RunResult run)
    {
        var dir = Path.Combine(repoRoot, "bench", "results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{run.Scenario}{(run.Settings.Chaos ? "-chaos" : "")}-{run.Timestamp}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(run, Json) + "\n");
        return file;
    }

    public static string Table(RunResult run)
    {
        if (run.Scenario == "renewals") return RenewalsTable(run);
        var sb = new StringBuilder();
        var flash = run.Scenario == "flash-sale";
        // A flash sale is judged by how fast the stock sells (units/s until the last unit went) and how fast every
        // buyer hears an answer; the other scenarios by completed checkouts per second.
        var rate = flash ? "sell-out units/s | buyers served/s" : "checkouts/s";
        sb.AppendLine(CultureInfo.InvariantCulture, $"| target | clients | {rate} | checkouts | p50 ms | p95 ms | p99 ms | reads/s | read p50/p99 ms | errors | CPU s app | CPU s pg | CPU ms/checkout (app+pg) | db tx/checkout | WAL KB/checkout | check |");
        sb.AppendLine($"|---|---:|---:|{(flash ? "---:|" : "")}---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (var t in run.Targets)
        {
            var l = t.CheckoutLatencyMs;
            var check = t.Verification is null ? "–" : t.Verification.Passed ? $"passed, oversold {t.Verification.Oversold}" : "FAILED: " + string.Join("; ", t.Verification.Failures);
            var rates = flash ? $"{t.CheckoutsPerSecond:0.0} | {t.BuyersPerSecond?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"}" : $"{t.CheckoutsPerSecond:0.0}";
            var clients = t.Concurrency > 0 ? t.Concurrency : run.Settings.Concurrency;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Target}{(run.Settings.Silos > 1 && t.Target == "flint" ? $" ({run.Settings.Silos} silos)" : "")} | {clients} | {rates} | {t.Checkouts} | {l?.P50:0.0} | {l?.P95:0.0} | {l?.P99:0.0} | {(t.Reads > 0 ? t.ReadsPerSecond.ToString("0.0", CultureInfo.InvariantCulture) : "–")} | {(t.ReadLatencyMs is { Count: > 0 } r ? $"{r.P50:0.0}/{r.P99:0.0}" : "–")} | {Errors(t)} | {t.CpuSecondsApp?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} | {t.CpuSecondsPostgres?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} | {CpuPerCheckout(t)} | {t.DatabasePerCheckout?.CommitsPerCheckout.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} | {t.DatabasePerCheckout?.WalKbPerCheckout.ToString("0.0", CultureInfo.InvariantCulture) ?? "–"} | {check} |");
        }
        return sb.ToString();
    }

    /// <summary>renewals: how long after T all first cycles were paid, and what that cost per cycle.</summary>
    private static string RenewalsTable(RunResult run)
    {
        static string S(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–";
        var sb = new StringBuilder();
        sb.AppendLine("| target | subscriptions | cycles paid | all paid after s | cycles/s | first paid after s | delay after T p50/p95/p99 s | setup: subscriptions/s, T margin s | CPU s app | CPU s pg | CPU ms/cycle (app+pg) | db tx/cycle | WAL KB/cycle | check |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in run.Targets)
        {
            var r = t.Renewals;
            var l = t.CheckoutLatencyMs;
            var check = t.Verification is null ? "–" : t.Verification.Passed ? "passed" : "FAILED: " + string.Join("; ", t.Verification.Failures);
            var all = r?.AllBilledSeconds is { } a ? S(a) : $"not all{(r?.Stalled is null ? "" : ", stalled")} after {S(t.ElapsedSeconds)}";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Target}{(run.Settings.Silos > 1 ? $" ({run.Settings.Silos} silos)" : "")} | {r?.Subscriptions ?? run.Settings.Subscriptions} | {t.Checkouts} | {all} | {t.CheckoutsPerSecond:0.0} | {S(r?.FirstBilledSeconds)} | {(l is { Count: > 0 } ? $"{l.P50 / 1000:0.0}/{l.P95 / 1000:0.0}/{l.P99 / 1000:0.0}" : "–")} | {S(r?.SubscriptionsPerSecond)}, {S(r?.AnchorMarginSeconds)} | {S(t.CpuSecondsApp)} | {S(t.CpuSecondsPostgres)} | {CpuPerCheckout(t)} | {S(t.DatabasePerCheckout?.CommitsPerCheckout)} | {S(t.DatabasePerCheckout?.WalKbPerCheckout)} | {check} |");
        }
        return sb.ToString();
    }

    public static string CpuPerCheckout(TargetResult t) =>
        t.Checkouts > 0 && t.CpuSecondsApp is { } app
            ? $"{((app + (t.CpuSecondsPostgres ?? 0)) * 1000 / t.Checkouts).ToString("0.0", CultureInfo.InvariantCulture)} ({(app * 1000 / t.Checkouts).ToString("0.0", CultureInfo.InvariantCulture)}+{((t.CpuSecondsPostgres ?? 0) * 1000 / t.Checkouts).ToString("0.0", CultureInfo.InvariantCulture)})"
            : "–";

    public static string Errors(TargetResult t)
    {
        if (t.Errors.Count == 0) return "none";
        return string.Join(", ", t.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} ×{e.Value}"));
    }
}
