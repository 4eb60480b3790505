using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>
/// An order a request names in its body (<c>order_id</c> of a hosted checkout, a terminal checkout, a device's open
/// order): a well-formed id of an order that exists, else <c>400 INVALID_ORDER</c> — the body is what is wrong, not
/// the route, so not a 404.
/// </summary>
public static class NamedOrder
{
    public static void CheckId(string orderId, string param = "order_id")
    {
        if (!FlintId.IsValid(orderId, IdPrefix.Order))
            throw DomainException.Invalid("INVALID_ORDER", $"'{orderId}' is not an order id.", param);
    }

    public static async Task<OrderView> Get(IGrainFactory grains, Tenant tenant, string orderId, string param = "order_id")
    {
        CheckId(orderId, param);
        try
        {
            return await grains.GetGrain<IOrderGrain>(tenant.GrainKey(orderId)).Get();
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            throw NoSuchOrder(param);
        }
    }

    /// <summary>What a device is told of an order it may not reach: the same as of one that does not exist.</summary>
    public static DomainException NoSuchOrder(string param = "order_id") =>
        DomainException.Invalid("INVALID_ORDER", "No such order.", param);
}
