using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Abstractions.Devices;

[GenerateSerializer, Alias("flint.terminal.create")]
public sealed class CreateTerminalCheckoutRequest
{
    /// <summary>The paired device the buyer pays at.</summary>
    [Id(0)] public string? DeviceId { get; set; }
    [Id(1)] public string? OrderId { get; set; }
    /// <summary>Part of the balance (a split); absent = the order's balance when the checkout is made.</summary>
    [Id(2)] public MoneyInput? AmountMoney { get; set; }
    /// <summary>Tip percentages the device offers ("10", "12.5"; 1 to 5 of them), of the amount.</summary>
    [Id(3)] public List<string>? TipOptions { get; set; }
    /// <summary>When it times out if not completed: at most 5 minutes ahead (default 5 minutes).</summary>
    [Id(4)] public DateTimeOffset? Deadline { get; set; }
    [Id(5)] public string? Note { get; set; }
}

[GenerateSerializer, Alias("flint.terminal.complete")]
public sealed class CompleteTerminalCheckoutRequest
{
    /// <summary>card_present | cash</summary>
    [Id(0)] public string? Type { get; set; }
    /// <summary>card_present: what the reader read (tok_cp_visa, tok_cp_declined in test mode).</summary>
    [Id(1)] public string? Token { get; set; }
    /// <summary>cash: what the buyer handed over (at least the amount and the tip).</summary>
    [Id(2)] public MoneyInput? TenderedMoney { get; set; }
    /// <summary>The tip the buyer chose (one of the options' amounts, or any other); paid on top of the amount.</summary>
    [Id(3)] public MoneyInput? TipMoney { get; set; }
}

[GenerateSerializer, Alias("flint.terminal.tip_option"), Immutable]
public sealed record TipOptionView([property: Id(0)] string Percentage, [property: Id(1)] Money TipMoney);

[GenerateSerializer, Alias("flint.terminal.view"), Immutable]
public sealed record TerminalCheckoutView
{
    [Id(0)] public required string TerminalCheckoutId { get; init; }
    [Id(1)] public required string DeviceId { get; init; }
    [Id(2)] public required string LocationId { get; init; }
    [Id(3)] public required string OrderId { get; init; }
    /// <summary>pending | in_progress | completed | canceled</summary>
    [Id(4)] public required string Status { get; init; }
    /// <summary>merchant | buyer | timed_out, when canceled.</summary>
    [Id(5)] public string? CancelReason { get; init; }
    [Id(6)] public required Money AmountMoney { get; init; }
    [Id(7)] public required IReadOnlyList<TipOptionView> TipOptions { get; init; }
    [Id(8)] public Money? TipMoney { get; init; }
    [Id(9)] public DateTimeOffset Deadline { get; init; }
    /// <summary>The payment that completed it.</summary>
    [Id(10)] public string? PaymentId { get; init; }
    /// <summary>The last attempt's decline (a declined card leaves the checkout in progress for another try).</summary>
    [Id(11)] public string? DeclineCode { get; init; }
    [Id(12)] public Money? TenderedMoney { get; init; }
    [Id(13)] public Money? ChangeBackMoney { get; init; }
    [Id(14)] public string? Note { get; init; }
    [Id(15)] public DateTimeOffset CreatedAt { get; init; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(17)] public long Version { get; init; }
    [Id(18)] public string? CreatedBy { get; init; }
}

/// <summary>A payment sent to a paired device: the buyer completes it there (card present or cash), through the
/// order's pay saga; the merchant or the buyer may cancel it, and its deadline cancels it as timed out.</summary>
public interface ITerminalCheckoutGrain : IGrainWithStringKey
{
    /// <summary>To the paired device the request names (of the caller's location, when a device calls), for an order
    /// that device may reach.</summary>
    Task<TerminalCheckoutView> Create(CreateTerminalCheckoutRequest request);
    /// <summary>As it is (a passed deadline cancels it as timed out first).</summary>
    Task<TerminalCheckoutView> Get();
    /// <summary>The device shows it to the buyer: pending → in_progress.</summary>
    Task<TerminalCheckoutView> Start();
    /// <summary>The buyer pays on the device. A decline leaves it in progress (PAYMENT_DECLINED), for another card.</summary>
    Task<TerminalCheckoutView> Complete(CompleteTerminalCheckoutRequest request);
    Task<TerminalCheckoutView> Cancel(Flint.Domain.Devices.TerminalCancelReason reason);
}
