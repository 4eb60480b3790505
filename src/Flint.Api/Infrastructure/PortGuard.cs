using System.Net;
using System.Net.Sockets;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Refuses to start a process whose HTTP, silo or gateway port is already taken, before the silo writes anything.
/// </summary>
/// <remarks>
/// Without this, a second start with the same settings (a double <c>./run.sh</c>, a supervisor restarting before
/// the old process is gone) joined the membership table with a newer generation on the same silo address and only
/// then failed to bind HTTP; the running silo, superseded by an entry for its own address, was declared dead and
/// stopped. Checking the ports first leaves the membership table and the running silo untouched. A real restart is
/// not affected: a dead process (also after <c>kill -9</c>) holds no listening socket, so its ports are free and the
/// new silo replaces the dead entry at once, as before. Two processes started in the same instant can both pass the
/// check; one of them then fails to bind as before — run several silos on one machine with distinct ports.
/// </remarks>
public static class PortGuard
{
    /// <summary>Thrown when a port is taken; the process entry point reports it and exits non-zero.</summary>
    public sealed class PortsInUseException(string message) : Exception(message);

    public static async Task EnsureFreeAsync(FlintSettings settings, CancellationToken ct = default)
    {
        var siloAddress = settings.AdvertisedAddress();
        // The silo listens on the advertised address, or on every address when it is not loopback (FlintHost).
        var siloBind = IPAddress.IsLoopback(siloAddress) ? siloAddress : IPAddress.Any;
        var wanted = HttpEndpoints(settings.Urls)
            .Select(e => (What: $"HTTP {e}", Endpoint: e))
            .Append((What: $"silo port {settings.SiloPort}", Endpoint: new IPEndPoint(siloBind, settings.SiloPort)))
            .Append((What: $"gateway port {settings.GatewayPort}", Endpoint: new IPEndPoint(siloBind, settings.GatewayPort)));

        var taken = new List<string>();
        foreach (var (what, endpoint) in wanted)
        {
            if (endpoint.Port != 0 && !await CanListen(endpoint, ct)) taken.Add(what);
        }
        if (taken.Count > 0)
        {
            throw new PortsInUseException(
                $"Not starting: {string.Join(", ", taken)} already in use (another Flint silo with the same settings, or " +
                "another program). Nothing was written to the cluster. To run several silos on one machine, give each its " +
                "own FLINT_URLS, FLINT_SILO_PORT and FLINT_GATEWAY_PORT (./run.sh --silos N does).");
        }
    }

    /// <summary>Free unless a socket is listening on it: a bind that fails only because of connections a dead process
    /// left behind (TIME_WAIT after <c>kill -9</c>) does not count, since nobody answers a connect there.</summary>
    private static async Task<bool> CanListen(IPEndPoint endpoint, CancellationToken ct)
    {
        try
        {
            using var listener = new TcpListener(endpoint);
            listener.Start();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse)
        {
            return !await SomeoneListens(endpoint, ct);
        }
    }

    private static async Task<bool> SomeoneListens(IPEndPoint endpoint, CancellationToken ct)
    {
        var target = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address;
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(target, endpoint.Port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The endpoints Kestrel will bind for FLINT_URLS (';' or ',' separated); a host name other than an IP
    /// literal or localhost means every address, as Kestrel treats it.</summary>
    private static IEnumerable<IPEndPoint> HttpEndpoints(string urls)
    {
        foreach (var raw in urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards ("http://*:5080", "http://+:5080") are not valid URI hosts.
            var url = raw.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) continue;
            var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host, out _) ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip
                : IPAddress.Any;
            yield return new IPEndPoint(address, uri.Port);
        }
    }
}
