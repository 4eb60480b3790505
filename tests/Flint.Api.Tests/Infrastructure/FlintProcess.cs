using System.Diagnostics;

namespace Flint.Api.Tests.Infrastructure;

/// <summary>A Flint silo as a process of its own (<c>dotnet Flint.Api.dll</c>, as ./run.sh starts it): for the tests
/// that start it twice or kill it with SIGKILL, which an in-process host cannot survive.</summary>
public static class FlintProcess
{
    /// <summary>Started and its output drained, so a chatty log never blocks it on a full pipe.</summary>
    /// <param name="settings">Environment variables (ConnectionStrings__Flint, FLINT_URLS, ports, cluster id, …).</param>
    public static Process Start(IReadOnlyDictionary<string, string?> settings)
    {
        var process = Process.Start(StartInfo(settings))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>How ./run.sh starts a silo, output redirected (for a test that reads it).</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Flint.Api.dll") },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings) start.Environment[name] = value;
        return start;
    }

    /// <summary>A silo's environment as ./run.sh gives it: the database, free ports (the silo port given or a free one),
    /// the cluster and the tests' admin token. Add to it what a test needs besides.</summary>
    public static Dictionary<string, string?> Settings(string db, string clusterId, int? siloPort = null) => new()
    {
        ["ConnectionStrings__Flint"] = db,
        ["FLINT_URLS"] = $"http://127.0.0.1:{FreePort()}",
        ["FLINT_SILO_PORT"] = (siloPort ?? FreePort()).ToString(),
        ["FLINT_GATEWAY_PORT"] = FreePort().ToString(),
        ["FLINT_CLUSTER_ID"] = clusterId,
        ["FLINT_ADMIN_TOKEN"] = FlintTestHost.AdminToken,
    };

    public static async Task WaitReady(HttpClient http, Process process)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            Assert.False(process.HasExited, $"Flint exited during start with code {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        Assert.Fail("Flint did not become ready within 90 s.");
    }

    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
