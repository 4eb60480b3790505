using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Catalog;

public static class ModifierSetEndpoints
{
    public static void MapModifierSetEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/modifier-sets").WithTags("Modifier sets");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<ModifierSetRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IModifierSetGrain>(ctx, FlintId.New(IdPrefix.ModifierSet)).Create(body), 201);
        }).Doc<ModifierSetRequest, ModifierSetView>(201);

        g.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var window = ListParameters.Window(ctx.Request.Query);
            var filter = new CatalogListFilter(ListParameters.Search(ctx.Request.Query), ListParameters.Status(ctx.Request.Query));
            var page = await lists.ModifierSets(Authentication.TenantOf(ctx), filter, window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, "modifier_set_id");
        }).DocList<ModifierSetView>().Query([.. ApiQuery.Listing("created_at", "updated_at", "name"), ApiQuery.Search, ApiQuery.Status("active", "inactive", "deleted"), ApiQuery.Fields]);

        g.MapGet("/{modifier_set_id}", async (HttpContext ctx, IGrainFactory grains, string modifier_set_id) =>
            Responses.Ok(ctx, await Set(grains, ctx, modifier_set_id).Get())).Doc<ModifierSetView>();

        g.MapPatch("/{modifier_set_id}", async (HttpContext ctx, IGrainFactory grains, string modifier_set_id) =>
        {
            var grain = Set(grains, ctx, modifier_set_id);
            return Responses.Ok(ctx, await grain.Update(await JsonBody.Read<ModifierSetRequest>(ctx)));
        }).Doc<ModifierSetRequest, ModifierSetView>();

        g.MapDelete("/{modifier_set_id}", async (HttpContext ctx, IGrainFactory grains, string modifier_set_id) =>
            Responses.Ok(ctx, await Set(grains, ctx, modifier_set_id).Delete())).Doc<ModifierSetView>();
    }

    private static IModifierSetGrain Set(IGrainFactory grains, HttpContext ctx, string id) =>
        grains.Grain<IModifierSetGrain>(ctx, Responses.PathId(id, IdPrefix.ModifierSet));
}
