using Flint.Abstractions.Locations;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Locations;

public static class LocationEndpoints
{
    internal static readonly ObjectKind Locations = new("/locations", "Locations", IdPrefix.Location, "location_id");

    public static void MapLocationEndpoints(this IEndpointRouteBuilder v1) =>
        v1.MapCatalogRoutes<ILocationGrain, CreateLocationRequest, UpdateLocationRequest, LocationView>(Locations,
            ObjectList.Catalog(l => l.Locations, "List the merchant's locations (stores), by name or city."));
}
