using System.Globalization;

namespace Flint.Bench;

public enum TargetKind { Flint, Baseline }

/// <summary>The command line. Every run is bounded: by buyers (flash-sale), seconds (checkout, read-mix) or
/// subscriptions (renewals), and by <see cref="MaxSeconds"/> in any case.</summary>
public sealed class BenchOptions
{
    public required string Command { get; init; }
    public IReadOnlyList<TargetKind> Targets { get; init; } = [TargetKind.Flint, TargetKind.Baseline];
    public IReadOnlyList<string>? FlintUrls { get; init; }
    public string? BaselineUrl { get; init; }
    public string? FlintDb { get; init; }
    public string? BaselineDb { get; init; }
    public string? AdminToken { get; init; }
    public int Stock { get; init; } = 1000;
    public int Buyers { get; init; } = 10_000;
    /// <summary>renewals: subscriptions whose first cycles all fall due at one instant.</summary>
    public int Subscriptions { get; init; } = 10_000;
    /// <summary>The largest of <see cref="ConcurrencyLevels"/> (sizes the HTTP connection pool).</summary>
    public int Concurrency => ConcurrencyLevels.Max();
    /// <summary>Each target is measured at each level in turn (e.g. <c>--concurrency 8,32,64</c>), servers kept up.</summary>
    public IReadOnlyList<int> ConcurrencyLevels { get; init; } = [64];
    public int Seconds { get; init; } = 30;
    public int Variants { get; init; } = 1000;
    public int Coupons { get; init; } = 20;
    /// <summary>Unmeasured checkouts before the first level of each target (later levels warm up with 300): long enough
    /// for the JIT's tiered recompilation to settle (measured: in the first 30 s of load the JIT thread took ~28 % of
    /// the machine's CPU for Flint, ~3 % after 40 s), so both targets are measured in their steady state.</summary>
    public int Warmup { get; init; } = 1500;
    public int Silos { get; init; } = 1;
    public bool Chaos { get; init; }
    public bool Retry { get; init; }
    public bool IdempotencyKeys { get; init; } = true;
    public bool Build { get; init; } = true;
    public bool KeepData { get; init; }
    public int MaxSeconds { get; init; } = 900;
    public int PgPort { get; init; } = 54339;
    public string ServerLogLevel { get; init; } = "Warning";
    /// <summary>Extra environment of the Flint silos the bench starts (<c>--server-env NAME=VALUE</c>, repeatable):
    /// e.g. the trace sampling ratio when measuring what telemetry costs.</summary>
    public IReadOnlyDictionary<string, string> ServerEnv { get; init; } = new Dictionary<string, string>();
    /// <summary>Start a loopback OTLP receiver that discards what it gets and point the silos at it, so traces are
    /// exported (and paid for) without a collector.</summary>
    public bool OtlpSink { get; init; }
    /// <summary>Added to every port the bench's servers listen on (HTTP, silo, gateway, baseline, OTLP sink), so two
    /// benches on one machine (two work trees) do not take each other's ports; pair it with <c>--pg-port</c>.</summary>
    public int PortOffset { get; init; }
    public required string RawArgs { get; init; }

    public static readonly string[] Scenarios = ["flash-sale", "checkout", "read-mix", "renewals"];

    public const string Usage = """
        usage: dotnet run -c Release --project bench/Flint.Bench -- <scenario> [options]
               dotnet run -c Release --project bench/Flint.Bench -- report
        scenarios: flash-sale | checkout | read-mix | renewals (Flint only)
          --target flint|baseline|both   what to measure (default both, one after the other)
          --flint-url URL[,URL…]         use running Flint silos instead of starting them (requests are spread over them)
          --baseline-url URL             use a running baseline instead of starting one
          --flint-db CONN / --baseline-db CONN   Npgsql connection strings for the database checks with running targets
          --admin-token T                Flint's FLINT_ADMIN_TOKEN with --flint-url (default: env FLINT_ADMIN_TOKEN or .flint/admin-token)
          --stock S        flash-sale stock (default 1000)          --buyers N       flash-sale buyers (default 10000)
          --subscriptions K  renewals: subscriptions billed at one instant (default 10000)
          --concurrency C[,C…]  requests in flight (default 64); a list measures each level in turn, e.g. 8,32,64
          --seconds T      checkout/read-mix duration (default 30)
          --variants V     checkout/read-mix catalog size (1000)    --coupons K      coupon codes in use (default 20)
          --warmup W       unmeasured checkouts before measuring (default 1500; later levels 300)
          --silos N        Flint silos to start (default 1)         --chaos          flash-sale, renewals: kill -9 one silo mid-run, restart it
          --retry          retry 5xx/transport failures on another silo with the same Idempotency-Key (on with --chaos)
          --no-idempotency-keys   send no Idempotency-Key headers     --no-build       reuse bench/.work builds
          --keep-data      do not reset the bench databases          --max-seconds M  hard stop for one target (default 900; renewals: after T)
          --pg-port P      port of the bench's own PostgreSQL (54339) --server-log-level L  servers' log level (Warning)
          --server-env NAME=VALUE   extra environment for the Flint silos the bench starts (repeatable)
          --port-offset K  add K to the ports of the servers the bench starts (another bench runs here); with --pg-port
          --otlp-sink      export the silos' telemetry over OTLP to a loopback receiver that discards it (tracing cost)
        """;

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") throw new UsageException(Usage);
        var command = args[0];
        if (command != "report" && !Scenarios.Contains(command)) throw new UsageException($"unknown scenario '{command}'\n{Usage}");

