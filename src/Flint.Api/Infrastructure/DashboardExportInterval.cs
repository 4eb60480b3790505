using System.Reflection;

namespace Flint.Api.Infrastructure;

/// <summary>
/// How often the Orleans dashboard collects the silo's metrics: every 10 s instead of its 1 s default.
/// </summary>
/// <remarks>
/// <para>Why: each collection reads every Orleans instrument, the grain directory's size among them (counted entry by
/// entry); at 1 s that was ~7 % of a busy silo's CPU in the benchmark. Every 10 s is enough to watch a cluster.</para>
/// <para>Why by reflection: Orleans.Dashboard 10.4.2 has no supported way. Its public surface is
/// <c>DashboardOptions</c> (<c>HideTrace</c>, <c>HistoryLength</c>, and <c>CounterUpdateIntervalMs</c>, which is how
/// often the browser polls, not how often the silo collects), <c>GrainProfilerOptions</c>, <c>AddDashboard</c> and
/// <c>MapOrleansDashboard</c>. The interval is <c>internal int ExportIntervalMilliseconds { get; init; } = 1000</c> on
/// the internal <c>DashboardHost</c> (a DI singleton), which builds its own OpenTelemetry <c>MeterProvider</c>
/// (<c>new PeriodicExportingMetricReader(exporter, ExportIntervalMilliseconds, …)</c>, so neither the OpenTelemetry
/// options nor OTEL_METRIC_EXPORT_INTERVAL reach it) when the silo starts; the package grants
/// <c>InternalsVisibleTo</c> only to its own tests and benchmarks. So the property is set here, on the built host,
/// before the silo starts.</para>
/// <para>If a later package renames or drops it, this logs a warning and the dashboard keeps its default; the test
/// <c>The_dashboard_collects_the_silo_metrics_every_ten_seconds_not_every_second</c> then fails, so an upgrade
/// notices. Kept in this one file so that nothing else depends on the package's internals.</para>
/// </remarks>
public static class DashboardExportInterval
{
    public const int Milliseconds = 10_000;

    public static void Apply(IServiceProvider services)
    {
        if (Type.GetType("Orleans.Dashboard.DashboardHost, Orleans.Dashboard") is { } hostType
            && hostType.GetProperty("ExportIntervalMilliseconds", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is { CanWrite: true } interval
            && services.GetService(hostType) is { } dashboard)
        {
            interval.SetValue(dashboard, Milliseconds);
            return;
        }
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardExportInterval))
            .LogWarning("The Orleans dashboard's export interval could not be set; it collects metrics at its own default.");
    }
}
