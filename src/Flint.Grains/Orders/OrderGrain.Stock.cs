using System.Security.Cryptography;
using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>The order's stock: what its lines need, the holds a pay attempt takes and gives back, and committing
/// them when it is paid (taking the stock again when a hold has lapsed).</summary>
public sealed partial class OrderGrain
{
    /// <summary>
    /// How long a hold lasts: longer than a charge with its processor retries (Stripe.net's HTTP timeout is 80 s), and
    /// what stock stays held when its order's process dies after holding and before writing its plan (nothing then
    /// knows the hold, so it only expires). A saga whose hold expired anyway takes the stock again when it commits, and
    /// gives the charge back only if the stock is gone. (It was 15 minutes: a chaos run's one leaked hold then kept the
    /// last unit of a sale unsold for that long.)
    /// </summary>
    private static readonly TimeSpan ReservationHold = TimeSpan.FromMinutes(2);

    /// <summary>The name of the stock hold a pay attempt with an Idempotency-Key takes: the same for every try of that
    /// key on that order.</summary>
    public static string KeyedHoldId(string orderId, string idempotencyKey) =>
        $"{orderId}:key:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32].ToLowerInvariant()}";

    private async Task ReserveStock(PaySaga saga)
    {
        string? shortVariant = null;
        try
        {
            foreach (var r in saga.Reservations)
            {
                shortVariant = r.VariantId;
                await Inventory(r.VariantId).Reserve(saga.ReservationId, r.Quantity, Clock.GetUtcNow() + ReservationHold);
            }
        }
        catch (FlintException e)
        {
            await ReleaseStock(saga);
            throw ExplainRefusal(e, shortVariant);
        }
    }

    private async Task ReleaseStock(PaySaga saga)
    {
        foreach (var r in saga.Reservations)
        {
            try { await Inventory(r.VariantId).Release(saga.ReservationId); }
            catch (FlintException) { }
        }
    }

    private async Task CommitReservation(LineComponentState r, string reservationId, string orderId)
    {
        try
        {
            await Inventory(r.VariantId).Commit(reservationId, "order_fulfillment", orderId);
        }
        catch (FlintException e) when (e.Code is "RESERVATION_NOT_FOUND" or "RESERVATION_FINISHED")
        {
            // Expired (or never made, if the process died before reserving): take the stock now if it is there.
            // A retake committed by an earlier recovery counts; Commit is idempotent.
            var retake = reservationId + ":retake";
            try
            {
                await Inventory(r.VariantId).Commit(retake, "order_fulfillment", orderId);
            }
            catch (FlintException again) when (again.Code is "RESERVATION_NOT_FOUND")
            {
                await Inventory(r.VariantId).Reserve(retake, r.Quantity, Clock.GetUtcNow() + ReservationHold);
                await Inventory(r.VariantId).Commit(retake, "order_fulfillment", orderId);
            }
        }
    }

    /// <summary>A stock refusal names the (first) line that is short, so a client can fix that line.</summary>
    private Exception ExplainRefusal(FlintException e, string? shortVariantId)
    {
        if (shortVariantId is null || e.Code is not ("INSUFFICIENT_INVENTORY" or "ITEM_NOT_SELLABLE"))
            return DomainException.Conflict(e.Code, e.Message, e.Param);
        var index = State.Lines.FindIndex(l => l.Components.Any(c => c.VariantId == shortVariantId));
        var line = index >= 0 ? State.Lines[index] : null;
        var what = line is null ? "a line" : $"line {line.LineItemId} ({line.Name})";
        return DomainException.Conflict(e.Code,
            e.Code == "INSUFFICIENT_INVENTORY" ? $"Not enough stock for {what}: {e.Message}" : $"{what} is not for sale: {e.Message}",
            index >= 0 ? $"line_items[{index}]" : "line_items");
    }

    /// <summary>The stock of one variant (also where refunds put units back).</summary>
    private IVariantInventoryGrain Inventory(string variantId) => GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    public Task<IReadOnlyList<StockNeed>> StockNeeds()
    {
        EnsureExists();
        return Task.FromResult<IReadOnlyList<StockNeed>>(State.StockCommitted ? [] : StockNeeded(State).Select(x => new StockNeed(x.VariantId, x.Quantity)).ToList());
    }

    private static List<LineComponentState> StockNeeded(OrderState s) => s.Lines
        .SelectMany(l => l.Components.Select(c => (c.VariantId, Quantity: checked(c.Quantity * l.Quantity))))
        .GroupBy(x => x.VariantId)
        .Select(g => new LineComponentState { VariantId = g.Key, Quantity = g.Sum(x => x.Quantity) })
        .OrderBy(x => x.VariantId, StringComparer.Ordinal)
        .ToList();
}
