using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Checkout;
using Flint.Domain.Devices;
using Flint.Domain.Orders;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Checkout;

/// <summary>
/// A hosted checkout session: a page of Flint's (<c>/checkout/{id}</c>) where a buyer pays one order, through the
/// order's own pay saga (payment source <c>checkout</c>), so amounts, coupons, tax and stock behave as in the API. The
/// order is the source of truth; the session adds where the buyer goes afterwards, what the page offers (coupon, tip
/// choices) and a life of its own: <c>open → complete | expired</c>, expiry by a reminder (it survives restarts).
/// </summary>
public sealed partial class CheckoutSessionGrain(
    [PersistentState("checkout_session", StorageNames.Flint)] IPersistentState<CheckoutSessionState> store,
    DeepCopier<CheckoutSessionState> copier,
    TimeProvider clock,
    PublicUrls urls) : TenantGrain<CheckoutSessionState>(store, copier, clock), ICheckoutSessionGrain, IRemindable
{
    private const string ExpiryReminder = "expire";

    public Task<CheckoutSessionView> Create(CreateCheckoutSessionRequest r) => Create(r, null);

    public Task<CheckoutSessionView> CreateForLink(CreateCheckoutSessionRequest request, LinkSession link) => Create(request, link);

    private async Task<CheckoutSessionView> Create(CreateCheckoutSessionRequest r, LinkSession? link)
    {
        if (Exists) return View(State);
        var now = Now;
        var success = CheckoutRules.RedirectUrl(r.SuccessUrl, "success_url", required: true);
        var cancel = r.CancelUrl is null ? null : CheckoutRules.RedirectUrl(r.CancelUrl, "cancel_url", required: false);
        var expiresAt = CheckoutRules.ExpiresAt(r.ExpiresAt, now);
        var tips = CheckoutRules.TipChoices(r.CollectTip);
        if (r.CustomerEmail is not null) Validation.RequireLength(r.CustomerEmail, "customer_email", 3, 254);
        if (r.CustomerEmail is not null && !r.CustomerEmail.Contains('@'))
            throw DomainException.Invalid("INVALID_FIELD", "customer_email is not an email address.", "customer_email");
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        var customerId = r.CustomerId is null ? null : await OrderDrafting.LinkableCustomer(GrainFactory, Tenant, r.CustomerId);
        if ((r.OrderId is null) == (r.LineItems is null))
            throw DomainException.Invalid("INVALID_FIELD", "Send order_id (an order to pay) or line_items (an order is made), not both.", r.OrderId is null ? "order_id" : "line_items");

        OrderView order;
        var madeHere = r.OrderId is null;
        if (r.OrderId is { } orderId)
        {
            if (r.Currency is not null || r.TaxLocation is not null)
                throw DomainException.Invalid("INVALID_FIELD", "currency and tax_location come from the order when order_id is sent.", r.Currency is not null ? "currency" : "tax_location");
            order = await PayableOrder(orderId);
        }
        else
        {
            // The order's id derives from the session's: a retried create (the session's write failed) makes no second order.
            var id = FlintId.Derived(IdPrefix.Order, FlintId.TryGetTimestamp(ObjectId, IdPrefix.CheckoutSession, out var born) ? born : now, ObjectId + ":order");
            order = await GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(id)).Create(new CreateOrderRequest
            {
                LineItems = r.LineItems,
                Currency = r.Currency,
                TaxLocation = r.TaxLocation,
                CustomerId = customerId,
                Source = link is null ? "checkout" : "payment_link",
                Metadata = link is null ? new() { ["checkout_session_id"] = ObjectId }
                    : new() { ["checkout_session_id"] = ObjectId, ["payment_link_id"] = link.PaymentLinkId },
            });
            if (order.LineItems.Count == 0) throw DomainException.Invalid("INVALID_FIELD", "A checkout session needs at least one line item.", "line_items");
        }

        // The reminder first: one without a session (its write failed) finds nothing and removes itself.
        await this.RegisterOrUpdateReminder(ExpiryReminder, DueIn(expiresAt), TimeSpan.FromMinutes(1));
        var held = new List<LineComponentState>();
        if (r.HoldInventory == true)
        {
            try
            {
                foreach (var need in await GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(order.OrderId!)).StockNeeds())
                {
                    await Stock(need.VariantId).Reserve(HoldId, need.Quantity, expiresAt);
                    held.Add(new LineComponentState { VariantId = need.VariantId, Quantity = need.Quantity });
                }
            }
            catch (FlintException)
            {
                // Not enough to hold: no session, nothing held, and the order made for it goes.
                await Release(held);
                if (madeHere) await GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(order.OrderId!)).Cancel(null);
                throw;
            }
        }
        try
        {
            return await Write();
        }
        catch
        {
            await Release(held);
            throw;
        }

        Task<CheckoutSessionView> Write() => Change(s =>
        {
            s.Status = CheckoutSessionStatus.Open;
            s.OrderId = order.OrderId!;
            s.OrderMadeHere = madeHere;
            s.SuccessUrl = success;
            s.CancelUrl = cancel;
            s.CustomerId = customerId ?? order.CustomerId;
            s.CustomerEmail = r.CustomerEmail;
            s.AllowCoupons = r.AllowCoupons ?? false;
            s.CollectTip = tips;
            s.ExpiresAt = expiresAt;
            s.Metadata = metadata;
            s.CreatedAt = now;
            s.CreatedBy = Actors.Current;
            s.UpdatedAt = now;
            s.Url = urls.BaseUrl.TrimEnd('/') + "/checkout/" + ObjectId;
            s.AmountDue = order.NetAmounts.BalanceMoney;
            s.PaymentLinkId = link?.PaymentLinkId;
            s.RequireEmail = link?.RequireEmail ?? false;
            s.CompletionMessage = link?.CompletionMessage;
            s.HoldInventory = r.HoldInventory == true;
            s.Held = held;
            var v = View(s);
            Record(s, "checkout_session.created", v);
            return v;
        });
    }

    private string HoldId => ObjectId + ":hold";

    private IVariantInventoryGrain Stock(string variantId) => GrainFactory.GetGrain<IVariantInventoryGrain>(Tenant.GrainKey(variantId));

    /// <summary>Gives back the session's held stock (a hold already gone is fine).</summary>
    private async Task Release(IEnumerable<LineComponentState> held)
    {
        foreach (var h in held)
        {
            try
            {
                await Stock(h.VariantId).Release(HoldId);
            }
            catch (FlintException)
            {
            }
        }
    }

    /// <summary>The session no longer holds stock (paid: the order took its own; expired: nobody needs it).</summary>
    private async Task ReleaseHeld()
    {
        if (State.Held.Count == 0) return;
        var held = State.Held;
        await Bookkeeping(s => s.Held = []);
        await Release(held);
    }

    public async Task<CheckoutSessionView> Get()
    {
        await ExpireIfDue();
        if (State.Status == CheckoutSessionStatus.Open) await CompleteIfPaidElsewhere(await Order().Get());
        return View(State);
    }

    public async Task<CheckoutSessionView> Update(UpdateCheckoutSessionRequest r)
    {
        EnsureExists();
        if (r.Metadata is null) throw CatalogInput.NoFields();
        var metadata = CatalogInput.MergeMetadata(State.Metadata, r.Metadata);
        return await Change(s =>
        {
            s.Metadata = metadata;
            s.UpdatedAt = Now;
            var v = View(s);
            Record(s, "checkout_session.updated", v);
            return v;
        });
    }

    public async Task<CheckoutSessionView> Expire()
    {
        EnsureExists();
        if (State.Status == CheckoutSessionStatus.Expired) return View(State);
        if (State.Status == CheckoutSessionStatus.Complete)
            throw DomainException.Conflict("INVALID_STATE_TRANSITION", "A completed session cannot expire.");
        if (State.OrderMadeHere)
        {
            // The session's own order goes with it, unless it got paid meanwhile (then the session completes instead).
            var order = Order();
            var view = await order.Get();
            if (view.NetAmounts.PaidMoney.Amount > 0) return await CompleteIfPaid(view) ?? View(State);
            if (SnakeCase.Is(view.Status, OrderStatus.Open)) await order.Cancel(null);
        }
        var expired = await Change(s =>
        {
            s.Status = CheckoutSessionStatus.Expired;
            s.UpdatedAt = Now;
            var v = View(s);
            Record(s, "checkout_session.expired", v);
            return v;
        });
        await ReleaseHeld();
        await Forget();
        return expired;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder) return;
        if (!Exists || State.Status != CheckoutSessionStatus.Open)
        {
            await Forget();
            return;
        }
        if (Clock.GetUtcNow() >= State.ExpiresAt) await Expire();
    }

    protected override ProjectionRecord Project(CheckoutSessionState s)
    {
        var p = NewProjection(s, CheckoutSessionProjection.Kind, View(s));
        p.Status = SnakeCase.ToSnake(s.Status);
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = CatalogInput.SearchText([ObjectId, s.OrderId, s.CustomerId, s.CustomerEmail]);
        return p;
    }

    /// <summary>Completes the session once its order has nothing left to pay.</summary>
    private async Task<CheckoutSessionView?> CompleteIfPaid(OrderView order, string? paymentId = null)
    {
        if (State.Status == CheckoutSessionStatus.Complete) return View(State);
        if (order.NetAmounts.BalanceMoney.Amount > 0) return null;
        var now = Now;
        var done = await Change(s =>
        {
            s.Status = CheckoutSessionStatus.Complete;
            s.PaymentId = paymentId;
            s.CompletedAt = now;
            s.UpdatedAt = now;
            s.AmountDue = order.NetAmounts.BalanceMoney;
            var v = View(s);
            Record(s, "checkout_session.completed", v);
            return v;
        });
        if (State.PaymentLinkId is { } linkId) await GrainFactory.GetGrain<IPaymentLinkGrain>(Tenant.GrainKey(linkId)).Confirm(ObjectId);
        await ReleaseHeld();
        await Forget();
        return done;
    }

    private async Task<OrderView> PayableOrder(string orderId)
    {
        var order = await NamedOrder.Get(GrainFactory, Tenant, orderId);
        // A paired device reaches its own location's orders and online ones (Flint.Api.Devices.DeviceReach checks
        // routes; this order is named in the body): another location's order is one it does not know.
        if (Actors.DeviceLocation is { } own && !LocationReach.Reaches(own, order.LocationId)) throw NamedOrder.NoSuchOrder();
        OrderStatusMachine.EnsurePayable(SnakeCase.Parse<OrderStatus>(order.Status), order.NetAmounts.BalanceMoney.Amount, "order_id");
        return order;
    }

    private async Task ExpireIfDue()
    {
        EnsureExists();
        if (State.Status == CheckoutSessionStatus.Open && Clock.GetUtcNow() >= State.ExpiresAt) await Expire();
    }

    private async Task EnsureOpen()
    {
        await ExpireIfDue();
        if (State.Status == CheckoutSessionStatus.Expired)
            throw DomainException.Conflict("SESSION_EXPIRED", "This checkout has expired.");
        if (State.Status == CheckoutSessionStatus.Complete)
            throw DomainException.Conflict("SESSION_COMPLETE", "This checkout is paid.");
    }

    private Task Forget() => ForgetReminder(ExpiryReminder);

    private IOrderGrain Order() => GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(State.OrderId));

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("checkout session");
    }

    private CheckoutSessionView View(CheckoutSessionState s) => new()
    {
        CheckoutSessionId = ObjectId,
        Url = s.Url,
        Status = SnakeCase.ToSnake(s.Status),
        OrderId = s.OrderId,
        AmountDue = s.AmountDue,
        SuccessUrl = s.SuccessUrl,
        CancelUrl = s.CancelUrl,
        CustomerId = s.CustomerId,
        CustomerEmail = s.CustomerEmail,
        AllowCoupons = s.AllowCoupons,
        CollectTip = s.CollectTip,
        ExpiresAt = s.ExpiresAt,
        PaymentId = s.PaymentId,
        CompletedAt = s.CompletedAt,
        PaymentLinkId = s.PaymentLinkId,
        HoldInventory = s.HoldInventory,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        CreatedBy = s.CreatedBy,
    };
}
