using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Coupons;

[GenerateSerializer, Alias("flint.coupons.coupon_state")]
public sealed class CouponState : ObjectState
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
    [Id(13)] public string Status { get; set; } = "active";
    [Id(14)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(15)] public DateTimeOffset CreatedAt { get; set; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Redemptions taken, by order id: the key makes taking one idempotent per order.</summary>
    [Id(17)] public Dictionary<string, CouponRedemptionState> Redemptions { get; set; } = [];
}

[GenerateSerializer, Alias("flint.coupons.redemption_state")]
public sealed class CouponRedemptionState
{
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public DateTimeOffset RedeemedAt { get; set; }
}

/// <summary>
/// One coupon: its terms and the redemptions paid orders have taken. The grain handles one call at a time, so
/// "never more than max_redemptions" needs no lock: the count is checked and the redemption written in one turn.
/// Code uniqueness is the database's job (a partial unique index over the projection's name), because two coupons
/// are two grains and only a shared index can see both. A popular coupon is hot during a sale, so its writes are
/// grouped like a variant's (reentrant, every check done before the change in the same turn; nobody is answered
/// before their redemption is durable).
/// </summary>
[Orleans.Concurrency.Reentrant]
public sealed class CouponGrain(
    [PersistentState("coupon", "flint")] IPersistentState<CouponState> store,
    DeepCopier<CouponState> copier,
    TimeProvider clock) : TenantGrain<CouponState>(store, copier, clock), ICouponGrain
{
    public const int MaxProductIds = 100;
    public const int MaxCategories = 100;
    public const long MaxCount = 1_000_000_000;

    protected override bool GroupsWrites => true;

    public async Task<CouponView> Create(CouponRequest r)
    {
        if (Exists) return ToView(State);
        var terms = Resolve(r, current: null);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var now = Now;
        return await Change(draft =>
        {
            terms.ApplyTo(draft);
            draft.Metadata = metadata;
            draft.CreatedAt = now;
            draft.UpdatedAt = now;
            var v = ToView(draft);
            Record(draft, "coupon.created", v);
            return v;
        });
    }

    public Task<CouponView> Get()
    {
        EnsureExists();
        return Task.FromResult(ToView(State));
    }

    public async Task<CouponView> Update(CouponRequest r)
    {
        EnsureExists();
        if (State.Status == "deleted") throw DomainException.Conflict("COUPON_DELETED", "This coupon is deleted; deletion is permanent.");
        if (r.Code is null && r.Name is null && r.DiscountType is null && r.PercentOff is null && r.AmountOff is null
            && r.MaxRedemptions is null && r.PerCustomerLimit is null && r.StartsAt is null && r.ExpiresAt is null
            && r.MinimumSubtotalMoney is null && r.AppliesTo is null && r.Stackable is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var terms = Resolve(r, State);
        var metadata = CatalogInput.MergeMetadata(State.Metadata, r.Metadata);
        return await Change(draft =>
        {
            terms.ApplyTo(draft);
            draft.Metadata = metadata;
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "coupon.updated", v);
            return v;
        });
    }

    public async Task<CouponView> Delete()
    {
        EnsureExists();
        if (State.Status == "deleted") return ToView(State);
        return await Change(draft =>
        {
            draft.Status = "deleted";
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "coupon.deleted", v);
            return v;
        });
    }

    public Task<CouponApplication> ForApplication(string? customerId)
    {
        if (!Exists || State.Status == "deleted") throw NotFound("coupon");
        var mine = customerId is null ? 0 : RedemptionsOf(State, customerId);
        return Task.FromResult(new CouponApplication(ToView(State), mine));
    }

    public async Task<CouponView> Redeem(string orderId, string? customerId)
    {
        FlintId.Validate(orderId, IdPrefix.Order, "order_id");
        if (customerId is not null) FlintId.Validate(customerId, IdPrefix.Customer, "customer_id");
        EnsureExists();
        // Taken already: a retried payment step gets the same answer, whatever changed since.
        if (State.Redemptions.ContainsKey(orderId)) return ToView(State);
        if (State.Status != "active")
            throw Refused("COUPON_INACTIVE", State.Status == "deleted" ? $"Coupon {State.Code} was deleted." : $"Coupon {State.Code} is not active.");
        var now = Clock.GetUtcNow();
        if (State.StartsAt is { } startsAt && now < startsAt)
            throw Refused("COUPON_NOT_STARTED", $"Coupon {State.Code} can be used from {FlintJson.Timestamp(startsAt)}.");
        if (State.ExpiresAt is { } expiresAt && now >= expiresAt)
            throw Refused("COUPON_EXPIRED", $"Coupon {State.Code} expired at {FlintJson.Timestamp(expiresAt)}.");
        if (State.MaxRedemptions is { } max && State.Redemptions.Count >= max)
            throw Refused("COUPON_EXHAUSTED", $"Coupon {State.Code} has been used the maximum number of times.");
        if (customerId is not null && State.PerCustomerLimit is { } limit && RedemptionsOf(State, customerId) >= limit)
            throw Refused("COUPON_CUSTOMER_LIMIT", $"This customer has already used coupon {State.Code} the maximum number of times.");
        return await Change(draft =>
        {
            draft.Redemptions[orderId] = new CouponRedemptionState { CustomerId = customerId, RedeemedAt = Now };
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "coupon.redeemed", v);
            return v;
        });
    }

    public async Task<CouponView> Release(string orderId)
    {
        EnsureExists();
        if (!State.Redemptions.ContainsKey(orderId)) return ToView(State);
        return await Change(draft =>
        {
            draft.Redemptions.Remove(orderId);
            draft.UpdatedAt = Now;
            var v = ToView(draft);
            Record(draft, "coupon.released", v);
            return v;
        });
    }

    protected override ProjectionRecord Project(CouponState s)
    {
        var p = NewProjection(s, CouponProjection.Kind, ToView(s));
        p.Name = s.Code;
        p.Status = s.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.Code, s.Name]);
        return p;
    }

    /// <summary>The coupon's terms after applying <paramref name="r"/> to <paramref name="current"/> (null on create),
    /// validated as a whole so that no combination of a sparse update can leave the coupon inconsistent.</summary>
    private static Terms Resolve(CouponRequest r, CouponState? current)
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

        var productIds = r.AppliesTo is null ? current?.ProductIds ?? [] : ProductIds(r.AppliesTo.ProductIds);
        var categories = r.AppliesTo is null ? current?.Categories ?? [] : Categories(r.AppliesTo.Categories);

        return new Terms(code, name, type, percentOff, amountOff, maxRedemptions, perCustomer, startsAt, expiresAt, minimum,
            productIds, categories, r.Stackable ?? current?.Stackable ?? false,
            CatalogInput.SettableStatus(r.Status, current?.Status ?? "active"));
    }

    private static List<string> ProductIds(List<string>? values)
    {
        const string param = "applies_to.product_ids";
        if (values is null) return [];
        if (values.Count > MaxProductIds) throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxProductIds} product ids.", param);
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var id = FlintId.Validate(values[i], IdPrefix.Product, $"{param}[{i}]");
            if (!result.Contains(id, StringComparer.Ordinal)) result.Add(id);
        }
        return result;
    }

    private static List<string> Categories(List<string>? values)
    {
        const string param = "applies_to.categories";
        if (values is null) return [];
        if (values.Count > MaxCategories) throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxCategories} categories.", param);
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var c = Validation.RequireLength(values[i], $"{param}[{i}]", 1, CatalogInput.MaxCategoryLength);
            if (!result.Contains(c, StringComparer.Ordinal)) result.Add(c);
        }
        return result;
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

    private static DomainException Refused(string code, string message) => DomainException.Conflict(code, message);

    private static long RedemptionsOf(CouponState s, string customerId)
    {
        var n = 0L;
        foreach (var r in s.Redemptions.Values)
            if (r.CustomerId == customerId) n++;
        return n;
    }

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("coupon");
    }

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
        Status = s.Status,
        TimesRedeemed = s.Redemptions.Count,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };

    private sealed record Terms(
        string Code, string? Name, string DiscountType, string? PercentOff, Money? AmountOff, long? MaxRedemptions,
        long? PerCustomerLimit, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, Money? MinimumSubtotalMoney,
        List<string> ProductIds, List<string> Categories, bool Stackable, string Status)
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
        }
    }
}
