using Flint.Abstractions;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Checkout;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Checkout;

[GenerateSerializer, Alias("flint.checkout.link_state")]
public sealed class PaymentLinkState : CatalogObjectState
{
    [Id(0)] public string Currency { get; set; } = "";
    [Id(1)] public List<LineItemInput>? LineItems { get; set; }
    [Id(2)] public long? AmountMinor { get; set; }
    [Id(3)] public long? CustomMinimum { get; set; }
    [Id(4)] public long? CustomMaximum { get; set; }
    [Id(5)] public long? CustomPreset { get; set; }
    [Id(6)] public string? Name { get; set; }
    /// <summary>Active = takes buyers, Inactive = switched off.</summary>
    [Id(7)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
    [Id(8)] public long? MaxCompletedSessions { get; set; }
    [Id(9)] public long CompletedSessions { get; set; }
    /// <summary>Sessions being paid that hold one of the limited completions, until when.</summary>
    [Id(10)] public Dictionary<string, DateTimeOffset> Holds { get; set; } = [];
    /// <summary>The sessions counted (a limited link only: at most MaxCompletedSessions of them).</summary>
    [Id(11)] public List<string> Completed { get; set; } = [];
    [Id(12)] public string? RedirectUrl { get; set; }
    [Id(13)] public string? Message { get; set; }
    [Id(14)] public bool CollectCustomerEmail { get; set; }
    [Id(15)] public string Url { get; set; } = "";
    /// <summary>The order each holding session pays, so a hold whose session died can be settled by its order.</summary>
    [Id(16)] public Dictionary<string, string> HoldOrders { get; set; } = [];
}

/// <summary>
/// A payment link: a reusable URL (<c>/l/{id}</c>) whose every visit opens a fresh checkout session for the same lines,
/// a fixed amount, or an amount the buyer chooses (donations). A link with <c>max_completed_sessions</c> (seats) lets
/// exactly that many sessions be paid: a session holds a completion before it charges (<see cref="Claim"/>), gives it
/// back if the payment fails, and turns it into a completion once paid; this grain decides holds one at a time.
/// </summary>
public sealed class PaymentLinkGrain(
    [PersistentState("payment_link", StorageNames.Flint)] IPersistentState<PaymentLinkState> store,
    DeepCopier<PaymentLinkState> copier,
    TimeProvider clock,
    PublicUrls urls) : CatalogGrain<PaymentLinkState, PaymentLinkView>(store, copier, clock), IPaymentLinkGrain
{
    /// <summary>How long a session may hold a completion while it is paid (a charge with retries takes far less);
    /// after it, a hold is settled by its order (<see cref="SettleLapsedHolds"/>).</summary>
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(10);
    public const long MaxSeats = 1_000_000;
    /// <summary>How long a visit's session stays open: a buyer paying now, not a cart kept for a day.</summary>
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);

    protected override string Kind => PaymentLinkProjection.Kind;

    public async Task<PaymentLinkView> Create(CreatePaymentLinkRequest r)
    {
        if (Exists) return await Current();
        var kinds = (r.LineItems is null ? 0 : 1) + (r.AmountMoney is null ? 0 : 1) + (r.CustomAmount is null ? 0 : 1);
        if (kinds != 1)
            throw DomainException.Invalid("INVALID_FIELD", "Send exactly one of line_items, amount_money or custom_amount.", "line_items");
        var name = r.Name is null ? null : CatalogInput.Name(r.Name);
        if (name is not null && r.LineItems is not null)
            throw DomainException.Invalid("INVALID_FIELD", "name is for amount_money and custom_amount; line_items name themselves.", "name");
        string currency;
        long? amount = null, min = null, max = null, preset = null;
        if (r.LineItems is not null)
        {
            // Priced as an order would be (the one resolver), to check the lines and learn the currency; each visit
            // prices them again, as the catalog then is.
            var draft = await OrderDrafting.New(GrainFactory, Tenant, new CreateOrderRequest { LineItems = r.LineItems });
            if (draft.Lines.Count == 0) throw DomainException.Invalid("INVALID_FIELD", "A payment link sells at least one line item.", "line_items");
            currency = draft.Currency;
        }
        else if (r.AmountMoney is not null)
        {
            var money = r.AmountMoney.ToMoney("amount_money");
            if (money.Amount == 0) throw DomainException.Invalid("INVALID_AMOUNT", "amount_money is at least 1 minor unit.", "amount_money.amount");
            (currency, amount) = (money.Currency, money.Amount);
        }
        else
        {
            var c = r.CustomAmount!;
            currency = Flint.Domain.Currency.Validate(c.Currency, "custom_amount.currency");
            min = Validation.RequireRange(c.Minimum ?? 1, 1, Money.MaxAmount, "custom_amount.minimum");
            max = Validation.RequireRange(c.Maximum ?? Money.MaxAmount, min.Value, Money.MaxAmount, "custom_amount.maximum");
            preset = c.Preset is { } p ? Validation.RequireRange(p, min.Value, max.Value, "custom_amount.preset") : null;
        }
        var seats = r.MaxCompletedSessions is { } m ? Validation.RequireRange(m, 1, MaxSeats, "max_completed_sessions") : (long?)null;
        var (redirect, message) = AfterCompletion(r.AfterCompletion);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        return await SaveNew(s =>
        {
            s.Currency = currency;
            s.LineItems = r.LineItems;
            s.AmountMinor = amount;
            s.CustomMinimum = min;
            s.CustomMaximum = max;
            s.CustomPreset = preset;
            s.Name = name;
            s.Status = r.Active == false ? CatalogStatus.Inactive : CatalogStatus.Active;
            s.MaxCompletedSessions = seats;
            s.RedirectUrl = redirect;
            s.Message = message;
            s.CollectCustomerEmail = r.CollectCustomerEmail ?? false;
            s.Metadata = metadata;
            s.Url = urls.BaseUrl.TrimEnd('/') + "/l/" + ObjectId;
        }, Now);
    }

