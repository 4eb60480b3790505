using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Locations;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Domain.Devices;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
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
}

/// <summary>
/// A POS device of one location: made with a pairing code, paired once (its token kept as a SHA-256), asked on every call
/// its token makes, so unpairing stops it at once on every silo. When it was last seen is kept in memory and written at
/// most once a minute.
/// </summary>
public sealed class DeviceGrain(
    [PersistentState("device", "flint")] IPersistentState<DeviceState> store,
    DeepCopier<DeviceState> copier,
    TimeProvider clock) : TenantGrain<DeviceState>(store, copier, clock), IDeviceGrain
{
    private const int CodeAttempts = 8;
    private DateTimeOffset? _seen;

    public async Task<DeviceView> Create(CreateDeviceCodeRequest r)
    {
        if (Exists) return View(State, null);
        var name = CatalogInput.Name(r.Name);
        if (r.LocationId is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "location_id is required.", "location_id");
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
        return await Change(s =>
        {
            s.Paired = false;
            s.Unpaired = true;
            s.TokenHash = null;
            s.UpdatedAt = now;
            var v = View(s, null);
            Record(s, "device.unpaired", v);
            return v;
        });
    }

    protected override ProjectionRecord? Project(DeviceState s)
    {
        var view = View(s, null);
        var p = NewProjection(s, DeviceProjection.Kind, view);
        p.Name = s.Name;
        p.Status = s.Paired ? "paired" : s.Unpaired ? "unpaired" : "pairing";
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
        Status = s.Paired ? "paired" : s.Unpaired || s.CodeExpiresAt <= Clock.GetUtcNow() ? "unpaired" : "pairing",
        Code = code,
        CodeExpiresAt = s.Paired ? null : s.CodeExpiresAt,
        PairedAt = s.PairedAt,
        LastSeenAt = _seen is { } seen && seen > (s.LastSeenAt ?? DateTimeOffset.MinValue) ? seen : s.LastSeenAt,
        AppVersion = s.AppVersion,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
        CreatedBy = s.CreatedBy,
    };
}
