using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Locations;
using Flint.Abstractions.Orders;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Domain.Devices;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Devices;

[GenerateSerializer, Alias("flint.devices.device_state")]
public sealed class DeviceState : ObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string LocationId { get; set; } = "";
    [Id(2)] public bool Paired { get; set; }
    [Id(3)] public DateTimeOffset? CodeExpiresAt { get; set; }
    [Id(4)] public DateTimeOffset? PairedAt { get; set; }
    [Id(5)] public DateTimeOffset? LastSeenAt { get; set; }
    [Id(6)] public string? AppVersion { get; set; }
    /// <summary>SHA-256 of the device token; null when not paired.</summary>
    [Id(7)] public string? TokenHash { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public string? CreatedBy { get; set; }
    /// <summary>Unpaired by the merchant (a code that expired unused reads as unpaired without this).</summary>
    [Id(11)] public bool Unpaired { get; set; }
    /// <summary>The orders open on its screen, in the order they were opened, each with the fingerprint of the state
    /// its stream last sent ("" before the first).</summary>
    [Id(12)] public List<WatchedObject> LiveOrders { get; set; } = [];
    /// <summary>The terminal checkouts sent to it that are not finished yet, likewise.</summary>
    [Id(13)] public List<WatchedObject> Checkouts { get; set; } = [];
    /// <summary>The number of the stream's newest event (0: none yet).</summary>
    [Id(14)] public long StreamHead { get; set; }
}

[GenerateSerializer, Alias("flint.devices.watched")]
public sealed class WatchedObject
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Sent { get; set; } = "";
}