    public async Task<PaymentLinkView> Update(UpdatePaymentLinkRequest r)
    {
        EnsureEditable();
        if (r.Active is null && r.AfterCompletion is null && r.Metadata is null) throw CatalogInput.NoFields();
        var (redirect, message) = r.AfterCompletion is null ? (State.RedirectUrl, State.Message) : AfterCompletion(r.AfterCompletion);
        var metadata = CatalogInput.MetadataAfter(State.Metadata, r.Metadata);
        return await Save("updated", s =>
        {
            if (r.Active is { } active) s.Status = active ? CatalogStatus.Active : CatalogStatus.Inactive;
            s.RedirectUrl = redirect;
            s.Message = message;
            s.Metadata = metadata;
        });
    }

    public async Task<CheckoutSessionView> OpenSession(long? amountMinor)
    {
        EnsureExists();
        if (State.Status != CatalogStatus.Active) throw DomainException.Conflict("LINK_INACTIVE", "This link is no longer active.");
        var now = Clock.GetUtcNow();
        if (State.MaxCompletedSessions is { } seats && State.CompletedSessions >= seats)
            throw DomainException.Conflict("LINK_SOLD_OUT", "Sorry, this is sold out.");
        List<LineItemInput> lines;
        if (State.LineItems is { } items) lines = items;
        else
        {
            var amount = State.AmountMinor ?? amountMinor
                ?? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Enter an amount.", "amount");
            if (State.AmountMinor is null && (amount < State.CustomMinimum || amount > State.CustomMaximum))
                throw DomainException.Invalid("VALUE_OUT_OF_RANGE",
                    $"Enter an amount from {new Money(State.CustomMinimum!.Value, State.Currency)} to {new Money(State.CustomMaximum!.Value, State.Currency)}.", "amount");
            lines = [new LineItemInput { Name = State.Name ?? "Payment", UnitPriceMoney = new MoneyInput { Amount = amount, Currency = State.Currency }, Quantity = 1 }];
        }
        var session = GrainFactory.GetGrain<ICheckoutSessionGrain>(Tenant.GrainKey(FlintId.New(IdPrefix.CheckoutSession)));
        return await session.CreateForLink(new CreateCheckoutSessionRequest
        {
            LineItems = lines,
            Currency = State.Currency,
            SuccessUrl = State.RedirectUrl ?? urls.BaseUrl.TrimEnd('/') + "/checkout/" + CheckoutRules.SessionIdPlaceholder,
            ExpiresAt = now + SessionLifetime,
            Metadata = new() { ["payment_link_id"] = ObjectId },
        }, new LinkSession(ObjectId, State.CollectCustomerEmail, State.Message));
    }

    public async Task<bool> Claim(string checkoutSessionId, string orderId)
    {
        EnsureExists();
        if (State.MaxCompletedSessions is not { } seats || State.Completed.Contains(checkoutSessionId)) return true;
        await SettleLapsedHolds(checkoutSessionId);
        if (State.Completed.Contains(checkoutSessionId)) return true;
        var now = Now;
        var live = State.Holds.Where(h => h.Value > now && h.Key != checkoutSessionId).ToList();
        if (State.CompletedSessions + live.Count >= seats) return false;
        // Written before the session charges: a hold lost with this activation would let a seat be sold twice.
        await Bookkeeping(s =>
        {
            s.Holds = live.ToDictionary();
            s.HoldOrders = s.HoldOrders.Where(h => s.Holds.ContainsKey(h.Key)).ToDictionary();
            s.Holds[checkoutSessionId] = now + HoldFor;
            s.HoldOrders[checkoutSessionId] = orderId;
        });
        return true;
    }

