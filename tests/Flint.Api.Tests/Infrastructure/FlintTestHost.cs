using System.Net;
using System.Net.Sockets;
using Flint.Api;
using Microsoft.AspNetCore.Builder;

namespace Flint.Api.Tests.Infrastructure;

/// <summary>A real Flint host (Orleans silo + Kestrel on a loopback port) on a real PostgreSQL database.</summary>
public sealed class FlintTestHost : IAsyncDisposable
{
    private WebApplication? _app;

    private FlintTestHost(WebApplication app, Uri baseAddress, IReadOnlyDictionary<string, string?> settings)
    {
        _app = app;
        BaseAddress = baseAddress;
        Settings = settings;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }
    /// <summary>The configuration the host was started with (ports, cluster id, connection string).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public HttpClient Client { get; }
    /// <summary>The host's services (e.g. the grain storage, to look at its counters).</summary>
    public IServiceProvider Services => (_app ?? throw new ObjectDisposedException(nameof(FlintTestHost))).Services;
    public const string AdminToken = "test-admin-token-0123456789";

    /// <param name="overrides">Extra configuration (e.g. FLINT_RATE_LIMIT_PER_SECOND) on top of the test defaults.</param>
    public static async Task<FlintTestHost> StartAsync(string connectionString, string clusterId = "flint-test",
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var http = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Flint"] = connectionString,
            ["FLINT_URLS"] = $"http://127.0.0.1:{http}",
            ["FLINT_SILO_PORT"] = FreePort().ToString(),
            ["FLINT_GATEWAY_PORT"] = FreePort().ToString(),
            ["FLINT_CLUSTER_ID"] = clusterId,
            ["FLINT_ADMIN_TOKEN"] = AdminToken,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
            ["Logging:LogLevel:Microsoft"] = "Error",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var app = await FlintHost.CreateAsync([], settings);
        await app.StartAsync();
        return new FlintTestHost(app, new Uri($"http://127.0.0.1:{http}"), settings);
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
