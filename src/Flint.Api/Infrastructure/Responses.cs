using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flint.Abstractions;

namespace Flint.Api.Infrastructure;

/// <summary>Writes the success envelope, applying <c>fields=</c> where an endpoint supports it.</summary>
public static class Responses
{
    public static IResult Ok<T>(HttpContext ctx, T data, int status = 200, string? idField = null)
    {
        if (idField is not null && ctx.Request.Query.ContainsKey("fields"))
        {
            // fields= needs the object as a tree to pick from.
            var node = JsonSerializer.SerializeToNode(data, FlintJson.Options);
            if (node is JsonObject o) node = Project(ctx, o, idField);
            return Envelope(ctx, status, w =>
            {
                w.WritePropertyName("data");
                if (node is null) w.WriteNullValue();
                else node.WriteTo(w, FlintJson.Options);
            });
        }
        // Straight from the object to the response's bytes: no tree of it, no string of the tree.
        return Envelope(ctx, status, w =>
        {
            w.WritePropertyName("data");
            JsonSerializer.Serialize(w, data, FlintJson.Options);
        });
    }

    public static IResult Objects(HttpContext ctx, IEnumerable<JsonObject> items, string? next, string? idField = null) =>
        Envelope(ctx, 200, w =>
        {
            w.WriteStartArray("data");
            foreach (var item in items) (idField is null ? item : Project(ctx, item, idField)).WriteTo(w, FlintJson.Options);
            w.WriteEndArray();
            w.WriteString("next_page_token", next);
        });

    /// <summary>{ …, "request_id": … } written once, as UTF-8, with the writer settings FlintJson's options give
    /// (the same bytes the options would write for the envelope as an object).</summary>
    private static IResult Envelope(HttpContext ctx, int status, Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            members(w);
            w.WriteString("request_id", RequestIds.Of(ctx));
            w.WriteEndObject();
        }
        return new Utf8JsonResult(buffer.WrittenSpan.ToArray(), status);
    }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = FlintJson.Options.Encoder,
        Indented = FlintJson.Options.WriteIndented,
        MaxDepth = FlintJson.Options.MaxDepth,
    };

    private sealed class Utf8JsonResult(byte[] body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }
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
