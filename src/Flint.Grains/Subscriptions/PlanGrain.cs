using Flint.Abstractions;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Orders;
using Flint.Domain.Subscriptions;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Subscriptions;

[GenerateSerializer, Alias("flint.subscriptions.plan_state")]
public sealed class PlanState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public BillingInterval Interval { get; set; }
    [Id(2)] public int IntervalCount { get; set; } = 1;
    [Id(3)] public string Currency { get; set; } = "";
    /// <summary>Stored as the API shows them, priced when the plan was written.</summary>
    [Id(4)] public List<PlanLineItemView> LineItems { get; set; } = [];
    [Id(5)] public int TrialPeriodDays { get; set; }
    [Id(6)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
}

/// <summary>
/// A subscription plan: what each cycle bills (lines as in orders) and how long a cycle is. Catalog lines are priced
/// when the plan is written — the plan is a price list, as a Stripe price is — so a catalog price change reaches a
/// plan only when the plan's lines are sent again; a plan's new prices apply to its subscriptions from their next cycle.
/// </summary>
public sealed class PlanGrain(
    [PersistentState("plan", StorageNames.Flint)] IPersistentState<PlanState> store,
    DeepCopier<PlanState> copier,
    TimeProvider clock) : CatalogGrain<PlanState, PlanView>(store, copier, clock), IPlanGrain
{
    public const int MaxLineItems = 20;
    public const int MaxTrialPeriodDays = 730;

    protected override string Kind => PlanProjection.Kind;

    public async Task<PlanView> Create(CreatePlanRequest r)
    {
        if (Exists) return await Current();
        var name = CatalogInput.Name(r.Name);
        var interval = Validation.ParseSnakeEnum<BillingInterval>(r.Interval, "interval");
        var period = BillingPeriod.Create(interval, r.IntervalCount ?? 1, testMode: Tenant.Environment == Tenant.Test);
        var currency = r.Currency is null ? null : Currency.Validate(r.Currency, "currency");
        var trial = TrialPeriodDays(r.TrialPeriodDays, 0);
        var status = CatalogInput.SettableStatus(r.Status, CatalogStatus.Active);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var lines = await Lines(r.LineItems ?? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "line_items is required: what each cycle bills.", "line_items"), currency);
        return await SaveNew(draft =>
        {
            draft.Name = name;
            draft.Interval = period.Interval;
            draft.IntervalCount = period.Count;
            draft.Currency = lines[0].UnitPriceMoney.Currency;
            draft.LineItems = lines;
            draft.TrialPeriodDays = trial;
            draft.Status = status;
            draft.Metadata = metadata;
        }, Now);
    }

    public async Task<PlanView> Update(UpdatePlanRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.LineItems is null && r.TrialPeriodDays is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var name = r.Name is null ? State.Name : CatalogInput.Name(r.Name);
        var trial = TrialPeriodDays(r.TrialPeriodDays, State.TrialPeriodDays);
        var status = CatalogInput.SettableStatus(r.Status, State.Status);
        var metadata = CatalogInput.MetadataAfter(State.Metadata, r.Metadata);
        var lines = r.LineItems is null ? State.LineItems : await Lines(r.LineItems, State.Currency);
        return await Save("updated", draft =>
        {
            draft.Name = name;
            draft.LineItems = lines;
            draft.TrialPeriodDays = trial;
            draft.Status = status;
            draft.Metadata = metadata;
        });
    }

    protected override ValueTask<Func<PlanState, PlanView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(PlanState s) =>
        CatalogProjection(s, ToView(s), s.Name, CatalogInput.SearchText([ObjectId, s.Name], s.LineItems.Select(l => l.Name)));

    private static int TrialPeriodDays(long? requested, int current) =>
        requested is { } days ? (int)Validation.RequireRange(days, 0, MaxTrialPeriodDays, "trial_period_days") : current;

    /// <summary>The plan's lines, resolved and priced as an order's would be (the one <see cref="OrderLineResolver"/>,
    /// price overrides allowed: a plan sets its own prices), all in one currency.</summary>
    private async Task<List<PlanLineItemView>> Lines(List<LineItemInput> inputs, string? currency)
    {
        if (inputs.Count == 0) throw DomainException.Invalid("INVALID_FIELD", "A plan bills at least one line item.", "line_items");
        if (inputs.Count > MaxLineItems)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"A plan has at most {MaxLineItems} line items.", "line_items");
        var resolver = new OrderLineResolver(GrainFactory, Tenant);
        var resolved = new List<OrderLineState>();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null) throw DomainException.Invalid("INVALID_LINE_ITEM", "A line item cannot be null.", $"line_items[{i}]");
            var line = await resolver.Resolve(inputs[i], $"line_items[{i}]", currency, allowPriceOverride: true);
            currency ??= line.BasePriceMoney.Currency;
            resolved.Add(line);
        }

        // Amounts from the one order calculator: a plan's cycle is priced as its order will be, before coupons and tax.
        var amounts = OrderCalculator.Calculate(new OrderCalculationInput(currency!,
            resolved.Select(OrderPricing.CalculatorLine).ToList(), [], [], 0, 0, 0));
        return resolved.Select((l, i) => new PlanLineItemView
        {
            ItemType = l.ItemType,
            VariantId = l.VariantId,
            BundleId = l.BundleId,
            ProductId = l.ProductId,
            Name = l.Name,
            Quantity = l.Quantity,
            UnitPriceMoney = l.BasePriceMoney,
            Modifiers = l.Modifiers,
            Note = l.Note,
            TotalMoney = new Money(amounts.Lines[i].GrossSalesMinor, currency!),
        }).ToList();
    }

    private PlanView ToView(PlanState s) => new()
    {
        PlanId = ObjectId,
        Name = s.Name,
        Interval = SnakeCase.ToSnake(s.Interval),
        IntervalCount = s.IntervalCount,
        Currency = s.Currency,
        LineItems = s.LineItems,
        AmountMoney = new Money(s.LineItems.Sum(l => l.TotalMoney.Amount), s.Currency),
        TrialPeriodDays = s.TrialPeriodDays,
        Status = SnakeCase.ToSnake(s.Status),
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
