using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Locations;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Locations;

public static class LocationEndpoints
{
    internal static readonly ObjectKind Locations = new("/locations", "Locations", IdPrefix.Location, "location_id");

    public static void MapLocationEndpoints(this IEndpointRouteBuilder v1)
    {
        var all = ObjectList.Catalog(l => l.Locations, "List the merchant's locations (stores), by name or city; a paired device sees its own only.");
        v1.MapCatalogRoutes<ILocationGrain, CreateLocationRequest, UpdateLocationRequest, LocationView>(Locations,
            all with { Read = r => Authentication.DeviceOf(r.Http) is { } device ? Own(r, device) : all.Read(r) });
    }

    /// <summary>A paired device's list: the location it works at (Devices.DeviceReach).</summary>
    private static async Task<Page<JsonObject>> Own(ListRequest r, CallingDevice device)
    {
        var view = await r.Service<IGrainFactory>().GetGrain<ILocationGrain>(r.Tenant.GrainKey(device.LocationId)).Get();
        return new Page<JsonObject>([JsonNode.Parse(FlintJson.Serialize(view))!.AsObject()], null);
    }
}
