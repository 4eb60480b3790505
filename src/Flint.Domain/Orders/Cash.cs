namespace Flint.Domain.Orders;

/// <summary>Cash handed over for a payment: the change is what was handed over minus what the cash pays (a tip
/// included); less than that is refused, <c>INSUFFICIENT_TENDER</c> on <paramref name="param"/>.</summary>
public static class Cash
{
    public static long Change(long tenderedMinor, long dueMinor, string param)
    {
        if (tenderedMinor < dueMinor)
            throw DomainException.Invalid("INSUFFICIENT_TENDER", $"The buyer handed over {tenderedMinor} minor units; this cash pays {dueMinor}.", param);
        return tenderedMinor - dueMinor;
    }
}
