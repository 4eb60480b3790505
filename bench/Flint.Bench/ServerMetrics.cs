using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Flint.Bench;

/// <summary>One group commit (a flush method of Flint's storage or idempotency records) over the measurement.</summary>
public sealed record GroupCommitFigures(long Flushes, double MeanBatch, double MeanWaitMs, double MeanFlushMs);

/// <summary>One latency over the measurement, from a Prometheus histogram: p50/p99 are interpolated within buckets.</summary>
public sealed record LatencyFigures(long Count, double MeanMs, double P50Ms, double P99Ms);

/// <summary>What Flint says about itself on /ops/metrics over the measurement (after minus before, summed over silos):
/// the figures an operator sees, next to the ones the bench measures from outside.</summary>
public sealed class ServerMetrics
{
    public Dictionary<string, GroupCommitFigures> GroupCommits { get; init; } = [];
    public Dictionary<string, LatencyFigures> PaySteps { get; init; } = [];
    public Dictionary<string, LatencyFigures> PayByOutcome { get; init; } = [];
    public Dictionary<string, long> IdempotencyTakeovers { get; init; } = [];
    public Dictionary<string, long> PayRecoveries { get; init; } = [];

    /// <summary>One line for the console and the report.</summary>
    public string Summary() =>
        $"group commit mean batch {string.Join(", ", GroupCommits.Select(g => $"{g.Key} {g.Value.MeanBatch:0.0} (wait {g.Value.MeanWaitMs:0.0} ms)"))}; " +
        $"pay steps p50/p99 ms {string.Join(", ", PaySteps.Select(s => $"{s.Key} {s.Value.P50Ms:0.0}/{s.Value.P99Ms:0.0}"))}" +
        (IdempotencyTakeovers.Count > 0 ? $"; idempotency takeovers {string.Join(", ", IdempotencyTakeovers.Select(t => $"{t.Key} ×{t.Value}"))}" : "") +
        (PayRecoveries.Count > 0 ? $"; pay recoveries {string.Join(", ", PayRecoveries.Select(t => $"{t.Key} ×{t.Value}"))}" : "");
}

/// <summary>
/// Reads Flint's Prometheus scrape endpoint (/ops/metrics, admin token) on every silo. A snapshot is the sum over silos
/// of each series; the measurement's figures are the difference of two snapshots. A silo restarted in between (chaos)
/// starts its counters again from zero, so its part of the difference is its whole second life (a counter never goes
/// down otherwise).
/// </summary>
public static partial class ServerMetricsScrape
{
    public const string Path = "/ops/metrics";

