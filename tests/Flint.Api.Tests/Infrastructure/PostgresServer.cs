using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;

namespace Flint.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server for tests. Uses the server named by <c>FLINT_TEST_PG</c> (an Npgsql connection string
/// whose user may create databases) when set; otherwise runs a throwaway cluster in a temp directory on a free
/// loopback port, tuned for speed instead of durability, and removes it on dispose.
/// Binary discovery and the root handling mirror <c>deploy/pg-local.sh</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _adminConnectionString;
    private readonly LocalCluster? _cluster;
    private readonly List<string> _createdDatabases = [];
    private readonly Lock _gate = new();
    private int _disposed;

    private PostgresServer(string adminConnectionString, LocalCluster? cluster)
    {
        _adminConnectionString = adminConnectionString;
        _cluster = cluster;
    }

    /// <summary>Connection string of the maintenance database, as a superuser (throwaway) or the configured user.</summary>
    public string AdminConnectionString => _adminConnectionString;

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("FLINT_TEST_PG");
        if (!string.IsNullOrWhiteSpace(external))
        {
            await WaitUntilAcceptingConnectionsAsync(external, logFile: null);
            return new PostgresServer(external, cluster: null);
        }

        // Another process can grab the port between our probe and the postmaster's bind; try a new one then.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var cluster = await LocalCluster.CreateAsync();
            try
            {
                await cluster.StartAsync();
                await WaitUntilAcceptingConnectionsAsync(cluster.AdminConnectionString, cluster.LogFile);
                return new PostgresServer(cluster.AdminConnectionString, cluster);
            }
            catch (Exception e)
            {
                lastFailure = e;
                await cluster.DisposeAsync();
            }
        }

        throw new InvalidOperationException("Could not start a throwaway PostgreSQL cluster after 3 attempts.", lastFailure);
    }

    /// <summary>Creates a new empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"flint_test_{Guid.NewGuid():N}"[..32];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            // template0: template1 may be in use by another session, which makes CREATE DATABASE fail.
            await using var command = new NpgsqlCommand(
                $"CREATE DATABASE {QuoteIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_gate)
        {
            _createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_cluster is not null)
        {
            // The whole cluster goes away, databases included.
            await _cluster.DisposeAsync();
            return;
        }

        // On a shared server, leave nothing behind; FORCE ends pooled sessions still attached (PostgreSQL 13+).
        string[] databases;
        lock (_gate)
        {
            databases = [.. _createdDatabases];
        }

        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            foreach (var database in databases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(database)} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort: a leftover test database must not fail the test run.
        }
    }

    private static async Task WaitUntilAcceptingConnectionsAsync(string connectionString, string? logFile)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < ReadyTimeout)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                // "the database system is starting up" and connection refused are expected for a moment.
                last = e;
                await Task.Delay(200);
            }
        }

        var message = new StringBuilder()
            .Append("PostgreSQL at ").Append(builder.Host).Append(':').Append(builder.Port)
            .Append(" did not accept connections within ").Append(ReadyTimeout.TotalSeconds).Append(" s. Last error: ")
            .Append(last?.Message);
        if (logFile is not null && File.Exists(logFile))
        {
            message.AppendLine().Append("Server log (").Append(logFile).AppendLine("):").Append(Tail(logFile));
        }

        throw new TimeoutException(message.ToString(), last);
    }

    private static string QuoteIdentifier(string identifier) =>
        "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Tail(string file, int lines = 30)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }

    /// <summary>An initdb'd cluster in a temp directory, run by pg_ctl.</summary>
    private sealed class LocalCluster : IAsyncDisposable
    {
        private const string Superuser = "flint";

        private readonly string _binDirectory;
        private readonly string? _runAsUser;
        private readonly string _root;
        private readonly int _port;

        private LocalCluster(string binDirectory, string? runAsUser, string root, int port)
        {
            _binDirectory = binDirectory;
            _runAsUser = runAsUser;
            _root = root;
            _port = port;
        }

        private string DataDirectory => Path.Combine(_root, "data");

        public string LogFile => Path.Combine(_root, "postgres.log");

        public string AdminConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = Superuser,
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 50,
        }.ConnectionString;

        public static async Task<LocalCluster> CreateAsync()
        {
            var binDirectory = FindBinDirectory()
                ?? throw new InvalidOperationException(
                    "PostgreSQL server binaries not found: sudo apt-get install -y postgresql " +
                    "(or set FLINT_TEST_PG to the connection string of a server where the tests may create databases).");

            // initdb and postgres refuse to run as root; then the cluster belongs to an unprivileged user, and
            // its directory must sit where that user can reach it (/tmp is world-searchable, $TMPDIR may not be).
            var runAsUser = IsRoot() ? PickUnprivilegedUser() : null;
            var parent = runAsUser is null ? Path.GetTempPath() : "/tmp";
            var root = Path.Combine(parent, $"flint-pg-{Guid.NewGuid():N}"[..22]);
            Directory.CreateDirectory(root);

            var cluster = new LocalCluster(binDirectory, runAsUser, root, FreeLoopbackPort());
            try
            {
                await cluster.InitAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }

            return cluster;
        }

        private async Task InitAsync()
        {
            if (_runAsUser is not null)
            {
                await RunAsync("chown", ["-R", _runAsUser + ":", _root], asClusterOwner: false, TimeSpan.FromSeconds(30));
            }

            await StartSentinelAsync();

            await RunAsync(
                Path.Combine(_binDirectory, "initdb"),
                ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                asClusterOwner: true,
                TimeSpan.FromSeconds(120));

            // Appended, not passed with pg_ctl -o, so no value ever goes through a shell. Durability is traded
            // for speed: the cluster is deleted after the run anyway.
            var settings = $"""

                # Flint test cluster
                listen_addresses = '127.0.0.1'
                port = {_port}
                unix_socket_directories = '{_root}'
                max_connections = 300
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                """;
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings);
        }

        public Task StartAsync() => RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)ReadyTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            asClusterOwner: true,
            ReadyTimeout + TimeSpan.FromSeconds(10),
            failureDetail: () => Tail(LogFile));

        public async ValueTask DisposeAsync()
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                try
                {
                    // Immediate: nothing in a throwaway cluster is worth a checkpoint.
                    await RunAsync(
                        Path.Combine(_binDirectory, "pg_ctl"),
                        ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"],
                        asClusterOwner: true,
                        TimeSpan.FromSeconds(40));
                }
                catch (InvalidOperationException)
                {
                    // Not running (e.g. it failed to start); the directory still has to go.
                }
            }

            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover temp directory must not fail the test run.
            }
        }

        /// <summary>
        /// The postmaster outlives a test process that is killed (test timeout, Ctrl+C, crash) before it can
        /// dispose us. A detached shell watches this process and, once it is gone, stops the cluster and deletes
        /// its directory; it exits by itself as soon as the directory disappears (normal dispose).
        /// Best effort: without util-linux's setsid there is no sentinel.
        /// </summary>
        private async Task StartSentinelAsync()
        {
            const string script = """
                while [ -d "/proc/$1" ] && [ -d "$2" ]; do sleep 2; done
                if [ -d "$2" ]; then "$4" stop -D "$3" -m immediate -w -t 30 >/dev/null 2>&1; rm -rf "$2"; fi
                """;
            // Launched with /dev/null as stdin/stdout/stderr: a sentinel holding our pipes (or the test host's
            // console) open would make readers wait for it.
            List<string> command = ["-c", "exec \"$@\" </dev/null >/dev/null 2>&1", "flint-pg-launch", "setsid", "-f"];
            if (_runAsUser is not null)
            {
                command.AddRange(["runuser", "-u", _runAsUser, "--"]);
            }

            command.AddRange(["sh", "-c", script, "flint-pg-sentinel",
                Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), _root, DataDirectory,
                Path.Combine(_binDirectory, "pg_ctl")]);
            try
            {
                await RunAsync("sh", command, asClusterOwner: false, TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // No sentinel: a killed test run may leave this cluster behind, nothing worse.
            }
        }

        private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asClusterOwner, TimeSpan timeout, Func<string>? failureDetail = null)
        {
            var startInfo = new ProcessStartInfo
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // The cluster owner may not be allowed into the caller's working directory.
                WorkingDirectory = _root,
            };
            if (asClusterOwner && _runAsUser is not null)
            {
                startInfo.FileName = "runuser";
                startInfo.ArgumentList.Add("-u");
                startInfo.ArgumentList.Add(_runAsUser);
                startInfo.ArgumentList.Add("--");
                startInfo.ArgumentList.Add(fileName);
            }
            else
            {
                startInfo.FileName = fileName;
            }

            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var process = Process.Start(startInfo)
                ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
            // Read both streams concurrently so a chatty child cannot block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();

            using var timeoutSource = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{Describe(startInfo)} did not finish within {timeout.TotalSeconds} s.");
            }

            // The postmaster started by pg_ctl must not keep our pipes open; don't wait on them forever.
            var output = await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(5))) is Task<string[]> { IsCompletedSuccessfully: true } both
                ? string.Concat(both.Result)
                : string.Empty;

            if (process.ExitCode != 0)
            {
                var detail = failureDetail?.Invoke();
                throw new InvalidOperationException(
                    $"{Describe(startInfo)} exited with code {process.ExitCode}.{Environment.NewLine}{output}" +
                    (string.IsNullOrEmpty(detail) ? string.Empty : Environment.NewLine + detail));
            }
        }

        private static string Describe(ProcessStartInfo startInfo) =>
            startInfo.FileName + " " + string.Join(' ', startInfo.ArgumentList);

        /// <summary>initdb and pg_ctl from PATH, else the highest /usr/lib/postgresql/&lt;version&gt;/bin.</summary>
        private static string? FindBinDirectory()
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
                {
                    return directory;
                }
            }

            const string debianRoot = "/usr/lib/postgresql";
            if (!Directory.Exists(debianRoot))
            {
                return null;
            }

            return Directory.GetDirectories(debianRoot)
                .Select(directory => (directory, version: Version.TryParse(NormaliseVersion(Path.GetFileName(directory)), out var v) ? v : null))
                .Where(candidate => candidate.version is not null)
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.directory, "bin"))
                .FirstOrDefault(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")));

            // "15" is not a System.Version; "15.0" is.
            static string NormaliseVersion(string name) => name.Contains('.', StringComparison.Ordinal) ? name : name + ".0";
        }

        private static string PickUnprivilegedUser()
        {
            var users = File.Exists("/etc/passwd")
                ? File.ReadLines("/etc/passwd").Select(line => line.Split(':')[0]).ToHashSet(StringComparer.Ordinal)
                : [];
            if (users.Contains("postgres"))
            {
                return "postgres";
            }

            if (users.Contains("nobody"))
            {
                return "nobody";
            }

            throw new InvalidOperationException(
                "Running as root, and neither a 'postgres' nor a 'nobody' user exists to own the test cluster " +
                "(initdb refuses to run as root). Create one, or set FLINT_TEST_PG.");
        }

        private static bool IsRoot() => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && GetEffectiveUserId() == 0;

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint GetEffectiveUserId();

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
