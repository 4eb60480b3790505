using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flint.Abstractions;

/// <summary>The one JSON shape of Flint: snake_case names, snake_case enum strings, RFC 3339 UTC timestamps
/// with a Z. Used for HTTP bodies, event snapshots and grain state alike.</summary>
public static class FlintJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    /// <summary>Request bodies: strict. A typo must not be silently ignored, numbers are numbers.</summary>
    public static readonly JsonSerializerOptions StrictOptions = ConfigureStrict(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new UtcTimestampConverter());
        return o;
    }

    private static JsonSerializerOptions ConfigureStrict(JsonSerializerOptions o)
    {
        Configure(o);
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.AllowTrailingCommas = false;
        o.ReadCommentHandling = JsonCommentHandling.Disallow;
        o.MaxDepth = 32;
        return o;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Timestamps go out as RFC 3339 UTC with millisecond precision and a Z.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.GetString();
        if (s is null || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new JsonException("Expected an RFC 3339 timestamp.");
        return t;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(FlintJson.Timestamp(value));
}

/// <summary>Keeps a pre-serialized JSON document in a string member but writes it as JSON, not as a string.</summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(string.IsNullOrEmpty(value) ? "null" : value, skipInputValidation: true);
}