    /// <summary>
    /// A hold past its time belongs to a session whose process died while it paid (a charge with its retries takes far
    /// less). Its order says how that ended, after finishing whatever payment the crash left in flight: paid → the
    /// completion is counted here (the session's own confirmation, when it is next read, changes nothing); the
    /// processor cannot say yet → held a while longer; not paid → the seat is free again.
    /// </summary>
    private async Task SettleLapsedHolds(string claimant)
    {
        var now = Now;
        var lapsed = State.Holds.Where(h => h.Value <= now && h.Key != claimant).Select(h => h.Key).ToList();
        if (lapsed.Count == 0) return;
        List<string> paid = [], unsure = [];
        foreach (var sessionId in lapsed)
        {
            if (!State.HoldOrders.TryGetValue(sessionId, out var orderId)) continue;
            switch (await Paid(orderId))
            {
                case true: paid.Add(sessionId); break;
                case null: unsure.Add(sessionId); break;
            }
        }
        void Apply(PaymentLinkState s)
        {
            foreach (var sessionId in lapsed)
            {
                s.Holds.Remove(sessionId);
                if (!unsure.Contains(sessionId)) s.HoldOrders.Remove(sessionId);
            }
            foreach (var sessionId in unsure) s.Holds[sessionId] = now + HoldFor;
            foreach (var sessionId in paid.Where(id => !s.Completed.Contains(id)))
            {
                s.CompletedSessions++;
                s.Completed.Add(sessionId);
            }
        }
        if (paid.Count > 0) await Save("updated", Apply);
        else await Bookkeeping(Apply);
    }

    /// <summary>Whether the order is paid in full once any payment a crash left in flight is settled; null when that
    /// cannot be known now (the processor does not answer).</summary>
    private async Task<bool?> Paid(string orderId)
    {
        var order = GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(orderId));
        try
        {
            await order.ResumePending();
            var view = await order.Get();
            return view.NetAmounts.PaidMoney.Amount > 0 && view.NetAmounts.BalanceMoney.Amount == 0;
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return false;
        }
        catch (Exception)
        {
            return null;
        }
    }

    public async Task Confirm(string checkoutSessionId)
    {
        EnsureExists();
        if (State.Completed.Contains(checkoutSessionId)) return;
        await Save("updated", s =>
        {
            s.Holds.Remove(checkoutSessionId);
            s.HoldOrders.Remove(checkoutSessionId);
            s.CompletedSessions++;
            if (s.MaxCompletedSessions is not null) s.Completed.Add(checkoutSessionId);
        });
    }

    public async Task Release(string checkoutSessionId)
    {
        EnsureExists();
        if (!State.Holds.ContainsKey(checkoutSessionId)) return;
        await Bookkeeping(s =>
        {
            s.Holds.Remove(checkoutSessionId);
            s.HoldOrders.Remove(checkoutSessionId);
        });
    }

    protected override ValueTask<Func<PaymentLinkState, PaymentLinkView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(PaymentLinkState s) =>
        CatalogProjection(s, ToView(s), s.Name, CatalogInput.SearchText([ObjectId, s.Name]));

    private static (string? Redirect, string? Message) AfterCompletion(AfterCompletionInput? a)
    {
        if (a is null) return (null, null);
        if ((a.RedirectUrl is null) == (a.Message is null))
            throw DomainException.Invalid("INVALID_FIELD", "after_completion takes redirect_url or message.", "after_completion");
        return a.RedirectUrl is not null
            ? (CheckoutRules.RedirectUrl(a.RedirectUrl, "after_completion.redirect_url", required: true), null)
            : (null, Validation.RequireLength(a.Message!, "after_completion.message", 1, 500));
    }

    private PaymentLinkView ToView(PaymentLinkState s) => new()
    {
        PaymentLinkId = ObjectId,
        Url = s.Url,
        Currency = s.Currency,
        LineItems = s.LineItems,
        AmountMoney = s.AmountMinor is { } a ? new Money(a, s.Currency) : null,
        CustomAmount = s.CustomMinimum is { } min
            ? new CustomAmountView(new Money(min, s.Currency), new Money(s.CustomMaximum!.Value, s.Currency), s.CustomPreset is { } p ? new Money(p, s.Currency) : null)
            : null,
        Name = s.Name,
        Active = s.Status == CatalogStatus.Active,
        MaxCompletedSessions = s.MaxCompletedSessions,
        CompletedSessions = s.CompletedSessions,
        AfterCompletion = new AfterCompletionView(s.RedirectUrl, s.Message),
        CollectCustomerEmail = s.CollectCustomerEmail,
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
