using System.Diagnostics;
using System.Diagnostics.Metrics;
using Flint.Abstractions;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>
/// What an operator watches of the pay saga (meter <see cref="FlintMeter.Name"/>): every pay request with its latency
/// and outcome, each step's latency, and what recovery did with a saga a dead process left in flight. The bench reads
/// the same histograms from the scrape endpoint, so a slow step shows in production as it does under load.
/// </summary>
internal static class PayMetrics
{
    private static readonly Histogram<double> Requests = FlintMeter.Seconds("flint.pay.duration",
        "Pay requests from the order's point of view, tagged outcome: succeeded, declined (402), refused (4xx: sold out, " +
        "already paid, in progress…), failed (the saga is left pending for recovery).");

    private static readonly Histogram<double> Steps = FlintMeter.Seconds("flint.pay.step.duration",
        "One step of the pay saga, tagged step: hold_stock, write_plan, redeem_coupons, charge (find_charge when " +
        "recovering), commit_stock, final_write, undo.");

    private static readonly Counter<long> Recoveries = FlintMeter.Instance.CreateCounter<long>("flint.pay.recoveries", null,
        "Sagas a crashed process left in flight that recovery finished (completed), undid (undone) or left pending " +
        "(pending: the processor could not say yet).");

    public const string HoldStock = "hold_stock";
    public const string WritePlan = "write_plan";
    public const string RedeemCoupons = "redeem_coupons";
    public const string Charge = "charge";
    public const string FindCharge = "find_charge";
    public const string CommitStock = "commit_stock";
    public const string FinalWrite = "final_write";
    public const string Undo = "undo";

    /// <summary>Records the step that began at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void Step(string step, long started)
    {
        if (Steps.Enabled) Steps.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("step", step));
    }

    public static void Request(long started, Exception? failure) =>
        Requests.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", Outcome(failure)));

    public static void Recovery(string outcome) => Recoveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private static string Outcome(Exception? failure) => failure switch
    {
        null => "succeeded",
        DomainException { Code: "PAYMENT_DECLINED" } => "declined",
        DomainException or FlintException => "refused",
        _ => "failed",
    };
}
