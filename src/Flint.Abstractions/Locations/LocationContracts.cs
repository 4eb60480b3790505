using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;

namespace Flint.Abstractions.Locations;

[GenerateSerializer, Alias("flint.locations.address_input")]
public sealed class AddressInput
{
    [Id(0)] public string? Line1 { get; set; }
    [Id(1)] public string? Line2 { get; set; }
    [Id(2)] public string? City { get; set; }
    [Id(3)] public string? Region { get; set; }
    [Id(4)] public string? PostalCode { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    [Id(5)] public string? Country { get; set; }
}

[GenerateSerializer, Alias("flint.locations.address"), Immutable]
public sealed record AddressView(
    [property: Id(0)] string? Line1,
    [property: Id(1)] string? Line2,
    [property: Id(2)] string? City,
    [property: Id(3)] string? Region,
    [property: Id(4)] string? PostalCode,
    [property: Id(5)] string? Country);

/// <summary>A place where the merchant sells (a store, a stall): its registers pair to it, and orders made there are
/// taxed at its tax_location unless they say otherwise.</summary>
[GenerateSerializer, Alias("flint.locations.create_location")]
public sealed class CreateLocationRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public AddressInput? Address { get; set; }
    /// <summary>An IANA time zone (Europe/Paris); default UTC.</summary>
    [Id(2)] public string? Timezone { get; set; }
    /// <summary>Where orders made here are taxed, when they do not name a tax_location of their own.</summary>
    [Id(3)] public TaxLocationInput? TaxLocation { get; set; }
    /// <summary>active (default) | inactive (no new orders there).</summary>
    [Id(4)] public string? Status { get; set; }
    [Id(5)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.locations.update_location")]
public sealed class UpdateLocationRequest
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public AddressInput? Address { get; set; }
    [Id(2)] public string? Timezone { get; set; }
    [Id(3)] public TaxLocationInput? TaxLocation { get; set; }
    [Id(4)] public string? Status { get; set; }
    [Id(5)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.locations.location_view")]
public sealed record LocationView : CatalogObjectView
{
    [Id(0)] public required string LocationId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public AddressView? Address { get; init; }
    [Id(3)] public required string Timezone { get; init; }
    [Id(4)] public TaxLocationView? TaxLocation { get; init; }
    /// <summary>active | inactive | deleted</summary>
    [Id(5)] public required string Status { get; init; }
}

public interface ILocationGrain : ICatalogObjectGrain<CreateLocationRequest, UpdateLocationRequest, LocationView>
{
    /// <summary>The location an order is made at: INVALID_LOCATION unless it exists and is active.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<LocationView> ForNewOrder();
}
