using System.Text.Json;
using System.Text.Json.Nodes;
using Flint.Abstractions;

namespace Flint.Api.Infrastructure;

/// <summary>Writes the success envelope, applying <c>fields=</c> where an endpoint supports it.</summary>
public static class Responses
{
    public static IResult Ok<T>(HttpContext ctx, T data, int status = 200, string? idField = null)
    {
        var node = JsonSerializer.SerializeToNode(data, FlintJson.Options);
        if (idField is not null && node is JsonObject o) node = Project(ctx, o, idField);
        var body = new JsonObject { ["data"] = node, ["request_id"] = RequestIds.Of(ctx) };
        return Results.Text(body.ToJsonString(FlintJson.Options), "application/json; charset=utf-8", statusCode: status);
    }

    public static IResult Objects(HttpContext ctx, IEnumerable<JsonObject> items, string? next, string? idField = null)
    {
        var array = new JsonArray(items.Select(i => (JsonNode)(idField is null ? i : Project(ctx, i, idField))).ToArray());
        var body = new JsonObject { ["data"] = array, ["next_page_token"] = next, ["request_id"] = RequestIds.Of(ctx) };
        return Results.Text(body.ToJsonString(FlintJson.Options), "application/json; charset=utf-8");
    }

    public static IResult List<T>(HttpContext ctx, IEnumerable<T> items, string? next) =>
        Objects(ctx, items.Select(i => JsonSerializer.SerializeToNode(i, FlintJson.Options)!.AsObject()), next);

    /// <summary>fields=a,b keeps only those top-level fields (and always the object's id).</summary>
    private static JsonObject Project(HttpContext ctx, JsonObject o, string idField)
    {
        var raw = ctx.Request.Query["fields"].ToString();
        if (raw.Length == 0) return o;
        var wanted = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var f in wanted)
            if (!o.ContainsKey(f)) throw ApiException.Invalid("INVALID_FIELDS", $"'{f}' is not a field of this object.", "fields");
        wanted.Add(idField);
        var result = new JsonObject();
        foreach (var (k, v) in o)
            if (wanted.Contains(k)) result[k] = v?.DeepClone();
        return result;
    }

    public static string PathId(string? value, string prefix)
    {
        if (!Flint.Domain.FlintId.IsValid(value, prefix)) throw ApiException.NotFound();
        return value!;
    }
}
