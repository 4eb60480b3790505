using System.Diagnostics;
using Npgsql;

namespace Flint.Bench;

/// <summary>One server process the bench started: its command, environment and log, so it can be killed and started again.</summary>
public sealed class ServerProcess(string name, string url, string workingDirectory, string command, IReadOnlyDictionary<string, string> env, string logFile)
{
    public string Name { get; } = name;
    public string Url { get; } = url;
    public Process? Process { get; private set; }
    public int Pid => Process?.Id ?? 0;
    public bool Running => Process is { HasExited: false };

    public void Start()
    {
        // exec through sh so the pid is the server's own (CPU figures, kill -9) and its output goes to the log file.
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"exec {command} >>'{logFile}' 2>&1"])
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        File.AppendAllText(logFile, $"--- bench: starting {Name} at {DateTime.UtcNow:O}\n");
        Process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Name}");
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything (Process.Kill sends SIGKILL on Linux).</summary>
    public void KillHard()
    {
        if (Running) Process!.Kill();
        Process?.WaitForExit(10_000);
    }

    public async Task StopGracefully(TimeSpan timeout)
    {
        if (!Running) return;
        using (var term = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process!.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }
    }

    public async Task WaitReady(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!Running)
                throw new BenchException($"{Name} exited during start (exit code {Process?.ExitCode}); last log lines:\n{Tail(logFile, 25)}");
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var resp = await http.GetAsync(Url + "/health/ready", cts.Token);
                if (resp.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException) { }
            await Task.Delay(500);
        }
        throw new BenchException($"{Name} did not become ready at {Url}/health/ready within {timeout.TotalSeconds:0} s; log: {logFile}\n{Tail(logFile, 25)}");
    }

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";
}

/// <summary>
/// What the bench starts when it is not given URLs: its own PostgreSQL (deploy/pg-local.sh with data under
/// bench/.work/pg), Flint (built once into bench/.work/flint, N silos of one cluster) and the baseline
/// (bench/.work/baseline). Everything listens on 127.0.0.1 only and is stopped at the end.
/// </summary>
public sealed class LocalStack(BenchOptions options, string repoRoot) : IAsyncDisposable
{
    private readonly string _work = Path.Combine(repoRoot, "bench", ".work");
    private bool _pgStarted;
    private bool _flintBuilt, _baselineBuilt;
    private readonly List<ServerProcess> _servers = [];
    public string AdminToken { get; } = "bench-admin-" + Guid.NewGuid().ToString("N");
    /// <summary>The loopback OTLP receiver of <c>--otlp-sink</c>, started with the first silo.</summary>
    public OtlpSink? Sink { get; private set; }

    public string PgDataDir => Path.Combine(_work, "pg");
    public string PostgresUrl(string database) =>
        $"Host=127.0.0.1;Port={options.PgPort};Username=flint;Database={database};Pooling=true;Maximum Pool Size=50";

    /// <summary>The postmaster's pid, for the CPU figures of the database.</summary>
    public int? PostmasterPid =>
        _pgStarted && File.Exists(Path.Combine(PgDataDir, "postmaster.pid"))
            && int.TryParse(File.ReadLines(Path.Combine(PgDataDir, "postmaster.pid")).First(), out var pid) ? pid : null;

    public async Task StartPostgres()
    {
        if (_pgStarted) return;
        Directory.CreateDirectory(_work);
        await Run(Path.Combine(repoRoot, "deploy", "pg-local.sh"), ["start"], PgEnv(), "starting PostgreSQL");
        _pgStarted = true;
        if (!options.KeepData)
        {
            // A fresh database per invocation: figures do not depend on what earlier runs left behind.
            await using var admin = NpgsqlDataSource.Create(PostgresUrl("postgres"));
            foreach (var db in new[] { "flint", "baseline" })
            {
                await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
                await drop.ExecuteNonQueryAsync();
            }
        }
        await EnsureDatabase("baseline");
    }

