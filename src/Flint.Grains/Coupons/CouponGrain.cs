using System.Text.Json.Serialization;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Coupons;

[GenerateSerializer, Alias("flint.coupons.coupon_state")]
public sealed class CouponState : CatalogObjectState
{
    /// <summary>Normalized (upper-case). The projection's name, which the database keeps unique among live coupons.</summary>
    [Id(0)] public string Code { get; set; } = "";
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public string DiscountType { get; set; } = "percentage";
    [Id(3)] public string? PercentOff { get; set; }
    [Id(4)] public Money? AmountOff { get; set; }
    [Id(5)] public long? MaxRedemptions { get; set; }
    [Id(6)] public long? PerCustomerLimit { get; set; }
    [Id(7)] public DateTimeOffset? StartsAt { get; set; }
    [Id(8)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(9)] public Money? MinimumSubtotalMoney { get; set; }
    [Id(10)] public List<string> ProductIds { get; set; } = [];
    [Id(11)] public List<string> Categories { get; set; } = [];
    [Id(12)] public bool Stackable { get; set; }
    [Id(13)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    /// <summary>Only in states written before redemptions moved to the object log: the activation moves them there
    /// (<see cref="ICouponRedemptions"/>). New redemptions never land here.</summary>
    [Id(17)] public Dictionary<string, CouponRedemptionState> Redemptions { get; set; } = [];
    /// <summary>Redemptions held now; each is a row of the object log (id = its order), added and withdrawn by the
    /// writes that change this count.</summary>
    [Id(18), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long TimesRedeemed { get; set; }
    /// <summary>The newest creation time (in the id) of an order that ever took a redemption: an order made later has
    /// no row unless this activation wrote it, so taking one for it needs no look-up.</summary>
    [Id(19), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? RedeemingOrdersMadeUpTo { get; set; }
}

[GenerateSerializer, Alias("flint.coupons.redemption_state")]
public sealed class CouponRedemptionState
{
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public DateTimeOffset RedeemedAt { get; set; }
}

/// <summary>
/// One coupon: its terms and the redemptions paid orders have taken. "Never more than max_redemptions" needs no lock:
/// the count is checked and the redemption taken in one turn. Code uniqueness is the database's job (a partial unique
/// index over the projection's name), because two coupons are two grains and only a shared index can see both. A
/// popular coupon is hot during a sale, so its writes are grouped like a variant's (reentrant, every check done before
/// the change in the same turn; nobody is answered before their redemption is durable).
/// <para>The state keeps counts; each redemption is a row of the object log, written in the same transaction as the
/// count it changes (<see cref="ICouponRedemptions"/>), so a write stays small however often the coupon was used.
/// Whether an order holds one is known from memory for recent orders and for any order made after the newest that ever
/// redeemed (<see cref="RecentRows{T}"/>); only an older one is looked up. A per-customer limit counts the customer's
/// rows, once per activation and customer.</para>
/// </summary>
[Orleans.Concurrency.Reentrant]
public sealed class CouponGrain(
    [PersistentState("coupon", StorageNames.Flint)] IPersistentState<CouponState> store,
    DeepCopier<CouponState> copier,
    TimeProvider clock,
    ICouponRedemptions redemptions) : CatalogGrain<CouponState, CouponView>(store, copier, clock), ICouponGrain
{
    public const int MaxProductIds = 100;
    public const int MaxCategories = 100;
    public const long MaxCount = 1_000_000_000;
    /// <summary>Orders (and customers) remembered, per half of the window: a retry or a release of a payment that
    /// failed comes seconds after the redemption; a sale of a thousand a second still finds it in memory.</summary>
    private const int RecentKept = 4_096;

    /// <summary>The redemption each recent order holds (null: none).</summary>
    private readonly RecentRows<CouponRedemptionRow?> _orders = new(RecentKept, keysCarryTime: true);
    /// <summary>How many redemptions a customer's orders hold, for the customers counted in this activation.</summary>
    private readonly RecentRows<long> _customers = new(RecentKept, keysCarryTime: false);

    protected override bool GroupsWrites => true;

    protected override string Kind => CouponProjection.Kind;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // A state from before redemptions were rows: they move to the object log now, and the state keeps their count.
        if (State.Redemptions.Count > 0) await Bookkeeping(MoveRedemptionsToLog);
        _orders.Cover(State.RedeemingOrdersMadeUpTo);
    }

    public async Task<CouponView> Create(CouponRequest r)
    {
        if (Exists) return await Current();
        return await SaveNew(Resolve(r, current: null).ApplyTo, Now);
    }

    public Task<CouponView> Update(CouponRequest r)
    {
        EnsureEditable();
        if (r.Code is null && r.Name is null && r.DiscountType is null && r.PercentOff is null && r.AmountOff is null
            && r.MaxRedemptions is null && r.PerCustomerLimit is null && r.StartsAt is null && r.ExpiresAt is null
            && r.MinimumSubtotalMoney is null && r.AppliesTo is null && r.Stackable is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        return Save("updated", Resolve(r, State).ApplyTo);
    }

    /// <remarks>The customer's redemptions are counted only where a per-customer limit needs them (0 otherwise).</remarks>
    public async Task<CouponApplication> ForApplication(string? customerId)
    {
        while (true)
        {
            if (!Exists || State.Status == CatalogStatus.Deleted) throw NotFound("coupon");
            if (customerId is null || State.PerCustomerLimit is null) return new CouponApplication(ToView(State), 0);
            if (_customers.TryGet(customerId, out var mine)) return new CouponApplication(ToView(State), mine);
            await CountRedemptionsOf(customerId);
        }
    }

    public async Task<CouponView> Redeem(string orderId, string? customerId)
    {
        FlintId.Validate(orderId, IdPrefix.Order, "order_id");
        if (customerId is not null) FlintId.Validate(customerId, IdPrefix.Customer, "customer_id");
        // Each pass either answers, changes, or waits for what it needs to know and looks again: after a wait anything
        // may have changed, so every check is made anew in the turn that takes the redemption.
        while (true)
        {
            EnsureExists();
            if (_orders.Settle(orderId, out var held, LookUpRedemptionOf) is { } wait)
            {
                await wait;
                continue;
            }
            // Taken already: a retried payment step gets the same answer, whatever changed since.
            if (held is not null) return ToView(State);
            var mine = 0L;
            if (customerId is not null && State.PerCustomerLimit is not null && !_customers.TryGet(customerId, out mine))
            {
                await CountRedemptionsOf(customerId);
                continue;
            }
            // The same rules that let the coupon onto the order, checked again: anything may have changed since.
            CouponRules.CheckCanRedeem(ToView(State).ToTerms(), Clock.GetUtcNow(), State.TimesRedeemed, mine, hasCustomer: customerId is not null);
            return await _orders.Writing(orderId, Save("redeemed", draft => Take(draft, orderId, customerId)));
        }
    }

    public async Task<CouponView> Release(string orderId)
    {
        while (true)
        {
            EnsureExists();
            if (_orders.Settle(orderId, out var held, LookUpRedemptionOf) is { } wait)
            {
                await wait;
                continue;
            }
            if (held is null) return ToView(State);
            return await _orders.Writing(orderId, Save("released", draft => GiveBack(draft, orderId, held.CustomerId)));
        }
    }

    protected override void OnChangesLost()
    {
        _orders.ForgetAll();
        _customers.ForgetAll();
    }

    private void Take(CouponState draft, string orderId, string? customerId)
    {
        draft.TimesRedeemed++;
        draft.RedeemingOrdersMadeUpTo = KeyTime.Covering(draft.RedeemingOrdersMadeUpTo, orderId);
        (draft.Log ??= []).Add(RedemptionRow(orderId, customerId, Now));
        _orders.Set(orderId, new CouponRedemptionRow(customerId));
        if (customerId is not null && _customers.TryGet(customerId, out var mine)) _customers.Set(customerId, mine + 1);
    }

    private void GiveBack(CouponState draft, string orderId, string? customerId)
    {
        draft.TimesRedeemed--;
        (draft.Log ??= []).Add(RedemptionRow(orderId, customerId, Now, withdrawn: true));
        _orders.Set(orderId, null);
        if (customerId is not null && _customers.TryGet(customerId, out var mine)) _customers.Set(customerId, mine - 1);
    }

    private void MoveRedemptionsToLog(CouponState draft)
    {
        foreach (var (orderId, r) in draft.Redemptions)
        {
            (draft.Log ??= []).Add(RedemptionRow(orderId, r.CustomerId, r.RedeemedAt));
            draft.RedeemingOrdersMadeUpTo = KeyTime.Covering(draft.RedeemingOrdersMadeUpTo, orderId);
        }
        draft.TimesRedeemed = draft.Redemptions.Count;
        draft.Redemptions = [];
    }

    private LogEntry RedemptionRow(string orderId, string? customerId, DateTimeOffset at, bool withdrawn = false) =>
        LogRow(ICouponRedemptions.LogKind, orderId, at, new CouponRedemptionRow(customerId), withdrawn);

    private Task LookUpRedemptionOf(string orderId) =>
        _orders.LookUp(orderId, Written(), () => redemptions.HeldBy(Tenant, ObjectId, orderId, CancellationToken.None));

    private Task CountRedemptionsOf(string customerId) =>
        _customers.LookUp(customerId, Written(), () => redemptions.CountOf(Tenant, ObjectId, customerId, CancellationToken.None));

    protected override ValueTask<Func<CouponState, CouponView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(CouponState s) =>
        CatalogProjection(s, ToView(s), s.Code, CatalogInput.SearchText([ObjectId, s.Code, s.Name]));

    /// <summary>The coupon's fields after applying <paramref name="r"/> to <paramref name="current"/> (null on create),
    /// validated as a whole so that no combination of a sparse update can leave the coupon inconsistent.</summary>
    private static CouponFields Resolve(CouponRequest r, CouponState? current)
    {
        var code = r.Code is null && current is not null ? current.Code : CouponRules.NormalizeCode(r.Code, "code");
        var name = r.Name is { Length: > 0 } ? CatalogInput.Name(r.Name) : r.Name is null ? current?.Name : null;

        var type = r.DiscountType is null
            ? current?.DiscountType ?? throw DomainException.Invalid("MISSING_REQUIRED_FIELD",
                $"discount_type is required; use one of: {string.Join(", ", SnakeCase.Names<CouponDiscountType>())}.", "discount_type")
            : SnakeCase.ToSnake(Validation.ParseSnakeEnum<CouponDiscountType>(r.DiscountType, "discount_type"));
        // Switching the type drops the old type's amount: the new one must come with the same request.
        var keep = current is not null && current.DiscountType == type;
        string? percentOff = null;
        Money? amountOff = null;
        if (type == "percentage")
        {
            if (r.AmountOff is not null) throw NotForType("amount_off", "fixed_amount");
            percentOff = r.PercentOff is not null
                ? Percentage.Format(Percentage.Parse(r.PercentOff, "percent_off", Percentage.DiscountDecimals))
                : keep ? current!.PercentOff : throw Missing("percent_off", "a percentage coupon");
        }
        else
        {
            if (r.PercentOff is not null) throw NotForType("percent_off", "percentage");
            amountOff = r.AmountOff is not null
                ? Positive(r.AmountOff.ToMoney("amount_off"), "amount_off")
                : keep ? current!.AmountOff : throw Missing("amount_off", "a fixed_amount coupon");
        }

        var maxRedemptions = r.MaxRedemptions is { } m ? Validation.RequireRange(m, 1, MaxCount, "max_redemptions") : current?.MaxRedemptions;
        var perCustomer = r.PerCustomerLimit is { } l ? Validation.RequireRange(l, 1, MaxCount, "per_customer_limit") : current?.PerCustomerLimit;

        var startsAt = Millis(r.StartsAt) ?? current?.StartsAt;
        var expiresAt = Millis(r.ExpiresAt) ?? current?.ExpiresAt;
        if (startsAt is { } s && expiresAt is { } e && e <= s)
            throw DomainException.Invalid("INVALID_DATE_RANGE", "expires_at must be later than starts_at.", r.ExpiresAt is not null ? "expires_at" : "starts_at");

        // {} clears the minimum (null cannot: it means "unchanged").
        var minimum = r.MinimumSubtotalMoney is null ? current?.MinimumSubtotalMoney
            : r.MinimumSubtotalMoney.IsEmpty ? null
            : r.MinimumSubtotalMoney.ToMoney("minimum_subtotal_money");
        if (minimum is { } min && amountOff is { } off && min.Currency != off.Currency)
            throw DomainException.Invalid("CURRENCY_MISMATCH",
                $"minimum_subtotal_money must be in the currency of amount_off ({off.Currency}).", "minimum_subtotal_money.currency");

        var productIds = r.AppliesTo is null ? current?.ProductIds ?? []
            : CatalogInput.DistinctValues(r.AppliesTo.ProductIds, "applies_to.product_ids", MaxProductIds, "product ids",
                (id, param) => FlintId.Validate(id, IdPrefix.Product, param));
        var categories = r.AppliesTo is null ? current?.Categories ?? []
            : CatalogInput.DistinctValues(r.AppliesTo.Categories, "applies_to.categories", MaxCategories, "categories",
                (c, param) => Validation.RequireLength(c, param, 1, CatalogInput.MaxCategoryLength));

        return new CouponFields(code, name, type, percentOff, amountOff, maxRedemptions, perCustomer, startsAt, expiresAt, minimum,
            productIds, categories, r.Stackable ?? current?.Stackable ?? false,
            CatalogInput.SettableStatus(r.Status, current?.Status ?? CatalogStatus.Active),
            CatalogInput.MetadataAfter(current?.Metadata, r.Metadata));
    }

    /// <summary>UTC, to the millisecond: the precision timestamps are stored and shown with.</summary>
    private static DateTimeOffset? Millis(DateTimeOffset? t) =>
        t is { } v ? new DateTimeOffset(v.UtcTicks - v.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero) : null;

    private static Money Positive(Money m, string param) => m.Amount > 0 ? m
        : throw DomainException.Invalid("INVALID_AMOUNT", $"{param}.amount must be greater than 0.", $"{param}.amount");

    private static DomainException Missing(string param, string what) =>
        DomainException.Invalid("MISSING_REQUIRED_FIELD", $"{param} is required for {what}.", param);

    private static DomainException NotForType(string param, string type) =>
        DomainException.Invalid("INVALID_FIELD", $"{param} is only for {type} coupons; set discount_type to {type} or leave it out.", param);

    private CouponView ToView(CouponState s) => new()
    {
        CouponId = ObjectId,
        Code = s.Code,
        Name = s.Name,
        DiscountType = s.DiscountType,
        PercentOff = s.PercentOff,
        AmountOff = s.AmountOff,
        MaxRedemptions = s.MaxRedemptions,
        PerCustomerLimit = s.PerCustomerLimit,
        StartsAt = s.StartsAt,
        ExpiresAt = s.ExpiresAt,
        MinimumSubtotalMoney = s.MinimumSubtotalMoney,
        AppliesTo = new CouponAppliesToView(s.ProductIds, s.Categories),
        Stackable = s.Stackable,
        Status = SnakeCase.ToSnake(s.Status),
        TimesRedeemed = s.TimesRedeemed,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };

    /// <summary>What a create or update sets: the coupon's own fields (its rules' input is <see cref="CouponTermsOf"/>).</summary>
    private sealed record CouponFields(
        string Code, string? Name, string DiscountType, string? PercentOff, Money? AmountOff, long? MaxRedemptions,
        long? PerCustomerLimit, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, Money? MinimumSubtotalMoney,
        List<string> ProductIds, List<string> Categories, bool Stackable, CatalogStatus Status, Dictionary<string, string> Metadata)
    {
        public void ApplyTo(CouponState s)
        {
            s.Code = Code;
            s.Name = Name;
            s.DiscountType = DiscountType;
            s.PercentOff = PercentOff;
            s.AmountOff = AmountOff;
            s.MaxRedemptions = MaxRedemptions;
            s.PerCustomerLimit = PerCustomerLimit;
            s.StartsAt = StartsAt;
            s.ExpiresAt = ExpiresAt;
            s.MinimumSubtotalMoney = MinimumSubtotalMoney;
            s.ProductIds = ProductIds;
            s.Categories = Categories;
            s.Stackable = Stackable;
            s.Status = Status;
            s.Metadata = Metadata;
        }
    }
}
