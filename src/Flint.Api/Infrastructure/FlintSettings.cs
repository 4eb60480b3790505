namespace Flint.Api.Infrastructure;

/// <summary>Everything the host reads from the environment (or appsettings), in one place.</summary>
public sealed record FlintSettings(
    string ConnectionString,
    string Urls,
    int SiloPort,
    int GatewayPort,
    string ClusterId,
    string ServiceId,
    string? AdminToken,
    string SiloAddress)
{
    /// <summary>Requests per second each API key may make (token bucket refill); 0 turns rate limiting off.</summary>
    public int RateLimitPerSecond { get; init; } = 2000;

    /// <summary>How many requests a key may make at once before the per-second rate applies (bucket size).</summary>
    public int RateLimitBurst { get; init; } = 4000;

    /// <summary>Wrong device pairing codes one client address may send per minute (per silo) before 429.</summary>
    public int WrongPairingCodesPerMinute { get; init; } = 10;

    /// <summary>How often each silo looks for payments left pending by a process that died (one indexed query).</summary>
    public TimeSpan PendingSweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a payment may stay pending before its order is asked to resume it. A saga normally takes
    /// milliseconds; waking one that is still running (a slow processor) is harmless: the call waits for the order's
    /// current call to end and then finds nothing in flight. With the sweep interval, a saga whose silo died and whose
    /// order nobody touches settles within 15 s (an order that is touched resumes on activation, at once).</summary>
    public TimeSpan PendingSweepAge { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The shortest period a reminder may have (Orleans' ReminderOptions.MinimumReminderPeriod); null keeps
    /// Orleans' default of one minute. Tests lower it to watch a subscription bill within seconds.</summary>
    public TimeSpan? ReminderMinimumPeriod { get; init; }

    /// <summary>How often each silo looks for webhook deliveries that are due (one indexed query when there are none).</summary>
    public TimeSpan WebhookPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed webhook delivery is a silo's before another may send it (the silo may have died).
    /// Longer than one delivery can take (its 10 s timeout).</summary>
    public TimeSpan WebhookLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The address other silos reach this one on: loopback by default (one machine), "auto" for the
    /// first IPv4 address of the host (containers), or an explicit IP.</summary>
    public System.Net.IPAddress AdvertisedAddress() => SiloAddress switch
    {
        "" or "loopback" => System.Net.IPAddress.Loopback,
        "auto" => System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
            ?? System.Net.IPAddress.Loopback,
        var ip => System.Net.IPAddress.Parse(ip),
    };

    public static FlintSettings From(IConfiguration c)
    {
        string? Get(string key) => string.IsNullOrWhiteSpace(c[key]) ? null : c[key];
        return new FlintSettings(
            ConnectionString: c.GetConnectionString("Flint") ?? Get("FLINT_CONNECTION_STRING")
                ?? throw new InvalidOperationException("Set ConnectionStrings__Flint to a PostgreSQL connection string."),
            Urls: Get("FLINT_URLS") ?? "http://127.0.0.1:5080",
            SiloPort: int.Parse(Get("FLINT_SILO_PORT") ?? "11111"),
            GatewayPort: int.Parse(Get("FLINT_GATEWAY_PORT") ?? "30000"),
            ClusterId: Get("FLINT_CLUSTER_ID") ?? "flint-local",
            ServiceId: Get("FLINT_SERVICE_ID") ?? "flint",
            AdminToken: Get("FLINT_ADMIN_TOKEN"),
            SiloAddress: Get("FLINT_SILO_ADDRESS") ?? "loopback")
        {
            RateLimitPerSecond = NonNegative("FLINT_RATE_LIMIT_PER_SECOND", 2000),
            // Without an explicit burst, a key may spend two seconds' worth at once.
            RateLimitBurst = NonNegative("FLINT_RATE_LIMIT_BURST", 2 * NonNegative("FLINT_RATE_LIMIT_PER_SECOND", 2000)),
            WrongPairingCodesPerMinute = Math.Max(1, NonNegative("FLINT_WRONG_PAIRING_CODES_PER_MINUTE", 10)),
            PendingSweepInterval = TimeSpan.FromSeconds(Math.Max(1, NonNegative("FLINT_PENDING_SWEEP_SECONDS", 5))),
            PendingSweepAge = TimeSpan.FromSeconds(NonNegative("FLINT_PENDING_AGE_SECONDS", 10)),
            WebhookPollInterval = TimeSpan.FromMilliseconds(Math.Max(50, NonNegative("FLINT_WEBHOOK_POLL_MS", 1000))),
            WebhookLease = TimeSpan.FromSeconds(Math.Max(1, NonNegative("FLINT_WEBHOOK_LEASE_SECONDS", 30))),
            ReminderMinimumPeriod = Get("FLINT_REMINDER_MIN_PERIOD_SECONDS") is null ? null
                : TimeSpan.FromSeconds(Math.Max(1, NonNegative("FLINT_REMINDER_MIN_PERIOD_SECONDS", 60))),
        };

        int NonNegative(string key, int fallback)
        {
            var raw = Get(key);
            if (raw is null) return fallback;
            return int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v : throw new InvalidOperationException($"{key} must be a whole number ≥ 0 (got '{raw}').");
        }
    }
}
