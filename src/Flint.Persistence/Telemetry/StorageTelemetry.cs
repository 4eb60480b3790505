using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flint.Persistence.Telemetry;

/// <summary>
/// Npgsql's own traces (one span per command) and metrics (commands, connection pool), offered to the host's
/// OpenTelemetry setup from here: Npgsql belongs to Flint.Persistence alone (the architecture test keeps it out of
/// the host).
/// </summary>
public static class StorageTelemetry
{
    public static TracerProviderBuilder AddFlintStorageTracing(this TracerProviderBuilder tracing) => tracing.AddNpgsql();

    public static MeterProviderBuilder AddFlintStorageMetrics(this MeterProviderBuilder metrics) => metrics.AddNpgsqlInstrumentation();
}
