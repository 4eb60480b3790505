using Flint.Abstractions.Orders;
using Flint.Api.Infrastructure;
using Flint.Persistence.Payments;

namespace Flint.Api.Payments;

/// <summary>
/// Wakes orders whose payment or refund saga was left in flight by a process that died. Such a saga's plan is
/// durable and lists its payment (or refund) as pending in the projection; when a row stays pending longer than
/// any live saga takes, this service asks the order to resume, and the order finishes it (the charge happened) or
/// undoes it (it did not). It replaces a reminder per payment (two writes per checkout) by one indexed query per
/// interval per silo (<see cref="IPendingPayments"/>). Every silo sweeps; two silos waking the same order is harmless (the grain serializes and
/// resuming an order with nothing in flight does nothing).
/// </summary>
public sealed class PendingPaymentSweeper(
    IPendingPayments pending, IGrainFactory grains, FlintSettings settings, ILogger<PendingPaymentSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PendingSweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnce(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the cluster may be briefly away (a silo starting or stopping); next tick.
                log.LogWarning(e, "Sweeping pending payments failed; trying again in {Interval}.", settings.PendingSweepInterval);
            }
        }
    }

    private async Task SweepOnce(CancellationToken ct)
    {
        var stuck = await pending.PendingLongerThan(settings.PendingSweepAge, limit: 500, ct);
        foreach (var (tenant, orderId) in stuck)
        {
            try
            {
                await grains.GetGrain<IOrderGrain>(tenant.GrainKey(orderId)).ResumePending();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Resuming the payment saga of order {OrderId} failed; it stays pending.", orderId);
            }
        }
    }
}