    /// <summary>Series → value per silo URL; null when no silo answered (an older Flint without the endpoint).</summary>
    public static async Task<Dictionary<string, Dictionary<string, double>>?> Snapshot(HttpClient http, IReadOnlyList<string> urls, string? adminToken)
    {
        if (adminToken is null) return null;
        var snapshot = new Dictionary<string, Dictionary<string, double>>();
        foreach (var url in urls)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url + Path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await http.SendAsync(request, cts.Token);
                if (!response.IsSuccessStatusCode) continue;
                snapshot[url] = Parse(await response.Content.ReadAsStringAsync(cts.Token));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException) { }
        }
        return snapshot.Count > 0 ? snapshot : null;
    }

    /// <summary>Prometheus text format: <c>name{labels} value [timestamp]</c>; comments and blank lines skipped.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var close = line.LastIndexOf('}');
            var space = line.IndexOf(' ', close < 0 ? 0 : close);
            if (space < 0) continue;
            var value = line[(space + 1)..].Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) series[line[..space]] = v;
        }
        return series;
    }

    public static ServerMetrics? Between(Dictionary<string, Dictionary<string, double>>? before, Dictionary<string, Dictionary<string, double>>? after)
    {
        if (after is null) return null;
        var delta = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (url, series) in after)
        {
            var earlier = before?.GetValueOrDefault(url);
            // A series that went down belongs to a restarted silo: all of it is new.
            var restarted = earlier is not null && series.Any(s => earlier.TryGetValue(s.Key, out var b) && s.Value < b);
            foreach (var (key, value) in series)
                delta[key] = delta.GetValueOrDefault(key) + value - (restarted ? 0 : earlier?.GetValueOrDefault(key) ?? 0);
        }

        var metrics = new ServerMetrics();
        foreach (var group in LabelValues(delta, "flint_group_commit_batch_size_count", "group"))
        {
            var flushes = Sum(delta, "flint_group_commit_batch_size_count", "group", group);
            if (flushes <= 0) continue;
            var items = Sum(delta, "flint_group_commit_batch_size_sum", "group", group);
            var waits = Sum(delta, "flint_group_commit_wait_seconds_count", "group", group);
            metrics.GroupCommits[group] = new GroupCommitFigures((long)flushes, Math.Round(items / flushes, 2),
                Math.Round(waits > 0 ? Sum(delta, "flint_group_commit_wait_seconds_sum", "group", group) * 1000 / waits : 0, 2),
                Math.Round(Sum(delta, "flint_group_commit_flush_duration_seconds_sum", "group", group) * 1000 / flushes, 2));
        }
        foreach (var step in LabelValues(delta, "flint_pay_step_duration_seconds_count", "step"))
            if (Latency(delta, "flint_pay_step_duration_seconds", "step", step) is { } l) metrics.PaySteps[step] = l;
        foreach (var outcome in LabelValues(delta, "flint_pay_duration_seconds_count", "outcome"))
            if (Latency(delta, "flint_pay_duration_seconds", "outcome", outcome) is { } l) metrics.PayByOutcome[outcome] = l;
        foreach (var reason in LabelValues(delta, "flint_idempotency_takeovers_total", "reason"))
            if (Sum(delta, "flint_idempotency_takeovers_total", "reason", reason) is > 0 and var n) metrics.IdempotencyTakeovers[reason] = (long)n;
        foreach (var outcome in LabelValues(delta, "flint_pay_recoveries_total", "outcome"))
            if (Sum(delta, "flint_pay_recoveries_total", "outcome", outcome) is > 0 and var n) metrics.PayRecoveries[outcome] = (long)n;
        // Nothing of Flint's own (e.g. OTEL_SDK_DISABLED=true): say nothing rather than empty figures.
        return metrics.GroupCommits.Count + metrics.PaySteps.Count + metrics.PayByOutcome.Count > 0 ? metrics : null;
    }

    private static LatencyFigures? Latency(Dictionary<string, double> delta, string histogram, string label, string value)
    {
        var count = Sum(delta, histogram + "_count", label, value);
        if (count <= 0) return null;
        // Cumulative buckets by upper bound (le), summed over the series of this label value.
        var buckets = delta.Where(kv => Name(kv.Key) == histogram + "_bucket" && Label(kv.Key, label) == value)
            .GroupBy(kv => Label(kv.Key, "le") is "+Inf" ? double.PositiveInfinity : double.Parse(Label(kv.Key, "le")!, CultureInfo.InvariantCulture))
            .Select(g => (Le: g.Key, Count: g.Sum(kv => kv.Value))).OrderBy(b => b.Le).ToList();
        double Quantile(double q)
        {
            var rank = q * count;
            var (lower, below) = (0.0, 0.0);
            foreach (var (le, cumulative) in buckets)
            {
                if (cumulative >= rank)
                {
                    if (double.IsPositiveInfinity(le)) return lower;
                    return lower + (le - lower) * (cumulative > below ? (rank - below) / (cumulative - below) : 0);
                }
                (lower, below) = (le, cumulative);
            }
            return lower;
        }
        return new LatencyFigures((long)count, Math.Round(Sum(delta, histogram + "_sum", label, value) * 1000 / count, 2),
            Math.Round(Quantile(0.5) * 1000, 2), Math.Round(Quantile(0.99) * 1000, 2));
    }

    private static IEnumerable<string> LabelValues(Dictionary<string, double> delta, string name, string label) =>
        delta.Keys.Where(k => Name(k) == name).Select(k => Label(k, label)).OfType<string>().Distinct().Order(StringComparer.Ordinal);

    private static double Sum(Dictionary<string, double> delta, string name, string label, string value) =>
        delta.Where(kv => Name(kv.Key) == name && Label(kv.Key, label) == value).Sum(kv => kv.Value);

    private static string Name(string series) => series.IndexOf('{') is var brace and >= 0 ? series[..brace] : series;

    private static string? Label(string series, string label)
    {
        foreach (Match m in Labels().Matches(series))
            if (m.Groups[1].Value == label) return m.Groups[2].Value;
        return null;
    }

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Labels();
}
