using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Infrastructure;

/// <summary>Which answers about one object keep only the fields asked for with <c>fields=</c> (a list always does).
/// Kept per kind as each has always answered: a new kind should take it on create and read.</summary>
[Flags]
public enum FieldsOn
{
    None = 0,
    Create = 1,
    Get = 2,
    Update = 4,
}

/// <summary>
/// A kind of object kept one per grain, as its routes name it: the collection's path and OpenAPI tag, the prefix of its
/// ids, the id's field (which is also the route parameter: <c>/products/{product_id}</c>), and which answers take
/// <c>fields=</c>.
/// </summary>
public sealed record ObjectKind(string Path, string Tag, string IdPrefix, string IdField, FieldsOn Fields = FieldsOn.None)
{
    /// <summary>The route of one object, relative to the collection.</summary>
    public string One => $"/{{{IdField}}}";

    /// <summary>The object a route names: a malformed or wrong-prefix id is 404, like a missing object.</summary>
    public T Grain<T>(IGrainFactory grains, HttpContext ctx, string? id) where T : IGrainWithStringKey =>
        grains.Grain<T>(ctx, Responses.PathId(id, IdPrefix));

    internal string? FieldsFor(FieldsOn answer) => Fields.HasFlag(answer) ? IdField : null;
}

/// <summary>A part of an object named in the path after it (a product's variant, a bundle's component, an order's
/// line): the id's field, which is also the route parameter, and its prefix.</summary>
public sealed record ObjectPart(string IdField, string IdPrefix);

/// <summary>
/// A collection's list: <see cref="Read"/> parses its own filters from the query string and reads the page; the sorts
/// it offers (<see cref="ListParameters.Sorts"/> unless given) and its filters are what the OpenAPI document lists.
/// Paging, sorting, the time ranges and <c>fields=</c> are the same for every list.
/// </summary>
public sealed record ObjectList(Func<ListRequest, Task<Page<JsonObject>>> Read, QueryParam[] Filters, string[]? Sorts = null, string? Summary = null)
{
    /// <summary>A catalog list filtered by nothing but query and status (modifier sets, coupons).</summary>
    public static ObjectList Catalog(Func<IObjectLists, CatalogListing> listing, string? summary = null) =>
        new(r => listing(r.Lists)(r.Tenant, new CatalogListFilter(ListParameters.Search(r.Query), ListParameters.Status(r.Query)), r.Window, r.Aborted),
            [ApiQuery.Search, ApiQuery.CatalogStatus], Summary: summary);
}

/// <summary>One of the catalog lists of <see cref="IObjectLists"/> that take only a <see cref="CatalogListFilter"/>.</summary>
public delegate Task<Page<JsonObject>> CatalogListing(Tenant tenant, CatalogListFilter filter, ListWindow window, CancellationToken ct);

/// <summary>One list request, its window parsed and checked before any filter.</summary>
public sealed record ListRequest(HttpContext Http, Tenant Tenant, ListWindow Window)
{
    public IQueryCollection Query => Http.Request.Query;
    public CancellationToken Aborted => Http.RequestAborted;
    public IObjectLists Lists => Http.RequestServices.GetRequiredService<IObjectLists>();
    public T Service<T>() where T : notnull => Http.RequestServices.GetRequiredService<T>();
}