        var targets = new List<TargetKind> { TargetKind.Flint, TargetKind.Baseline };
        IReadOnlyList<string>? flintUrls = null;
        string? baselineUrl = null, flintDb = null, baselineDb = null, adminToken = null, logLevel = "Warning";
        int warmup = 1500, stock = 1000, buyers = 10_000, subscriptions = 10_000, seconds = 30, variants = 1000, coupons = 20, silos = 1, maxSeconds = 900, pgPort = 54339;
        bool targetGiven = false, chaos = false, retry = false, keys = true, build = true, keep = false, otlpSink = false;
        var portOffset = 0;
        var serverEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        IReadOnlyList<int> concurrency = [64];
        for (var i = 1; i < args.Length; i++)
        {
            var (name, inline) = args[i].Contains('=') ? (args[i][..args[i].IndexOf('=')], args[i][(args[i].IndexOf('=') + 1)..]) : (args[i], null);
            string Value() => inline ?? (++i < args.Length ? args[i] : throw new UsageException($"{name} needs a value"));
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new UsageException($"{name} needs a positive whole number");
            switch (name)
            {
                case "--target":
                    targetGiven = true;
                    targets = Value() switch
                    {
                        "flint" => [TargetKind.Flint],
                        "baseline" => [TargetKind.Baseline],
                        "both" => [TargetKind.Flint, TargetKind.Baseline],
                        var t => throw new UsageException($"--target must be flint, baseline or both, not '{t}'"),
                    };
                    break;
                case "--flint-url": flintUrls = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--baseline-url": baselineUrl = Value(); break;
                case "--flint-db": flintDb = Value(); break;
                case "--baseline-db": baselineDb = Value(); break;
                case "--admin-token": adminToken = Value(); break;
                case "--stock": stock = Int(); break;
                case "--buyers": buyers = Int(); break;
                case "--subscriptions": subscriptions = Int(); break;
                case "--concurrency":
                    concurrency = Value().Split(',', StringSplitOptions.TrimEntries)
                        .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                            ? v : throw new UsageException("--concurrency needs positive whole numbers, e.g. 32 or 8,32,64"))
                        .ToList();
                    break;
                case "--seconds": seconds = Int(); break;
                case "--variants": variants = Int(); break;
                case "--coupons": coupons = Int(); break;
                case "--warmup": warmup = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : throw new UsageException("--warmup needs a whole number"); break;
                case "--silos": silos = Int(); break;
                case "--max-seconds": maxSeconds = Int(); break;
                case "--pg-port": pgPort = Int(); break;
                case "--server-log-level": logLevel = Value(); break;
                case "--chaos": chaos = true; break;
                case "--retry": retry = true; break;
                case "--no-idempotency-keys": keys = false; break;
                case "--no-build": build = false; break;
                case "--keep-data": keep = true; break;
                case "--otlp-sink": otlpSink = true; break;
                case "--port-offset": portOffset = Int(); break;
                case "--server-env":
                    var pair = Value();
                    if (pair.IndexOf('=') is var eq && eq < 1) throw new UsageException("--server-env needs NAME=VALUE");
                    serverEnv[pair[..eq]] = pair[(eq + 1)..];
                    break;
                default: throw new UsageException($"unknown option '{args[i]}'\n{Usage}");
            }
        }
        foreach (var url in (flintUrls ?? []).Append(baselineUrl).OfType<string>())
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.IsLoopback && uri.Host is "127.0.0.1" or "localhost" or "[::1]"))
                throw new UsageException($"the bench talks only to 127.0.0.1: '{url}' is not a loopback URL");
        }
        if (chaos && command is not ("flash-sale" or "renewals")) throw new UsageException("--chaos is for flash-sale and renewals");
        // The baseline has no subscriptions: renewals measures Flint alone.
        if (command == "renewals")
        {
            if (targetGiven && !targets.SequenceEqual([TargetKind.Flint]))
                throw new UsageException("renewals measures Flint only (the baseline has no subscriptions): drop --target or give --target flint");
            targets = [TargetKind.Flint];
        }
        if (chaos && flintUrls is not null) throw new UsageException("--chaos needs silos the bench starts itself (it kills and restarts one): drop --flint-url");
        if (chaos && silos < 2) throw new UsageException("--chaos needs --silos 2 or more (3 is the intended setting)");
        if (chaos) targets = [TargetKind.Flint];
        // The flash sale's database check counts the run merchant's orders: one sale per invocation.
        if (command == "flash-sale" && concurrency.Count > 1) throw new UsageException("flash-sale takes one --concurrency level");
        // The renewals check counts the run merchant's subscriptions, and the concurrency only paces the setup.
        if (command == "renewals" && concurrency.Count > 1) throw new UsageException("renewals takes one --concurrency level (it paces the setup's requests)");
        return new BenchOptions
        {
            Command = command, Targets = targets, FlintUrls = flintUrls, BaselineUrl = baselineUrl, FlintDb = flintDb,
            BaselineDb = baselineDb, AdminToken = adminToken, Stock = stock, Buyers = buyers, Subscriptions = subscriptions, ConcurrencyLevels = concurrency,
            Seconds = seconds, Variants = variants, Coupons = coupons, Warmup = warmup, Silos = flintUrls?.Count ?? silos, Chaos = chaos,
            Retry = retry || chaos, IdempotencyKeys = keys || chaos, Build = build, KeepData = keep, MaxSeconds = maxSeconds,
            PgPort = pgPort, ServerLogLevel = logLevel!, ServerEnv = serverEnv, OtlpSink = otlpSink, PortOffset = portOffset, RawArgs = string.Join(' ', args),
        };
    }
}

public sealed class UsageException(string message) : Exception(message);
