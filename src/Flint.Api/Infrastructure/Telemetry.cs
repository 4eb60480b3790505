using System.Globalization;
using Flint.Abstractions;
using Flint.Persistence.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Flint.Api.Infrastructure;

/// <summary>
/// OpenTelemetry for operators: the metrics the bench reads (Flint's own meter, Orleans' activations and grain calls,
/// ASP.NET Core's requests, the database driver's commands and pool) on a Prometheus scrape endpoint behind the admin
/// token (<see cref="MetricsPath"/>), and exported over OTLP with traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
/// <remarks>
/// <para>Traces exist only with OTLP (nothing else would read them), so a silo without an OTLP endpoint pays nothing
/// for tracing: no trace provider and no Orleans activity propagation filters. With OTLP they are sampled parent-based:
/// a request that arrives with a sampled <c>traceparent</c> is traced, others at <see cref="DefaultTraceRatio"/> unless
/// <c>OTEL_TRACES_SAMPLER_ARG</c> says otherwise (any other sampler: <c>OTEL_TRACES_SAMPLER</c>, read by the SDK).
/// <c>OTEL_SDK_DISABLED=true</c> turns all of it off.</para>
/// <para>Why the Prometheus exporter is a prerelease (OpenTelemetry.Exporter.Prometheus.AspNetCore 1.20.1-beta.1): it
/// is the only version served here and has been "beta" upstream for years while scraped in production; it restores
/// against OpenTelemetry 1.21.0 (it asks for ≥ 1.20.1), and HostEndpointsApiTests scrapes it. Writing the text format
/// by hand from a MetricReader would be more code of ours to keep right for no gain.</para>
/// </remarks>
public static class Telemetry
{
    /// <summary>Under /ops, which <see cref="OpsAuthorization"/> keeps for the admin token (the names of grains and
    /// the rates of a merchant's traffic are not for everyone).</summary>
    public const string MetricsPath = "/ops/metrics";

    /// <summary>One trace in a hundred: enough to see where a slow checkout spends its time, cheap enough to leave on.</summary>
    public const double DefaultTraceRatio = 0.01;

    /// <summary>Orleans' instruments worth a series each (meter "Microsoft.Orleans", names as in Orleans 10.4.2's
    /// InstrumentNames). The rest are dropped: the directory's and the messaging's are many, some are counted entry
    /// by entry on each collection, and none answers "did the grains move, are calls slow".</summary>
    public static readonly IReadOnlySet<string> OrleansInstruments = new HashSet<string>(StringComparer.Ordinal)
    {
        "orleans-catalog-activations",                 // activations on this silo now
        "orleans-catalog-activation-created",
        "orleans-catalog-activation-destroyed",
        "orleans-catalog-activation-failed-to-activate",
        "orleans-catalog-activation-collections",
        "orleans-grains",                              // activations by grain type
        "orleans-app-requests-latency",
        "orleans-app-requests-timedout",
        "orleans-messaging-sent-failed",
        "orleans-messaging-rejected",
    };

    private const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplicationBuilder AddFlintTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var otlp = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("flint", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FlintMeter.Name, OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddFlintStorageMetrics()
                    .AddView(i => i.Meter.Name == OrleansMeter && !OrleansInstruments.Contains(i.Name) ? MetricStreamConfiguration.Drop : null)
                    .AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        if (otlp)
        {
            otel.WithTracing(tracing =>
            {
                if (string.IsNullOrWhiteSpace(config["OTEL_TRACES_SAMPLER"]))
                    tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(TraceRatio(config["OTEL_TRACES_SAMPLER_ARG"]))));
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsOperations(ctx.Request.Path))
                    .AddFlintStorageTracing()
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName,
                        ActivitySources.LifecycleActivitySourceName, ActivitySources.StorageActivitySourceName)
                    .AddOtlpExporter();
            });
            // Grain calls carry the caller's trace context to the silo that runs them (one trace per request across silos).
            builder.UseOrleans(silo => silo.AddActivityPropagation());
        }
        return builder;
    }

    /// <summary>The scrape endpoint; <see cref="OpsAuthorization"/> runs before it.</summary>
    public static WebApplication MapFlintMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary>Probes and scrapes are not traffic anyone traces.</summary>
    private static bool IsOperations(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/ops") || path.StartsWithSegments("/dashboard");

    private static double TraceRatio(string? configured) =>
        double.TryParse(configured, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : DefaultTraceRatio;
}