/// <summary>
/// A POS device of one location: made with a pairing code, paired once (its token kept as a SHA-256), asked on every call
/// its token makes, so unpairing stops it at once on every silo. When it was last seen is kept in memory and written at
/// most once a minute.
/// <para>It holds its live orders (the ones open on its screen) and the terminal checkouts sent to it, and is the home
/// of its event stream: while a stream listens (<see cref="Listen"/>), it looks at each of them every
/// <see cref="LookEvery"/> and appends an event for each one whose state changed (its whole view, so a missed state
/// is never needed: the latest one says everything). Events are numbered per device and written in the device's
/// state write, to flint_object_log, before anyone hears of them; a stream that reconnects with <c>Last-Event-ID</c>
/// reads what it missed from there, on any silo, also after this grain moved. Orders and checkouts never call the
/// device (it only calls them), so there is no call cycle. Changes made between two looks arrive as one event.</para>
/// </summary>
public sealed class DeviceGrain(
    [PersistentState("device", StorageNames.Flint)] IPersistentState<DeviceState> store,
    DeepCopier<DeviceState> copier,
    TimeProvider clock) : TenantGrain<DeviceState>(store, copier, clock), IDeviceGrain, IRemindable
{
    /// <summary>Wakes the device when its code expires unused: the list row (and the events) then say unpaired, as
    /// GET already does.</summary>
    private const string CodeReminder = "code_expiry";
    private const int CodeAttempts = 8;
    public const int MaxLiveOrders = 20;
    private static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ListenerGone = TimeSpan.FromMinutes(1);
    private DateTimeOffset? _seen;
    private IGrainTimer? _looker;
    private DateTimeOffset _listened;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<DeviceView> Create(CreateDeviceCodeRequest r)
    {
        if (Exists) return View(State, null);
        var name = CatalogInput.Name(r.Name);
        if (r.LocationId is null) throw DomainException.Missing("location_id");
        if (!FlintId.IsValid(r.LocationId, IdPrefix.Location))
            throw DomainException.Invalid("INVALID_LOCATION", $"'{r.LocationId}' is not a location id.", "location_id");
        await GrainFactory.GetGrain<ILocationGrain>(Tenant.GrainKey(r.LocationId)).ForNewOrder();
        var now = Now;
        var expires = now + DevicePairing.CodeLifetime;
        // A code is the cluster's until it expires: draw again on the (rare) clash with a live one.
        string? code = null;
        for (var i = 0; i < CodeAttempts && code is null; i++)
        {
            var candidate = DevicePairing.NewCode();
            if (await GrainFactory.GetGrain<IPairingCodeGrain>(candidate).Reserve(new PairingCodeHolder(Tenant.MerchantId, Tenant.Environment, ObjectId), expires))
                code = candidate;
        }
        if (code is null) throw new InvalidOperationException("no free pairing code after several draws");
        var view = await Change(s =>
        {
            s.Name = name;
            s.LocationId = r.LocationId;
            s.CodeExpiresAt = expires;
            s.CreatedAt = now;
            s.UpdatedAt = now;
            s.CreatedBy = Actors.Current;
            var v = View(s, null);
            Record(s, "device.created", v);
            return v;
        });
        await this.RegisterOrUpdateReminder(CodeReminder, expires - Clock.GetUtcNow() + TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        return view with { Code = code };
    }

    public async Task<PairedDevice> Pair(string? appVersion)
    {
        if (!Exists || State.Paired || State.Unpaired || State.CodeExpiresAt <= Clock.GetUtcNow())
            throw DomainException.Invalid("INVALID_CODE", "This pairing code is unknown, used or expired; make a new one.", "code");
        if (appVersion is not null) Validation.RequireLength(appVersion, "app_version", 1, 64);
        var token = AppCredential.New(AppCredentialKind.DeviceToken, Tenant.Environment, Tenant.MerchantId, ObjectId);
        var now = Now;
        var view = await Change(s =>
        {
            s.Paired = true;
            s.PairedAt = now;
            s.LastSeenAt = now;
            s.AppVersion = appVersion;
            s.TokenHash = token.Hash;
            s.UpdatedAt = now;
            var v = View(s, null);
            Record(s, "device.paired", v);
            return v;
        });
        return new PairedDevice(view, token.Text, Tenant.MerchantId, Tenant.Environment, DevicePairing.Scopes);
    }

    public async Task<DeviceAccess?> Authenticate(string tokenHash)
    {
        if (!State.Paired || State.TokenHash is not { } hash
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Convert.FromHexString(hash), Convert.FromHexString(tokenHash)))
            return null;
        var now = Now;
        _seen = now;
        if (State.LastSeenAt is not { } last || now - last >= TimeSpan.FromMinutes(1))
            await Change(s => s.LastSeenAt = now, bumpVersion: false);
        return new DeviceAccess(State.LocationId, DevicePairing.Scopes);
    }

    public Task<DeviceView> Get()
    {
        if (!Exists) throw NotFound("device");
        return Task.FromResult(View(State, null));
    }

    public async Task<DeviceView> Unpair()
    {
        if (!Exists) throw NotFound("device");
        if (State.Unpaired) return View(State, null);
        var now = Now;
        var unpaired = await Change(s =>
        {
            s.Paired = false;
            s.Unpaired = true;
            s.TokenHash = null;
            s.UpdatedAt = now;
            var v = View(s, null);
            Record(s, "device.unpaired", v);
            return v;
        });
        WakeListeners();   // a listening stream hears at once that the device is gone (device.unpaired), not at its next keep-alive
        return unpaired;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CodeReminder) return;
        await ForgetReminder(CodeReminder);
        // Only a code that lapsed (not a device the merchant unpaired), and once: a write after it already shows it.
        if (!Exists || State.CodeExpiresAt is not { } expired || State.Unpaired || State.UpdatedAt >= expired
            || DeviceStatuses.Of(State.Paired, State.Unpaired, expired, Clock.GetUtcNow()) != DeviceStatus.Unpaired)
            return;
        // The code lapsed unused: the status moved from pairing to unpaired then (GET says so from that moment); this
        // write brings the list row and the events up to it.
        await Change(s =>
        {
            s.UpdatedAt = expired;
            Record(s, "device.unpaired", View(s, null));
            return 0;
        });
    }

    public async Task<DeviceView> OpenOrder(string? orderId)
    {
        EnsurePaired();
        if (orderId is null) throw DomainException.Missing("order_id");
        NamedOrder.CheckId(orderId);
        if (State.LiveOrders.Any(o => o.Id == orderId)) return View(State, null);
        if (State.LiveOrders.Count >= MaxLiveOrders)
            throw DomainException.Conflict("TOO_MANY_LIVE_ORDERS", $"A device holds at most {MaxLiveOrders} open orders; close one first.");
        var order = await NamedOrder.Get(GrainFactory, Tenant, orderId);
        if (!LocationReach.Reaches(State.LocationId, order.LocationId)) throw NamedOrder.NoSuchOrder();
        return await Emit(s =>
        {
            s.LiveOrders.Add(new WatchedObject { Id = orderId, Sent = Fingerprint(order) });
            Append(s, "order.opened", order);
            return View(s, null);
        });
    }

    public async Task<DeviceView> CloseOrder(string orderId)
    {
        EnsurePaired();
        if (State.LiveOrders.Find(o => o.Id == orderId) is null) throw NotFound("open order on this device");
        return await Emit(s =>
        {
            s.LiveOrders.RemoveAll(o => o.Id == orderId);
            Append(s, "order.closed", new { order_id = orderId });
            return View(s, null);
        });
    }

    public async Task Watch(TerminalCheckoutView checkout)
    {
        EnsurePaired();
        if (State.Checkouts.Any(c => c.Id == checkout.TerminalCheckoutId)) return;
        if (State.LiveOrders.All(o => o.Id != checkout.OrderId) && State.LiveOrders.Count < MaxLiveOrders
            && await ReachableOrder(checkout.OrderId) is { } order)
        {
            await Emit(s =>
            {
                s.LiveOrders.Add(new WatchedObject { Id = order.OrderId!, Sent = Fingerprint(order) });
                Append(s, "order.opened", order);
                return 0;
            });
        }
        await Emit(s =>
        {
            s.Checkouts.Add(new WatchedObject { Id = checkout.TerminalCheckoutId, Sent = Fingerprint(checkout) });
            Append(s, "terminal_checkout.created", checkout);
            return 0;
        });
    }

    public async Task<long> Listen(long after, TimeSpan wait)
    {
        EnsurePaired();
        _listened = Clock.GetUtcNow();
        _looker ??= this.RegisterGrainTimer(Look, new GrainTimerCreationOptions(TimeSpan.Zero, LookEvery) { Interleave = false });
        if (after < 0 || State.StreamHead > after) return State.StreamHead;
        var advanced = _advanced.Task;
        await Task.WhenAny(advanced, Task.Delay(wait < TimeSpan.FromSeconds(20) ? wait : TimeSpan.FromSeconds(20)));
        return State.StreamHead;
    }

    /// <summary>One look at everything on the device: an event for each change since the last one sent.</summary>
    private async Task Look(CancellationToken ct)
    {
        if (!State.Paired || Clock.GetUtcNow() - _listened > ListenerGone)
        {
            _looker?.Dispose();
            _looker = null;
            return;
        }
        var changed = new List<(bool Order, string Id, string Fingerprint, string Type, object View, bool Final)>();
        foreach (var live in State.LiveOrders.ToList())
        {
            if (await ReachableOrder(live.Id) is { } order && Fingerprint(order) is var f && f != live.Sent)
                changed.Add((true, live.Id, f, "order.updated", order, false));
        }
        foreach (var watched in State.Checkouts.ToList())
        {
            TerminalCheckoutView checkout;
            try
            {
                checkout = await GrainFactory.GetGrain<ITerminalCheckoutGrain>(Tenant.GrainKey(watched.Id)).Get();
            }
            catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
            {
                continue;
            }
            if (Fingerprint(checkout) is var f && f != watched.Sent)
            {
                var final = TerminalCheckouts.IsFinal(SnakeCase.Parse<TerminalCheckoutStatus>(checkout.Status));
                changed.Add((false, watched.Id, f, "terminal_checkout." + (final ? checkout.Status : "updated"), checkout, final));
            }
        }
        if (changed.Count == 0) return;
        await Emit(s =>
        {
            foreach (var c in changed)
            {
                var list = c.Order ? s.LiveOrders : s.Checkouts;
                if (list.Find(w => w.Id == c.Id) is not { } w) continue;   // closed meanwhile
                w.Sent = c.Fingerprint;
                Append(s, c.Type, c.View);
                if (c.Final) list.Remove(w);
            }
            return 0;
        });
    }

    /// <summary>Adds the next event of the stream to this write; listeners hear of it once the write is done.</summary>
    private void Append(DeviceState s, string type, object view)
    {
        s.StreamHead++;
        var at = Now;
        var json = "{\"id\":\"" + s.StreamHead.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\",\"type\":\"" + type
            + "\",\"created_at\":\"" + FlintJson.Timestamp(at) + "\",\"data\":{\"object\":" + FlintJson.Serialize(view) + "}}";
        (s.Log ??= []).Add(LogRowOfJson(DeviceProjection.StreamLogKind, DeviceStream.RowId(s.StreamHead), at, json));
    }

    /// <summary>A change that may add events to the stream: written, then the listeners hear of it.</summary>
    private async Task<T> Emit<T>(Func<DeviceState, T> change)
    {
        var result = await Change(change, bumpVersion: false);
        WakeListeners();
        return result;
    }

    private void WakeListeners()
    {
        var done = _advanced;
        _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.TrySetResult();
    }

    /// <summary>The order, when it is at this device's location or at none; null when missing or elsewhere.</summary>
    private async Task<OrderView?> ReachableOrder(string orderId)
    {
        try
        {
            var order = await GrainFactory.GetGrain<IOrderGrain>(Tenant.GrainKey(orderId)).Get();
            return LocationReach.Reaches(State.LocationId, order.LocationId) ? order : null;
        }
        catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
        {
            return null;
        }
    }

    private static string Fingerprint(object view) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(FlintJson.Serialize(view))), 0, 12);

    private void EnsurePaired()
    {
        if (!Exists) throw NotFound("device");
        if (!State.Paired) throw DomainException.Conflict("DEVICE_NOT_PAIRED", "This device is not paired.");
    }

    protected override ProjectionRecord? Project(DeviceState s)
    {
        var view = View(s, null);
        var p = NewProjection(s, DeviceProjection.Kind, view);
        p.Name = s.Name;
        p.Status = view.Status;
        p.CreatedAt = s.CreatedAt;
        p.UpdatedAt = s.UpdatedAt;
        p.SearchText = string.Join(' ', ObjectId, s.Name, s.LocationId);
        return p;
    }

    private DeviceView View(DeviceState s, string? code) => new()
    {
        DeviceId = ObjectId,
        Name = s.Name,
        LocationId = s.LocationId,
        Status = SnakeCase.ToSnake(DeviceStatuses.Of(s.Paired, s.Unpaired, s.CodeExpiresAt, Clock.GetUtcNow())),
        Code = code,
        CodeExpiresAt = s.Paired ? null : s.CodeExpiresAt,
        PairedAt = s.PairedAt,
        LastSeenAt = _seen is { } seen && seen > (s.LastSeenAt ?? DateTimeOffset.MinValue) ? seen : s.LastSeenAt,
        AppVersion = s.AppVersion,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        CreatedBy = s.CreatedBy,
        LiveOrderIds = s.LiveOrders.Select(o => o.Id).ToList(),
    };
}
