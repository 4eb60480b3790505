using System.Diagnostics.Metrics;

namespace Flint.Abstractions;

/// <summary>
/// Flint's own meter ("Flint"), shared by the layers that measure something an operator watches: the pay saga
/// (Flint.Grains), group commits and idempotency records (Flint.Persistence), rate limiting (Flint.Api). Each layer
/// declares its instruments next to the code they measure; the host exports them all by this one name (Telemetry.cs).
/// </summary>
/// <remarks>A static meter rather than one from <c>IMeterFactory</c>: the instruments live in grains and in types the
/// grain storage constructs without dependency injection. An instrument nobody listens to costs one branch.</remarks>
public static class FlintMeter
{
    public const string Name = "Flint";

    public static readonly Meter Instance = new(Name, "1.0");

    /// <summary>Bucket bounds for durations in seconds, from a millisecond (a grouped write on an idle silo) to the
    /// 30 s grain-call timeout.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static Histogram<double> Seconds(string name, string description) =>
        Instance.CreateHistogram(name, "s", description, tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
}