    private async Task EnsureDatabase(string name)
    {
        await using var admin = NpgsqlDataSource.Create(PostgresUrl("postgres"));
        await using var exists = admin.CreateCommand("SELECT 1 FROM pg_database WHERE datname = @n");
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = admin.CreateCommand($"CREATE DATABASE {name}");
            await create.ExecuteNonQueryAsync();
        }
    }

    private Dictionary<string, string> PgEnv() => new() { ["FLINT_PG_DATA"] = PgDataDir, ["FLINT_PG_PORT"] = options.PgPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public async Task BuildFlint()
    {
        if (_flintBuilt) return;
        var output = Path.Combine(_work, "flint");
        if (options.Build || !File.Exists(Path.Combine(output, "Flint.Api.dll")))
            await Run("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", Path.Combine(repoRoot, "src", "Flint.Api", "Flint.Api.csproj"), "-o", output], [], "building Flint (Release)");
        _flintBuilt = true;
    }

    public async Task BuildBaseline()
    {
        if (_baselineBuilt) return;
        var output = Path.Combine(_work, "baseline");
        if (options.Build || !File.Exists(Path.Combine(output, "Flint.Baseline.dll")))
            await Run("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", Path.Combine(repoRoot, "bench", "Flint.Baseline", "Flint.Baseline.csproj"), "-o", output], [], "building the baseline (Release)");
        _baselineBuilt = true;
    }

    /// <summary>Starts <paramref name="silos"/> Flint processes of one cluster (distinct HTTP, silo and gateway ports,
    /// the same cluster id and database) and waits until every one is ready.</summary>
    public async Task<IReadOnlyList<ServerProcess>> StartFlint(int silos, HttpClient http)
    {
        await StartPostgres();
        await BuildFlint();
        var output = Path.Combine(_work, "flint");
        var cluster = "bench-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        // Each silo has two pools (Flint's data source and the Orleans providers'); keep the cluster under max_connections (200).
        var pool = Math.Max(10, Math.Min(50, 90 / silos));
        if (options.OtlpSink) Sink ??= new OtlpSink(54318 + options.PortOffset);
        var list = new List<ServerProcess>();
        for (var i = 0; i < silos; i++)
        {
            var url = $"http://127.0.0.1:{5181 + options.PortOffset + i}";
            var env = new Dictionary<string, string>
            {
                ["ConnectionStrings__Flint"] = PostgresUrl("flint").Replace("Maximum Pool Size=50", $"Maximum Pool Size={pool}", StringComparison.Ordinal),
                ["FLINT_URLS"] = url,
                ["FLINT_SILO_PORT"] = (11311 + options.PortOffset + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["FLINT_GATEWAY_PORT"] = (30301 + options.PortOffset + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["FLINT_CLUSTER_ID"] = cluster,
                ["FLINT_ADMIN_TOKEN"] = AdminToken,
                ["Logging__LogLevel__Default"] = options.ServerLogLevel,
            };
            foreach (var (name, value) in (Sink?.Environment ?? new Dictionary<string, string>()).Concat(options.ServerEnv)) env[name] = value;
            var server = new ServerProcess($"flint-silo-{i}", url, output, $"dotnet '{Path.Combine(output, "Flint.Api.dll")}'", env,
                Path.Combine(_work, $"flint-silo-{i}.log"));
            server.Start();
            _servers.Add(server);
            list.Add(server);
            // The first silo applies the schema; the others start once it is up, like a rolling start.
            if (i == 0) await server.WaitReady(http, TimeSpan.FromMinutes(3));
        }
        foreach (var s in list) await s.WaitReady(http, TimeSpan.FromMinutes(3));
        return list;
    }

    public async Task<ServerProcess> StartBaseline(HttpClient http)
    {
        await StartPostgres();
        await BuildBaseline();
        var output = Path.Combine(_work, "baseline");
        var url = $"http://127.0.0.1:{5190 + options.PortOffset}";
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Baseline"] = PostgresUrl("baseline"),
            ["BASELINE_URLS"] = url,
            ["Logging__LogLevel__Default"] = options.ServerLogLevel,
        };
        var server = new ServerProcess("baseline", url, output, $"dotnet '{Path.Combine(output, "Flint.Baseline.dll")}'", env,
            Path.Combine(_work, "baseline.log"));
        server.Start();
        _servers.Add(server);
        await server.WaitReady(http, TimeSpan.FromMinutes(2));
        return server;
    }

    public async Task StopServers(IEnumerable<ServerProcess> servers)
    {
        await Task.WhenAll(servers.Select(s => s.StopGracefully(TimeSpan.FromSeconds(40))));
    }

    public async ValueTask DisposeAsync()
    {
        await StopServers(_servers.Where(s => s.Running));
        if (Sink is not null) await Sink.DisposeAsync();
        if (_pgStarted)
        {
            try
            {
                await Run(Path.Combine(repoRoot, "deploy", "pg-local.sh"), ["stop"], PgEnv(), "stopping PostgreSQL");
            }
            catch (BenchException e)
            {
                Console.Error.WriteLine(e.Message);
            }
        }
    }

    private static async Task Run(string file, string[] args, Dictionary<string, string> env, string what)
    {
        Console.Error.WriteLine($"bench: {what}…");
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new BenchException($"could not run {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new BenchException($"{what} failed (exit {p.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}

public sealed class BenchException(string message) : Exception(message);
