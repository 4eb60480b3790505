using Flint.Abstractions.Orders;
using Flint.Domain;

namespace Flint.Abstractions.Subscriptions;

/// <summary>A new plan. Its billing period and currency are fixed once it exists (a plan with another period or
/// currency is a new plan, as Stripe's prices are); its name, lines, trial, status and metadata can change.</summary>
[GenerateSerializer, Alias("flint.subscriptions.create_plan")]
public sealed class CreatePlanRequest
{
    [Id(0)] public string? Name { get; set; }
    /// <summary>minute (test keys only) | day | week | month | year</summary>
    [Id(1)] public string? Interval { get; set; }
    /// <summary>Periods of <c>interval</c> per cycle (default 1); a cycle is at most one year.</summary>
    [Id(2)] public long? IntervalCount { get; set; }
    /// <summary>Default: the first line's currency.</summary>
    [Id(3)] public string? Currency { get; set; }
    /// <summary>What each cycle bills, as in orders: catalog variants, bundles or ad hoc lines (name + unit_price_money).
    /// A catalog line may send unit_price_money to set the plan's own price for it.</summary>
    [Id(4)] public List<LineItemInput>? LineItems { get; set; }
    [Id(5)] public long? TrialPeriodDays { get; set; }
    /// <summary>active (default) | inactive: an inactive plan takes no new subscriptions.</summary>
    [Id(6)] public string? Status { get; set; }
    [Id(7)] public Dictionary<string, string>? Metadata { get; set; }
}

/// <summary>A plan's sparse update. New lines (prices) apply to its subscriptions from their next cycle.</summary>
[GenerateSerializer, Alias("flint.subscriptions.update_plan")]
public sealed class UpdatePlanRequest
{
    [Id(0)] public string? Name { get; set; }
    /// <summary>Replaces all lines.</summary>
    [Id(1)] public List<LineItemInput>? LineItems { get; set; }
    [Id(2)] public long? TrialPeriodDays { get; set; }
    [Id(3)] public string? Status { get; set; }
    [Id(4)] public Dictionary<string, string>? Metadata { get; set; }
}

/// <summary>One line a plan bills each cycle, priced when the plan was written.</summary>
[GenerateSerializer, Alias("flint.subscriptions.plan_line_item"), Immutable]
public sealed record PlanLineItemView
{
    /// <summary>variant | bundle | custom</summary>
    [Id(0)] public required string ItemType { get; init; }
    [Id(1)] public string? VariantId { get; init; }
    [Id(2)] public string? BundleId { get; init; }
    [Id(3)] public string? ProductId { get; init; }
    [Id(4)] public required string Name { get; init; }
    [Id(5)] public long Quantity { get; init; }
    [Id(6)] public required Money UnitPriceMoney { get; init; }
    [Id(7)] public required IReadOnlyList<LineModifierView> Modifiers { get; init; }
    [Id(8)] public string? Note { get; init; }
    /// <summary>(unit price + modifiers) × quantity, before discounts and tax.</summary>
    [Id(9)] public required Money TotalMoney { get; init; }
}

[GenerateSerializer, Alias("flint.subscriptions.plan_view")]
public sealed record PlanView : CatalogObjectView
{
    [Id(0)] public required string PlanId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Interval { get; init; }
    [Id(3)] public int IntervalCount { get; init; }
    [Id(4)] public required string Currency { get; init; }
    [Id(5)] public required IReadOnlyList<PlanLineItemView> LineItems { get; init; }
    /// <summary>What one cycle bills before discounts and tax: the sum of the lines.</summary>
    [Id(6)] public required Money AmountMoney { get; init; }
    [Id(7)] public int TrialPeriodDays { get; init; }
    [Id(8)] public required string Status { get; init; }
}

public interface IPlanGrain : ICatalogObjectGrain<CreatePlanRequest, UpdatePlanRequest, PlanView>;
