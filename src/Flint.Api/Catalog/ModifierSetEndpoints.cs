using Flint.Abstractions.Catalog;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Npgsql;

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

        g.MapGet("", async (HttpContext ctx, NpgsqlDataSource db) =>
        {
            var q = new ListQuery(Authentication.TenantOf(ctx), "modifier_set", ctx.Request.Query).Search().Status("active", "inactive", "deleted");
            var (items, next) = await q.Run(db, ctx.RequestAborted);
            return Responses.Objects(ctx, items, next, "modifier_set_id");
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
