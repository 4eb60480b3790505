using System.Text.Json;
using Flint.Abstractions;

namespace Flint.Api.Infrastructure;

/// <summary>Reads request bodies strictly: JSON content type, well-formed, known fields only, right types.
/// Every failure names the offending field in <c>param</c>.</summary>
public static class JsonBody
{
    public static async Task<T> Read<T>(HttpContext ctx, bool optional = false) where T : class, new()
    {
        var bytes = await ReadBytes(ctx);
        if (bytes.Length == 0 || bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            if (optional) return new T();
            throw ApiException.Invalid("INVALID_JSON", "A JSON object body is required.");
        }
        var contentType = ctx.Request.ContentType;
        if (contentType is null || !IsJson(contentType))
            throw new ApiException(415, "invalid_request", "UNSUPPORTED_MEDIA_TYPE", "Send the body as Content-Type: application/json.");
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.Invalid("INVALID_JSON", "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw ApiException.Invalid("INVALID_JSON", "The body is not valid JSON.");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, FlintJson.StrictOptions)
                ?? throw ApiException.Invalid("INVALID_JSON", "The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw Map(e);
        }
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        var charset = contentType.Split(';').Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase));
        return charset is null || charset[8..].Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<byte[]> ReadBytes(HttpContext ctx)
    {
        ctx.Request.EnableBuffering();
        ctx.Request.Body.Position = 0;
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        ctx.Request.Body.Position = 0;
        return ms.ToArray();
    }

    private static ApiException Map(JsonException e)
    {
        var param = e.Path is null or "$" ? null : e.Path.StartsWith("$.") ? e.Path[2..] : e.Path.TrimStart('$');
        var message = e.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            // The path points at the parent; the unknown name is quoted in the message.
            var start = message.IndexOf('\'');
            var end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
            var name = end > start ? message[(start + 1)..end] : "?";
            // Depending on the runtime, the path already ends at the unknown property or at its parent.
            var full = param is null ? name
                : param == name || param.EndsWith("." + name, StringComparison.Ordinal) ? param
                : $"{param}.{name}";
            return ApiException.Invalid("UNKNOWN_FIELD", $"Unknown field '{full}'.", full);
        }
        return ApiException.Invalid("INVALID_FIELD_TYPE", $"'{param ?? "body"}' has the wrong type or is out of range.", param);
    }
}
