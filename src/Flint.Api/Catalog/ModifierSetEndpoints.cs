using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Catalog;

public static class ModifierSetEndpoints
{
    public static void MapModifierSetEndpoints(this IEndpointRouteBuilder v1) =>
        v1.MapCatalogRoutes<IModifierSetGrain, ModifierSetRequest, ModifierSetRequest, ModifierSetView>(
            new("/modifier-sets", "Modifier sets", IdPrefix.ModifierSet, "modifier_set_id"), ObjectList.Catalog(lists => lists.ModifierSets));
}
