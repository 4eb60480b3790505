using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>
/// The other half of the document's promise: real answers have what their schema says they have. Every field the
/// answer's schema marks required is present (clients generated from the document, such as the TypeScript SDK's types,
/// treat it as always there), a null stands only where the schema allows null, and strings, numbers, booleans, arrays
/// and objects are what the schema says — checked all the way down (lines, taxes, money, nested views).
/// </summary>
public sealed partial class BadInputFromOpenApiTests
{
    private static IEnumerable<string> AnswerMismatches(JsonObject doc, string pathAndQuery, JsonNode? body)
    {
        var path = pathAndQuery.Split('?')[0];
        var schemas = doc["components"]!["schemas"]!.AsObject();
        var template = OpenApiTemplates.Of(path, doc["paths"]!.AsObject().Where(p => p.Value?["get"] is not null).Select(p => p.Key));
        if (template is null) return [$"GET {path}: no operation in the document"];
        var schema = doc["paths"]![template]!["get"]!["responses"]?["200"]?["content"]?["application/json"]?["schema"] as JsonObject;
        if (schema is null) return [$"GET {template}: no JSON answer schema"];
        // The snapshot leaves out request_id (it differs on every call): the envelope's data is what is checked.
        var envelope = schemas[schema["$ref"]!.GetValue<string>().Split('/')[^1]]!.AsObject();
        var found = new List<string>();
        Conform(body?["data"], envelope["properties"]!["data"]!.AsObject(), schemas, $"GET {template} → data", found);
        return found;
    }

    private static void Conform(JsonNode? value, JsonObject schema, JsonObject schemas, string at, List<string> found)
    {
        if (found.Count > 20) return;
        if (schema["$ref"]?.GetValue<string>() is { } r)
        {
            Conform(value, schemas[r[(r.LastIndexOf('/') + 1)..]]!.AsObject(), schemas, at, found);
            return;
        }
        if (schema["oneOf"] is JsonArray one)
        {
            if (value is null)
            {
                if (!one.Any(o => o?["type"]?.ToString() == "null")) found.Add($"{at} null where the schema has no null");
                return;
            }
            var nonNull = one.OfType<JsonObject>().FirstOrDefault(o => o["type"]?.ToString() != "null");
            if (nonNull is not null) Conform(value, nonNull, schemas, at, found);
            return;
        }
        var types = schema["type"] switch
        {
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue v => [v.GetValue<string>()],
            _ => [],
        };
        if (value is null)
        {
            if (types.Count > 0 && !types.Contains("null")) found.Add($"{at} null where the schema says {string.Join("|", types)}");
            return;
        }
        var kind = value switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v when v.TryGetValue<string>(out _) => "string",
            JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
            JsonValue v when v.TryGetValue<long>(out _) => "integer",
            _ => "number",
        };
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            found.Add($"{at} is {kind}, the schema says {string.Join("|", types)}");
            return;
        }
        if (value is JsonObject obj)
        {
            foreach (var name in (schema["required"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
                if (!obj.ContainsKey(name)) found.Add($"{at} lacks required {name}");
            if (schema["properties"] is JsonObject props)
                foreach (var (name, child) in obj)
                    if (props[name] is JsonObject p) Conform(child, p, schemas, $"{at}.{name}", found);
            if (schema["additionalProperties"] is JsonObject values)
                foreach (var (name, child) in obj) Conform(child, values, schemas, $"{at}[{name}]", found);
        }
        else if (value is JsonArray items && schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < items.Count; i++) Conform(items[i], itemSchema, schemas, $"{at}[{i}]", found);
        }
    }
}
