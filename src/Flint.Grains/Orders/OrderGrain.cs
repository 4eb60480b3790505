using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Coupons;
using Flint.Domain.Orders;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Coupons;
using Orleans.Serialization;

namespace Flint.Grains.Orders;

/// <summary>
/// One order: the source of truth for what is being sold and what it costs. Every change goes through this grain
/// one at a time; every answer carries amounts recomputed by the one <see cref="OrderCalculator"/>. While the order
/// is open, each change also refreshes the tax rates that match its location; after that they are frozen.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.Flint)] IPersistentState<OrderState> store,
    DeepCopier<OrderState> copier,
    TimeProvider clock) : TenantGrain<OrderState>(store, copier, clock), IOrderGrain
{
    public const int MaxLines = 500;
    public const int MaxDiscounts = 20;

    public async Task<OrderView> Create(CreateOrderRequest request)
    {
        if (Exists) return OrderPricing.View(State, ObjectId);
        var draft = await OrderDrafting.New(GrainFactory, Tenant, request);
        return await WriteNew(draft, s => s.CreatedBy = Actors.Current);
    }

    /// <summary>Writes a new order from its draft, stamped now, with its <c>order.created</c> event.</summary>
    private Task<OrderView> WriteNew(OrderState draft, Action<OrderState> stamp)
    {
        var now = Now;
        return Change(s =>
        {
            OrderDrafting.CopyInto(draft, s);
            stamp(s);
            s.CreatedAt = now;
            s.UpdatedAt = now;
            var v = OrderPricing.View(s, ObjectId);
            Record(s, "order.created", OrderEventObject.Of(v));
            return v;
        });
    }

    public Task<OrderView> Get()
    {
        EnsureExists();
        // Every change replaces the state object (TenantGrain.Change writes a copy), so the view of this very object
        // is still the order as it stands: reads of an active order cost no recalculation.
        if (!ReferenceEquals(_viewOf, State))
        {
            _view = OrderPricing.View(State, ObjectId);
            _viewOf = State;
        }
        return Task.FromResult(_view!);
    }

    private OrderState? _viewOf;
    private OrderView? _view;

    public async Task<OrderView> Update(UpdateOrderRequest request)
    {
        EnsureExists();
        CheckVersion(request.Version);
        if (request.Metadata is null && request.CustomerId is null && request.TaxLocation is null)
            throw CatalogInput.NoFields();
        if (request.CustomerId is not null || request.TaxLocation is not null)
        {
            EnsureNoMoneyInFlight();
            OrderStatusMachine.EnsureEditable(Status);
        }
        var metadata = CatalogInput.MergeMetadata(State.Metadata, request.Metadata);
        var customerId = State.CustomerId;
        if (request.CustomerId is not null)
            customerId = request.CustomerId.Length == 0 ? null : await OrderDrafting.LinkableCustomer(GrainFactory, Tenant, request.CustomerId);
        var location = request.TaxLocation is null ? State.TaxLocation : OrderDrafting.Location(request.TaxLocation);
        var rates = OrderStatusMachine.IsEditable(Status) ? await OrderDrafting.RatesFor(GrainFactory, Tenant, location) : State.TaxRates;
        return await Save("order.updated", s =>
        {
            s.Metadata = metadata;
            s.CustomerId = customerId;
            s.TaxLocation = location;
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> AddLineItem(AddLineItemRequest request)
    {
        EnsureEditable(request.Version);
        if (State.Lines.Count >= MaxLines)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"An order has at most {MaxLines} lines.", "line_items");
        var settings = await Settings();
        var line = await new OrderLineResolver(GrainFactory, Tenant).Resolve(request, "", State.Currency, settings.AllowPriceOverride);
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Lines.Add(line);
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> UpdateLineItem(string lineItemId, UpdateLineItemRequest request)
    {
        EnsureEditable(request.Version);
        var current = State.Lines.FirstOrDefault(l => l.LineItemId == lineItemId) ?? throw NotFound("line item");
        if (request.Quantity is null && request.Modifiers is null && request.Note is null) throw CatalogInput.NoFields();
        if (request.Quantity is { } q) Validation.RequireRange(q, 1, OrderLineResolver.MaxQuantity, "quantity");
        if (request.Note is not null) Validation.RequireLength(request.Note, "note", 0, 500);
        List<LineModifierView>? modifiers = null;
        if (request.Modifiers is not null)
            modifiers = await new OrderLineResolver(GrainFactory, Tenant).Modifiers(request.Modifiers, current.ModifierSetIds, State.Currency, "modifiers");
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            var line = s.Lines.First(l => l.LineItemId == lineItemId);
            line.Quantity = request.Quantity ?? line.Quantity;
            line.Note = request.Note is null ? line.Note : request.Note.Length == 0 ? null : request.Note;
            line.Modifiers = modifiers ?? line.Modifiers;
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> RemoveLineItem(string lineItemId, long? version)
    {
        EnsureEditable(version);
        if (State.Lines.All(l => l.LineItemId != lineItemId)) throw NotFound("line item");
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Lines.RemoveAll(l => l.LineItemId == lineItemId);
            // A line-scoped discount follows its lines; one left without any goes too.
            foreach (var d in s.Discounts.Where(d => d.LineItemIds is not null)) d.LineItemIds!.Remove(lineItemId);
            s.Discounts.RemoveAll(d => d.LineItemIds is { Count: 0 });
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> ApplyCoupon(string couponId, long? version)
    {
        EnsureEditable(version);
        if (State.Discounts.Count >= MaxDiscounts)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"An order has at most {MaxDiscounts} discounts.", "coupon_code");
        var discount = await CouponDiscount(State, couponId);
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Discounts.Add(discount);
            s.TaxRates = rates;
        });
    }

    /// <summary>The discount a coupon gives <paramref name="order"/>, if the coupon's rules let it apply there now.</summary>
    private async Task<OrderDiscountState> CouponDiscount(OrderState order, string couponId)
    {
        // A coupon deleted since its code was looked up answers 404 RESOURCE_NOT_FOUND, "No such coupon.".
        var application = await GrainFactory.GetGrain<ICouponGrain>(Tenant.GrainKey(couponId)).ForApplication(order.CustomerId);
        var coupon = application.Coupon;
        var discount = new OrderDiscountState
        {
            DiscountId = FlintId.New(IdPrefix.Discount),
            Name = coupon.Name ?? coupon.Code,
            Type = coupon.DiscountType,
            Percentage = coupon.PercentOff,
            AmountMinor = coupon.AmountOff?.Amount,
            Source = "coupon",
            CouponId = coupon.CouponId,
            CouponCode = coupon.Code,
            Stackable = coupon.Stackable,
            AppliesToProductIds = coupon.AppliesTo.ProductIds.ToList(),
            AppliesToCategories = coupon.AppliesTo.Categories.ToList(),
            MinimumSubtotalMinor = coupon.MinimumSubtotalMoney?.Amount,
        };
        CouponRules.CheckCanApply(coupon.ToTerms(), Clock.GetUtcNow(), order.Currency, OrderPricing.CouponLines(order),
            order.Discounts.Where(d => d.Source == "coupon").Select(d => (d.CouponCode ?? "", d.Stackable)).ToList(),
            coupon.TimesRedeemed, application.CustomerRedemptions, order.CustomerId is not null);
        return discount;
    }

    public async Task<OrderView> CreateForCycle(CycleOrderRequest request)
    {
        if (Exists) return OrderPricing.View(State, ObjectId);
        var draft = await OrderDrafting.New(GrainFactory, Tenant, new CreateOrderRequest
        {
            CustomerId = request.CustomerId,
            Currency = request.Currency,
            LineItems = request.LineItems,
            TaxLocation = request.TaxLocation,
            Source = "subscription",
            Metadata = request.Metadata,
        }, priceSetter: true);
        if (request.CouponId is not null)
        {
            // "While the coupon allows": a coupon that expired, ran out or was deleted leaves the cycle undiscounted.
            try
            {
                draft.Discounts.Add(await CouponDiscount(draft, request.CouponId));
            }
            catch (DomainException)
            {
            }
            catch (FlintException)
            {
            }
        }
        if (request.CreditMinor > 0)
        {
            draft.Discounts.Add(new OrderDiscountState
            {
                DiscountId = FlintId.New(IdPrefix.Discount),
                Name = request.CreditName ?? "Credit",
                Type = "fixed_amount",
                AmountMinor = request.CreditMinor,
                Source = "manual",
            });
        }
        return await WriteNew(draft, s =>
        {
            s.SubscriptionId = request.SubscriptionId;
            s.SubscriptionCycle = request.Cycle;
        });
    }

    public async Task<OrderView> RemoveCoupon(string couponCode, long? version)
    {
        EnsureEditable(version);
        var code = CouponRules.NormalizeCode(couponCode, "coupon_code");
        if (State.Discounts.All(d => d.CouponCode != code)) throw DomainException.NotFound($"Coupon {code} is not applied to this order.");
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Discounts.RemoveAll(d => d.CouponCode == code);
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> AddDiscount(AddDiscountRequest request)
    {
        EnsureEditable(request.Version);
        if (State.Discounts.Count >= MaxDiscounts)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"An order has at most {MaxDiscounts} discounts.");
        var name = CatalogInput.Name(request.Name);
        if ((request.Percentage is null) == (request.AmountMoney is null))
            throw DomainException.Invalid("INVALID_DISCOUNT", "Send exactly one of percentage or amount_money.", request.Percentage is null ? "percentage" : "amount_money");
        string? percentage = null;
        long? amount = null;
        if (request.Percentage is not null)
            percentage = Percentage.Format(Percentage.Parse(request.Percentage, "percentage", Percentage.DiscountDecimals));
        else
        {
            var money = request.AmountMoney!.InOrderCurrency("amount_money", State.Currency);
            if (money.Amount == 0) throw DomainException.Invalid("INVALID_AMOUNT", "A discount amount is at least 1 minor unit.", "amount_money.amount");
            amount = money.Amount;
        }
        List<string>? lineIds = null;
        if (request.LineItemIds is not null)
        {
            if (request.LineItemIds.Count == 0)
                throw DomainException.Invalid("INVALID_FIELD", "line_item_ids needs at least one line (omit it for the whole order).", "line_item_ids");
            for (var i = 0; i < request.LineItemIds.Count; i++)
                if (State.Lines.All(l => l.LineItemId != request.LineItemIds[i]))
                    throw DomainException.Invalid("INVALID_LINE_ITEM", $"'{request.LineItemIds[i]}' is not a line of this order.", $"line_item_ids[{i}]");
            lineIds = request.LineItemIds.Distinct().ToList();
        }
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Discounts.Add(new OrderDiscountState
            {
                DiscountId = FlintId.New(IdPrefix.Discount),
                Name = name,
                Type = percentage is null ? "fixed_amount" : "percentage",
                Percentage = percentage,
                AmountMinor = amount,
                LineItemIds = lineIds,
                Source = "manual",
            });
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> RemoveDiscount(string discountId, long? version)
    {
        EnsureEditable(version);
        var d = State.Discounts.FirstOrDefault(x => x.DiscountId == discountId) ?? throw NotFound("discount");
        if (d.Source == "coupon")
            throw DomainException.Invalid("COUPON_DISCOUNT", "This discount comes from a coupon; remove it with DELETE /v1/orders/{id}/coupons/{code}.");
        var rates = await OrderDrafting.RatesFor(GrainFactory, Tenant, State.TaxLocation);
        return await Save("order.updated", s =>
        {
            s.Discounts.RemoveAll(x => x.DiscountId == discountId);
            s.TaxRates = rates;
        });
    }

    public async Task<OrderView> Cancel(long? version)
    {
        EnsureExists();
        CheckVersion(version);
        EnsureNoMoneyInFlight();
        var from = Status;
        var to = OrderStatusMachine.Cancel(from);
        return await Change(s =>
        {
            s.Status = to;
            s.UpdatedAt = Now;
            return RecordOrderMove(s, from);
        });
    }

    protected override ProjectionRecord Project(OrderState s)
    {
        var p = NewProjection(s, OrderProjection.Kind, OrderPricing.View(s, ObjectId));
        p.Status = SnakeCase.ToSnake(s.Status);
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.CustomerId], s.Lines.Select(l => l.Name), s.Lines.Select(l => l.Sku));
        return p;
    }

    private OrderStatus Status => State.Status;

    private Task<MerchantSettingsView> Settings() =>
        GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).Get();

    private Task<OrderView> Save(string eventType, Action<OrderState> mutate) => Change(s =>
    {
        mutate(s);
        s.UpdatedAt = Now;
        var v = OrderPricing.View(s, ObjectId);
        Record(s, eventType, OrderEventObject.Of(v));
        return v;
    });

    /// <summary>Records the event of a change that may move the status (a payment, a refund, a cancel):
    /// <c>order.&lt;new status&gt;</c> when it moved, <c>order.updated</c> when it stayed (a second partial payment).</summary>
    private OrderView RecordOrderMove(OrderState s, OrderStatus from)
    {
        var view = OrderPricing.View(s, ObjectId);
        Record(s, from == s.Status ? "order.updated" : OrderStatusMachine.EventFor(from, s.Status), OrderEventObject.Of(view));
        return view;
    }

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("order");
    }

    private void EnsureEditable(long? version)
    {
        EnsureExists();
        CheckVersion(version);
        EnsureNoMoneyInFlight();
        OrderStatusMachine.EnsureEditable(Status);
    }

    /// <summary>What is being charged must be what is sold: while a payment or refund is unfinished (a crash left it
    /// for recovery), the order's contents and status stay as they are.</summary>
    private void EnsureNoMoneyInFlight()
    {
        if (State.PendingPay is not null || State.PendingRefund is not null)
            throw DomainException.Conflict("PAYMENT_IN_PROGRESS", "A payment or refund of this order is still being processed; retry shortly.");
    }

    /// <summary>A stale screen (point of sale, admin) sends the version it saw; it must not overwrite newer edits.</summary>
    private void CheckVersion(long? version)
    {
        if (version is { } v && v != State.Version)
            throw DomainException.Conflict("VERSION_MISMATCH", $"The order is at version {State.Version}, not {v}; reload it and retry.", "version");
    }
}