/// <summary>
/// The routes every object kind kept one per grain maps the same way, written once: <c>POST /x</c> creates under a new
/// id (201), <c>GET /x</c> lists, <c>GET /x/{x_id}</c> reads, <c>PATCH /x/{x_id}</c> updates, and, for the catalog-style
/// kinds, <c>DELETE /x/{x_id}</c> deletes. A path id is checked before the body is read. Each endpoint file states its
/// kind, its list and the routes that are its own, on the group returned.
/// </summary>
public static class ObjectRoutes
{
    /// <param name="ownGet">The kind maps <c>GET /x/{x_id}</c> itself: its answer carries more than the grain's view (a
    /// customer's subscriptions).</param>
    public static RouteGroupBuilder MapObjectRoutes<TGrain, TCreate, TUpdate, TView>(this IEndpointRouteBuilder v1,
        ObjectKind kind, ObjectList list, string? createSummary = null, bool ownGet = false)
        where TGrain : IObjectGrain<TCreate, TUpdate, TView>
        where TCreate : class, new()
        where TUpdate : class, new()
    {
        var g = v1.MapGroup(kind.Path).WithTags(kind.Tag);

        var create = g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<TCreate>(ctx);
            var view = await grains.Grain<TGrain>(ctx, FlintId.New(kind.IdPrefix)).Create(body);
            return Responses.Ok(ctx, view, 201, kind.FieldsFor(FieldsOn.Create));
        }).Doc<TCreate, TView>(201);
        if (createSummary is not null) create.WithSummary(createSummary);

        var sorts = list.Sorts ?? ListParameters.Sorts;
        var listing = g.MapGet("", async (HttpContext ctx) =>
        {
            var window = ListParameters.Window(ctx.Request.Query, sorts);
            var page = await list.Read(new ListRequest(ctx, Authentication.TenantOf(ctx), window));
            return Responses.Objects(ctx, page.Items, page.NextPageToken, kind.IdField);
        }).DocList<TView>().Query([.. ApiQuery.Listing(sorts), .. list.Filters, ApiQuery.Fields]);
        if (list.Summary is not null) listing.WithSummary(list.Summary);

        if (!ownGet)
        {
            var get = g.MapGet(kind.One, async (HttpContext ctx, IGrainFactory grains) =>
                Responses.Ok(ctx, await One<TGrain>(kind, grains, ctx).Get(), idField: kind.FieldsFor(FieldsOn.Get)))
                .Doc<TView>().PathIds(kind.IdField);
            if (kind.Fields.HasFlag(FieldsOn.Get)) get.Query(ApiQuery.Fields);
        }

        g.MapPatch(kind.One, async (HttpContext ctx, IGrainFactory grains) =>
        {
            var grain = One<TGrain>(kind, grains, ctx);
            var body = await JsonBody.Read<TUpdate>(ctx);
            return Responses.Ok(ctx, await grain.Update(body), idField: kind.FieldsFor(FieldsOn.Update));
        }).Doc<TUpdate, TView>().PathIds(kind.IdField);
        return g;
    }

    /// <summary><see cref="MapObjectRoutes"/> and <c>DELETE /x/{x_id}</c>, for the catalog-style kinds.</summary>
    public static RouteGroupBuilder MapCatalogRoutes<TGrain, TCreate, TUpdate, TView>(this IEndpointRouteBuilder v1,
        ObjectKind kind, ObjectList list, bool ownGet = false)
        where TGrain : ICatalogObjectGrain<TCreate, TUpdate, TView>
        where TCreate : class, new()
        where TUpdate : class, new()
    {
        var g = v1.MapObjectRoutes<TGrain, TCreate, TUpdate, TView>(kind, list, ownGet: ownGet);
        g.MapDelete(kind.One, async (HttpContext ctx, IGrainFactory grains) =>
            Responses.Ok(ctx, await One<TGrain>(kind, grains, ctx).Delete())).Doc<TView>().PathIds(kind.IdField);
        return g;
    }

    /// <summary>
    /// A route of one object that takes a body (an action, or a part added): <c>{method} /x/{x_id}{pattern}</c>. The
    /// object's id is checked, then the body read, then <paramref name="change"/> asked; its result is the answer.
    /// With <paramref name="optionalBody"/> (an action whose fields all have defaults, like an order's cancel), no body
    /// at all reads as <c>{}</c>.
    /// </summary>
    public static RouteHandlerBuilder MapChange<TGrain, TRequest, TResult>(this IEndpointRouteBuilder g, ObjectKind kind,
        string method, string pattern, Func<TGrain, TRequest, Task<TResult>> change, int status = 200, bool optionalBody = false)
        where TGrain : IGrainWithStringKey
        where TRequest : class, new()
    {
        var route = g.MapMethods(kind.One + pattern, [method], async (HttpContext ctx, IGrainFactory grains) =>
        {
            var grain = One<TGrain>(kind, grains, ctx);
            var body = await JsonBody.Read<TRequest>(ctx, optionalBody);
            return Responses.Ok(ctx, await change(grain, body), status);
        });
        return (optionalBody ? route.DocOptionalBody<TRequest, TResult>(status) : route.Doc<TRequest, TResult>(status)).PathIds(kind.IdField);
    }

    /// <summary>A route of one part of an object that takes a body: <c>{method} /x/{x_id}{pattern}/{part_id}</c>. Both
    /// ids are checked, then the body read, then <paramref name="change"/> asked with the part's id.</summary>
    public static RouteHandlerBuilder MapPartChange<TGrain, TRequest, TResult>(this IEndpointRouteBuilder g, ObjectKind kind,
        string method, string pattern, ObjectPart part, Func<TGrain, string, TRequest, Task<TResult>> change)
        where TGrain : IGrainWithStringKey
        where TRequest : class, new() =>
        g.MapMethods(PartRoute(kind, pattern, part), [method], async (HttpContext ctx, IGrainFactory grains) =>
        {
            var grain = One<TGrain>(kind, grains, ctx);
            var id = PartId(part, ctx);
            var body = await JsonBody.Read<TRequest>(ctx);
            return Responses.Ok(ctx, await change(grain, id, body));
        }).Doc<TRequest, TResult>().PathIds(kind.IdField, part.IdField);

    /// <summary>A route of one part of an object without a body (read or remove it): both ids are checked, then
    /// <paramref name="call"/> asked with the part's id (and the request, for its query).</summary>
    public static RouteHandlerBuilder MapPartCall<TGrain, TResult>(this IEndpointRouteBuilder g, ObjectKind kind,
        string method, string pattern, ObjectPart part, Func<TGrain, string, HttpContext, Task<TResult>> call)
        where TGrain : IGrainWithStringKey =>
        g.MapMethods(PartRoute(kind, pattern, part), [method], async (HttpContext ctx, IGrainFactory grains) =>
        {
            var grain = One<TGrain>(kind, grains, ctx);
            return Responses.Ok(ctx, await call(grain, PartId(part, ctx), ctx));
        }).Doc<TResult>().PathIds(kind.IdField, part.IdField);

    private static string PartRoute(ObjectKind kind, string pattern, ObjectPart part) => $"{kind.One}{pattern}/{{{part.IdField}}}";

    private static string PartId(ObjectPart part, HttpContext ctx) => Responses.PathId(ctx.GetRouteValue(part.IdField) as string, part.IdPrefix);

    private static TGrain One<TGrain>(ObjectKind kind, IGrainFactory grains, HttpContext ctx) where TGrain : IGrainWithStringKey =>
        kind.Grain<TGrain>(grains, ctx, ctx.GetRouteValue(kind.IdField) as string);
}
