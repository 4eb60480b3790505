namespace Flint.Domain.Devices;

/// <summary>A terminal checkout's life: <c>pending → in_progress → completed | canceled</c> (a pending one may be
/// completed or canceled at once); wire form snake_case.</summary>
public enum TerminalCheckoutStatus
{
    Pending,
    InProgress,
    Completed,
    Canceled,
}

/// <summary>Why a terminal checkout was canceled: by the merchant (the API), by the buyer (on the device), or because
/// its deadline passed first.</summary>
public enum TerminalCancelReason
{
    Merchant,
    Buyer,
    TimedOut,
}

/// <summary>
/// The rules of a terminal checkout (a payment a merchant sends to a paired device, which the buyer completes there):
/// its deadline is at most <see cref="MaxDeadline"/> ahead (default that), after which it is canceled as timed out;
/// its tip options are percentages of its amount, as a hosted checkout's are (Checkout.CheckoutRules.TipChoices and
/// Tip); cash pays with change (Orders.Cash): what the buyer hands over minus the amount and the tip.
/// </summary>
public static class TerminalCheckouts
{
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromMinutes(5);

    /// <summary>When a checkout asked for at <paramref name="now"/> times out: <paramref name="asked"/>, which must be
    /// in the future and within <see cref="MaxDeadline"/>, or now + MaxDeadline.</summary>
    public static DateTimeOffset Deadline(DateTimeOffset? asked, DateTimeOffset now)
    {
        if (asked is null) return now + MaxDeadline;
        if (asked <= now) throw DomainException.Invalid("INVALID_DEADLINE", "deadline must be in the future.", "deadline");
        if (asked > now + MaxDeadline) throw DomainException.Invalid("INVALID_DEADLINE", "deadline is at most 5 minutes from now.", "deadline");
        return asked.Value;
    }

    public static bool IsFinal(TerminalCheckoutStatus s) => s is TerminalCheckoutStatus.Completed or TerminalCheckoutStatus.Canceled;
}
