using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Domain;
using Flint.Domain.Checkout;
using Flint.Domain.Devices;
using Flint.Domain.Orders;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Devices;

[GenerateSerializer, Alias("flint.terminal.state")]
public sealed class TerminalCheckoutState : ObjectState
{
    [Id(0)] public string DeviceId { get; set; } = "";
    [Id(1)] public string LocationId { get; set; } = "";
    [Id(2)] public string OrderId { get; set; } = "";
    [Id(3)] public TerminalCheckoutStatus Status { get; set; }
    [Id(4)] public TerminalCancelReason? CancelReason { get; set; }
    [Id(5)] public long AmountMinor { get; set; }
    [Id(6)] public string Currency { get; set; } = "";
    /// <summary>Percentages as offered ("15", "12.5").</summary>
    [Id(7)] public List<string> TipOptions { get; set; } = [];
    [Id(8)] public long? TipMinor { get; set; }
    [Id(9)] public DateTimeOffset Deadline { get; set; }
    [Id(10)] public string? PaymentId { get; set; }
    [Id(11)] public string? DeclineCode { get; set; }
    [Id(12)] public long? TenderedMinor { get; set; }
    [Id(13)] public long? ChangeBackMinor { get; set; }
    [Id(14)] public string? Note { get; set; }
    [Id(15)] public DateTimeOffset CreatedAt { get; set; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(17)] public string? CreatedBy { get; set; }
    /// <summary>Payment attempts made so far; the current one's pay call is keyed by it.</summary>
    [Id(18)] public int Attempts { get; set; }
    /// <summary>An attempt's pay call was sent and its outcome is not written yet: the next try asks the order for that
    /// attempt's outcome (same key) rather than paying again.</summary>
    [Id(19)] public bool AttemptInFlight { get; set; }
}

