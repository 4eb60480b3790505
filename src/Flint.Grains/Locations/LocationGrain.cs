using Flint.Abstractions;
using Flint.Abstractions.Locations;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Orders;
using Orleans.Serialization;

namespace Flint.Grains.Locations;

[GenerateSerializer, Alias("flint.locations.location_state")]
public sealed class LocationState : CatalogObjectState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public AddressView? Address { get; set; }
    [Id(2)] public string Timezone { get; set; } = "UTC";
    [Id(3)] public TaxLocationView? TaxLocation { get; set; }
    [Id(4)] public override CatalogStatus Status { get; set; } = CatalogStatus.Active;
}

/// <summary>A location of the merchant's: a name, an address, a time zone and the tax location its orders take.</summary>
public sealed class LocationGrain(
    [PersistentState("location", StorageNames.Flint)] IPersistentState<LocationState> store,
    DeepCopier<LocationState> copier,
    TimeProvider clock) : CatalogGrain<LocationState, LocationView>(store, copier, clock), ILocationGrain
{
    protected override string Kind => LocationProjection.Kind;

    public async Task<LocationView> Create(CreateLocationRequest r)
    {
        if (Exists) return await Current();
        var name = CatalogInput.Name(r.Name);
        var address = r.Address is null ? null : Address(r.Address);
        var timezone = Timezone(r.Timezone ?? "UTC");
        var tax = r.TaxLocation is null ? null : OrderDrafting.Location(r.TaxLocation);
        var status = CatalogInput.SettableStatus(r.Status, CatalogStatus.Active);
        var metadata = CatalogInput.NewMetadata(r.Metadata);
        return await SaveNew(s =>
        {
            s.Name = name;
            s.Address = address;
            s.Timezone = timezone;
            s.TaxLocation = tax;
            s.Status = status;
            s.Metadata = metadata;
        }, Now);
    }

    public async Task<LocationView> Update(UpdateLocationRequest r)
    {
        EnsureEditable();
        if (r.Name is null && r.Address is null && r.Timezone is null && r.TaxLocation is null && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var name = r.Name is null ? State.Name : CatalogInput.Name(r.Name);
        var address = r.Address is null ? State.Address : Address(r.Address);
        var timezone = r.Timezone is null ? State.Timezone : Timezone(r.Timezone);
        var tax = r.TaxLocation is null ? State.TaxLocation : OrderDrafting.Location(r.TaxLocation);
        var status = CatalogInput.SettableStatus(r.Status, State.Status);
        var metadata = CatalogInput.MetadataAfter(State.Metadata, r.Metadata);
        return await Save("updated", s =>
        {
            s.Name = name;
            s.Address = address;
            s.Timezone = timezone;
            s.TaxLocation = tax;
            s.Status = status;
            s.Metadata = metadata;
        });
    }

    public async Task<LocationView> ForNewOrder()
    {
        if (!Exists || State.Status != CatalogStatus.Active)
            throw DomainException.Invalid("INVALID_LOCATION", "location_id names no active location.", "location_id");
        return await Current();
    }

    /// <summary>An IANA zone the machine knows (its tz database), under its canonical id.</summary>
    private static string Timezone(string value)
    {
        if (value.Length is 0 or > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) || !value.Contains('/') && value != "UTC")
            throw DomainException.Invalid("INVALID_TIMEZONE", "timezone is an IANA time zone such as Europe/Paris or America/New_York (or UTC).", "timezone");
        return zone.Id;
    }

    private static AddressView Address(AddressInput a)
    {
        string? Part(string? v, string field, int max) => v is null ? null : Validation.RequireLength(v, $"address.{field}", 1, max);
        var country = a.Country is null ? null : Flint.Domain.Tax.TaxLocation.Validate(a.Country, null, null, "address").Country;
        return new AddressView(Part(a.Line1, "line1", 200), Part(a.Line2, "line2", 200), Part(a.City, "city", 100),
            Part(a.Region, "region", 100), Part(a.PostalCode, "postal_code", 20), country);
    }

    protected override ValueTask<Func<LocationState, LocationView>> Viewer() => new(ToView);

    protected override ProjectionRecord Project(LocationState s) =>
        CatalogProjection(s, ToView(s), s.Name, CatalogInput.SearchText([ObjectId, s.Name, s.Address?.City]));

    private LocationView ToView(LocationState s) => new()
    {
        LocationId = ObjectId,
        Name = s.Name,
        Address = s.Address,
        Timezone = s.Timezone,
        TaxLocation = s.TaxLocation,
        Status = SnakeCase.ToSnake(s.Status),
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
