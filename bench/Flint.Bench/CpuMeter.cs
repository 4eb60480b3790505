using System.Globalization;

namespace Flint.Bench;

/// <summary>
/// CPU seconds (user + system) used by the server processes during a measurement, from /proc/&lt;pid&gt;/stat.
/// A process killed mid-run is read just before the kill; PostgreSQL counts the postmaster, its live backends,
/// and (through cutime/cstime) backends that exited while it waited for them.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on
    private readonly Dictionary<int, double> _start = [];
    private readonly Dictionary<int, double> _final = [];
    private double _pgStart;
    private readonly int? _postmaster;

    public CpuMeter(IEnumerable<int> appPids, int? postmasterPid)
    {
        _postmaster = postmasterPid;
        foreach (var pid in appPids) _start[pid] = Read(pid, children: false) ?? 0;
        _pgStart = _postmaster is { } pm ? PostgresTotal(pm) : 0;
    }

    /// <summary>A process started during the run (a restarted silo): all its CPU counts.</summary>
    public void Add(int pid) => _start[pid] = 0;

    /// <summary>Call right before killing <paramref name="pid"/>: its figure is gone afterwards.</summary>
    public void Capture(int pid)
    {
        if (Read(pid, children: false) is { } v) _final[pid] = v;
    }

    public (double App, double? Postgres) Stop()
    {
        double app = 0;
        foreach (var (pid, start) in _start)
        {
            var end = _final.TryGetValue(pid, out var f) ? f : Read(pid, children: false) ?? start;
            app += Math.Max(0, end - start);
        }
        double? pg = _postmaster is { } pm ? Math.Max(0, PostgresTotal(pm) - _pgStart) : null;
        return (Math.Round(app, 2), pg is null ? null : Math.Round(pg.Value, 2));
    }

    private static double PostgresTotal(int postmaster)
    {
        var total = Read(postmaster, children: true) ?? 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Fields(pid) is { } f && f.Length > 2 && f[1] == postmaster.ToString(CultureInfo.InvariantCulture))
                total += Read(pid, children: false) ?? 0;
        }
        return total;
    }

    private static double? Read(int pid, bool children)
    {
        if (Fields(pid) is not { Length: > 14 } f) return null;
        // After the ")" of the command name: field 3 is state, so utime (14) and stime (15) are f[11], f[12];
        // cutime (16) and cstime (17) are f[13], f[14].
        var ticks = double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture);
        if (children) ticks += double.Parse(f[13], CultureInfo.InvariantCulture) + double.Parse(f[14], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }

    /// <summary>The fields of /proc/pid/stat after the command name: [0] state, [1] ppid, …</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