/// <summary>
/// A terminal checkout: a payment of (part of) an order, sent to a paired device for the buyer to complete there —
/// a card-present token or cash with change, a tip on top — through the order's pay saga (payment source <c>pos</c>,
/// with the device and its location). The order decides what may be paid: twenty checkouts of one order completed at
/// once charge it once (the rest find it paid). Each attempt's pay call is keyed by the checkout and the attempt's
/// number, so a retry after a lost answer gets that attempt's outcome, never a second charge. Its deadline (≤ 5
/// minutes) cancels it as timed out, by a reminder (it survives restarts) and at any read past it.
/// </summary>
public sealed class TerminalCheckoutGrain(
    [PersistentState("terminal_checkout", StorageNames.Flint)] IPersistentState<TerminalCheckoutState> store,
    DeepCopier<TerminalCheckoutState> copier,
    TimeProvider clock) : TenantGrain<TerminalCheckoutState>(store, copier, clock), ITerminalCheckoutGrain, IRemindable
{
    private const string TimeoutReminder = "timeout";

    public async Task<TerminalCheckoutView> Create(CreateTerminalCheckoutRequest r)
    {
        if (Exists) return View(State);
        var now = Now;
        var device = await PairedDevice(r.DeviceId);
        var locationId = device.LocationId;
        if (r.OrderId is null) throw DomainException.Missing("order_id");
        NamedOrder.CheckId(r.OrderId);
        var deadline = TerminalCheckouts.Deadline(r.Deadline, now);
        var tips = CheckoutRules.TipChoices(r.TipOptions, "tip_options");
        if (r.Note is not null) Validation.RequireLength(r.Note, "note", 1, 500);
        var order = await NamedOrder.Get(GrainFactory, Tenant, r.OrderId);
        if (!LocationReach.Reaches(locationId, order.LocationId))
            throw DomainException.Invalid("INVALID_ORDER", $"The order was made at {order.LocationId}; this device works at {locationId}.", "order_id");
        var balance = order.NetAmounts.BalanceMoney;
        OrderStatusMachine.EnsurePayable(SnakeCase.Parse<OrderStatus>(order.Status), balance.Amount, "order_id");
        var amount = balance.Amount;
        if (r.AmountMoney is not null)
        {
            var m = r.AmountMoney.InOrderCurrency("amount_money", balance.Currency);
            if (m.Amount <= 0) throw DomainException.Invalid("INVALID_AMOUNT", "A terminal checkout is at least 1 minor unit.", "amount_money.amount");
            if (m.Amount > balance.Amount)
                throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", $"Only {balance.Amount} minor units are left to pay.", "amount_money.amount");
            amount = m.Amount;
        }
        // The reminder first: one without a checkout (its write failed) finds nothing and removes itself.
        await this.RegisterOrUpdateReminder(TimeoutReminder, DueIn(deadline), TimeSpan.FromMinutes(1));
        return await Change(s =>
        {
            s.DeviceId = device.DeviceId;
            s.LocationId = locationId;
            s.OrderId = r.OrderId;
            s.Status = TerminalCheckoutStatus.Pending;
            s.AmountMinor = amount;
            s.Currency = balance.Currency;
            s.TipOptions = tips;
            s.Deadline = deadline;
            s.Note = r.Note;
            s.CreatedAt = now;
            s.UpdatedAt = now;
            s.CreatedBy = Actors.Current;
            var v = View(s);
            Record(s, "terminal_checkout.created", v);
            return v;
        });
    }

    public async Task<TerminalCheckoutView> Get()
    {
        EnsureExists();
        await TimeOutIfDue();
        return View(State);
    }

    public async Task<TerminalCheckoutView> Start()
    {
        await EnsureUnfinished();
        if (State.Status == TerminalCheckoutStatus.InProgress) return View(State);
        return await Move(TerminalCheckoutStatus.InProgress, null, "terminal_checkout.updated");
    }

    public async Task<TerminalCheckoutView> Complete(CompleteTerminalCheckoutRequest r)
    {
        EnsureExists();
        await TimeOutIfDue();
        if (State.Status == TerminalCheckoutStatus.Completed) return View(State);
        await EnsureUnfinished();
        var tip = 0L;
        if (r.TipMoney is not null)
        {
            var t = r.TipMoney.InOrderCurrency("tip_money", State.Currency);
            tip = t.Amount;
        }
        var due = new MoneyInput { Amount = checked(State.AmountMinor + tip), Currency = State.Currency };
        PaymentSourceInput source;
        switch (r.Type)
        {
            case null:
                throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "type is required (card_present or cash).", "type");
            case "card_present":
                if (r.Token is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "token is required for card_present.", "token");
                Validation.RequireLength(r.Token, "token", 1, 255);
                if (!CardPresent.IsToken(r.Token))
                    throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", $"A card-present token starts with {CardPresent.TokenPrefix} (the reader's).", "token");
                if (r.TenderedMoney is not null) throw DomainException.Invalid("INVALID_FIELD", "tendered_money is for cash.", "tendered_money");
                source = new PaymentSourceInput { Type = "card", Token = r.Token, AmountMoney = due };
                break;
            case "cash":
                if (r.Token is not null) throw DomainException.Invalid("INVALID_FIELD", "token is for card_present.", "token");
                if (r.TenderedMoney is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "tendered_money is required for cash.", "tendered_money");
                var tendered = r.TenderedMoney.InOrderCurrency("tendered_money", State.Currency);
                // Refused here, on this request's own field, before any attempt is counted.
                Flint.Domain.Orders.Cash.Change(tendered.Amount, due.Amount!.Value, "tendered_money.amount");
                source = new PaymentSourceInput { Type = "cash", AmountMoney = due, TenderedMoney = r.TenderedMoney };
                break;
            default:
                throw DomainException.Invalid("INVALID_ENUM_VALUE", "type must be card_present or cash.", "type");
        }

        if (!State.AttemptInFlight)
        {
            await Change(s =>
            {
                s.Attempts++;
                s.AttemptInFlight = true;
                s.UpdatedAt = Now;
                if (s.Status == TerminalCheckoutStatus.Pending)
                {
                    s.Status = TerminalCheckoutStatus.InProgress;
                    Record(s, "terminal_checkout.updated", View(s));
                }
                return 0;
            });
        }
        var request = new PayOrderRequest
        {
            PaymentSources = [source],
            TipMoney = tip > 0 ? new MoneyInput { Amount = tip, Currency = State.Currency } : null,
            Source = "pos",
        };
        PayOrderResult result;
        try
        {
            result = await Order(State.OrderId).Pay(request, new PayAttempt($"{ObjectId}:{State.Attempts}"));
        }
        catch (FlintException e) when (e.Code != "PAYMENT_IN_PROGRESS")
        {
            // Declined or refused: the attempt is over and nothing was charged; the checkout stays in progress for
            // another card (or until it is canceled or times out). An outcome not known yet keeps the attempt open.
            await Change(s =>
            {
                s.AttemptInFlight = false;
                if (e.Code == "PAYMENT_DECLINED") s.DeclineCode = e.DeclineCode ?? "card_declined";
                s.UpdatedAt = Now;
                var v = View(s);
                if (e.Code == "PAYMENT_DECLINED") Record(s, "terminal_checkout.updated", v);
                return v;
            });
            throw;
        }
        var payment = result.Payments.Last(p => SnakeCase.Is(p.Status, PaymentStatus.Succeeded));
        await Forget();
        return await Change(s =>
        {
            s.AttemptInFlight = false;
            s.Status = TerminalCheckoutStatus.Completed;
            s.PaymentId = payment.PaymentId;
            s.DeclineCode = null;
            s.TipMinor = payment.TipMoney.Amount;
            s.TenderedMinor = payment.TenderedMoney?.Amount;
            s.ChangeBackMinor = payment.ChangeBackMoney?.Amount;
            s.UpdatedAt = Now;
            var v = View(s);
            Record(s, "terminal_checkout.completed", v);
            return v;
        });
    }

    public async Task<TerminalCheckoutView> Cancel(TerminalCancelReason reason)
    {
        EnsureExists();
        await TimeOutIfDue();
        if (State.Status == TerminalCheckoutStatus.Canceled) return View(State);
        await EnsureUnfinished();
        // A payment whose outcome is not known yet may still complete it: the buyer is paying now.
        if (State.AttemptInFlight)
            throw DomainException.Conflict("PAYMENT_IN_PROGRESS", "The buyer is paying on the device now; try again shortly.");
        await Forget();
        return await Move(TerminalCheckoutStatus.Canceled, reason, "terminal_checkout.canceled");
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TimeoutReminder) return;
        if (!Exists || TerminalCheckouts.IsFinal(State.Status))
        {
            await Forget();
            return;
        }
        await TimeOutIfDue();
    }

    /// <summary>Past its deadline and not completed (and no payment underway): canceled as timed out.</summary>
    private async Task TimeOutIfDue()
    {
        if (TerminalCheckouts.IsFinal(State.Status) || State.AttemptInFlight || Clock.GetUtcNow() < State.Deadline) return;
        await Forget();
        await Move(TerminalCheckoutStatus.Canceled, TerminalCancelReason.TimedOut, "terminal_checkout.canceled");
    }

    private async Task EnsureUnfinished()
    {
        EnsureExists();
        await TimeOutIfDue();
        if (State.Status == TerminalCheckoutStatus.Completed)
            throw DomainException.Conflict("TERMINAL_CHECKOUT_COMPLETED", "This terminal checkout is paid.");
        if (State.Status == TerminalCheckoutStatus.Canceled)
            throw DomainException.Conflict("TERMINAL_CHECKOUT_CANCELED", $"This terminal checkout was canceled ({SnakeCase.ToSnake(State.CancelReason!.Value)}).");
    }

    private Task<TerminalCheckoutView> Move(TerminalCheckoutStatus to, TerminalCancelReason? reason, string eventType) => Change(s =>
    {
        s.Status = to;
        s.CancelReason = reason;
        s.UpdatedAt = Now;
        var v = View(s);
        Record(s, eventType, v);
        return v;
    });

    /// <summary>The device a checkout is sent to: a paired one; when a device sends it, one of its own location (another
    /// location's is one it does not know).</summary>
    private async Task<DeviceView> PairedDevice(string? deviceId)
    {
        if (deviceId is null) throw DomainException.Missing("device_id");
        if (!FlintId.IsValid(deviceId, IdPrefix.Device))
            throw DomainException.Invalid("INVALID_DEVICE", $"'{deviceId}' is not a device id.", "device_id");
        DeviceView device;
        try
        {
            device = await GrainFactory.GetGrain<IDeviceGrain>(Tenant.GrainKey(deviceId)).Get();
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            throw DomainException.Invalid("INVALID_DEVICE", "No such device.", "device_id");
        }
        if (Actors.DeviceLocation is { } own && own != device.LocationId)
            throw DomainException.Invalid("INVALID_DEVICE", "No such device.", "device_id");
        if (!SnakeCase.Is(device.Status, DeviceStatus.Paired))
            throw DomainException.Conflict("DEVICE_NOT_PAIRED", "This device is not paired; pair it first.", "device_id");
        return device;
    }

    private Task Forget() => ForgetReminder(TimeoutReminder);

    private IOrderGrain Order(string orderId) => GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(orderId));

    private void EnsureExists()
    {
        if (!Exists) throw NotFound("terminal checkout");
    }

    protected override ProjectionRecord Project(TerminalCheckoutState s)
    {
        var p = NewProjection(s, TerminalCheckoutProjection.Kind, View(s));
        p.Status = SnakeCase.ToSnake(s.Status);
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = string.Join(' ', ObjectId, s.DeviceId, s.OrderId, s.LocationId);
        return p;
    }

    private TerminalCheckoutView View(TerminalCheckoutState s) => new()
    {
        TerminalCheckoutId = ObjectId,
        DeviceId = s.DeviceId,
        LocationId = s.LocationId,
        OrderId = s.OrderId,
        Status = SnakeCase.ToSnake(s.Status),
        CancelReason = s.CancelReason is { } c ? SnakeCase.ToSnake(c) : null,
        AmountMoney = new(s.AmountMinor, s.Currency),
        TipOptions = s.TipOptions.Select(p => new TipOptionView(p, new(CheckoutRules.Tip(s.AmountMinor, p), s.Currency))).ToList(),
        TipMoney = s.TipMinor is { } t ? new(t, s.Currency) : null,
        Deadline = s.Deadline,
        PaymentId = s.PaymentId,
        DeclineCode = s.DeclineCode,
        TenderedMoney = s.TenderedMinor is { } tendered ? new(tendered, s.Currency) : null,
        ChangeBackMoney = s.ChangeBackMinor is { } change ? new(change, s.Currency) : null,
        Note = s.Note,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        CreatedBy = s.CreatedBy,
    };
}
