namespace Flint.Bench;

public sealed record Percentiles(double P50, double P95, double P99, double Max, int Count)
{
    public static Percentiles Of(List<double> samples)
    {
        if (samples.Count == 0) return new(0, 0, 0, 0, 0);
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new(Math.Round(At(0.50), 1), Math.Round(At(0.95), 1), Math.Round(At(0.99), 1), Math.Round(sorted[^1], 1), sorted.Length);
    }
}

/// <summary>What one target run counted: latencies (ms) of whole checkouts, of reads and of every request, and
/// outcomes by status and error code. Thread-safe.</summary>
public sealed class Stats
{
    private readonly Lock _gate = new();
    private readonly List<double> _checkouts = [];
    private readonly List<double> _reads = [];
    private readonly List<double> _requests = [];
    private readonly Dictionary<string, List<double>> _steps = [];
    private readonly Dictionary<string, long> _errors = [];
    private readonly Dictionary<string, long> _retries = [];
    private long _okRequests;
    public long Checkouts { get; private set; }
    public long Reads { get; private set; }
    public double LastCheckoutAt { get; private set; }

    public void Request(double ms, string outcome, bool ok)
    {
        lock (_gate)
        {
            _requests.Add(ms);
            if (ok) _okRequests++;
            else _errors[outcome] = _errors.GetValueOrDefault(outcome) + 1;
        }
    }

    /// <summary>Latency of one successful step of a checkout (create, coupon, pay).</summary>
    public void Step(string name, double ms)
    {
        lock (_gate)
        {
            if (!_steps.TryGetValue(name, out var list)) _steps[name] = list = [];
            list.Add(ms);
        }
    }

    public Dictionary<string, Percentiles> Steps()
    {
        lock (_gate) return _steps.ToDictionary(s => s.Key, s => Percentiles.Of(s.Value));
    }

    public void Retried(string outcome)
    {
        lock (_gate) _retries[outcome] = _retries.GetValueOrDefault(outcome) + 1;
    }

    public void Checkout(double ms, double atSeconds)
    {
        lock (_gate)
        {
            _checkouts.Add(ms);
            Checkouts++;
            LastCheckoutAt = Math.Max(LastCheckoutAt, atSeconds);
        }
    }

    public void Read(double ms)
    {
        lock (_gate)
        {
            _reads.Add(ms);
            Reads++;
        }
    }

    public long Requests
    {
        get { lock (_gate) return _requests.Count; }
    }

    public long Errors
    {
        get { lock (_gate) return _errors.Values.Sum(); }
    }

    public (Percentiles Checkout, Percentiles Read, Percentiles Request, Dictionary<string, long> Errors, Dictionary<string, long> Retries, long OkRequests) Snapshot()
    {
        lock (_gate)
        {
            return (Percentiles.Of(_checkouts), Percentiles.Of(_reads), Percentiles.Of(_requests),
                new Dictionary<string, long>(_errors), new Dictionary<string, long>(_retries), _okRequests);
        }
    }
}
