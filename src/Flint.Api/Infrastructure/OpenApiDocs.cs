using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Coupons;
using Flint.Domain.Inventory;
using Flint.Domain.Orders;
using Flint.Domain.Subscriptions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Flint.Api.Infrastructure;

/// <summary>A query parameter an endpoint reads itself (handlers parse the query strictly, so every error gets
/// Flint's envelope); declared here so the OpenAPI document lists it with its type and allowed values.</summary>
public sealed record QueryParam(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String,
    IReadOnlyList<string>? Enum = null, string? Format = null, long? Minimum = null, long? Maximum = null, int? MaxLength = null);

/// <summary>The query parameters shared by list endpoints.</summary>
public static class ApiQuery
{
    public static readonly QueryParam PageSize = new("page_size", "Objects per page, 1–100 (default 20).", JsonSchemaType.Integer, Minimum: 1, Maximum: 100);
    public static readonly QueryParam PageToken = new("page_token", "The next_page_token of the previous page; opaque, valid only with the same sort and filters.");
    public static readonly QueryParam Search = new("query", "Case-insensitive substring of the id, name, description or SKUs.", MaxLength: 255);
    public static readonly QueryParam Fields = new("fields", "Comma-separated top-level fields to return (the id is always returned).");
    public static readonly QueryParam Version = new("version", "The order's version; the change is refused with 409 if the order has moved on.", JsonSchemaType.Integer, Minimum: 0);
    public static readonly QueryParam[] Paging = [PageSize, PageToken];

    /// <summary>Paging, sorting and the created/updated time ranges of a list read from the projection table.</summary>
    public static QueryParam[] Listing(params string[] sorts) =>
    [
        PageSize, PageToken,
        new("sort_by", "Sort field (default created_at).", Enum: sorts),
        new("sort_direction", "Sort direction (default desc).", Enum: ["asc", "desc"]),
        Time("created_after"), Time("created_before"), Time("updated_after"), Time("updated_before"),
    ];

    public static QueryParam Status(params string[] values) => new("status", "Only objects with this status.", Enum: values);
    /// <summary>A catalog object's status; without it, deleted objects are left out.</summary>
    public static readonly QueryParam CatalogStatus = Status("active", "inactive", "deleted");
    public static QueryParam EnumOf<TEnum>(string name, string description) where TEnum : struct, Enum => new(name, description, Enum: SnakeCase.Names<TEnum>());
    public static QueryParam Text(string name, string description, int? maxLength = null) => new(name, description, MaxLength: maxLength);
    public static QueryParam Flag(string name, string description) => new(name, description, JsonSchemaType.Boolean);
    private static QueryParam Time(string name) => new(name, $"RFC 3339 timestamp ({name.Replace('_', ' ')}).", Format: "date-time");
}

public static class OpenApiDocs
{
    /// <summary>Lists the query parameters the handler reads in the operation's OpenAPI description.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder b, params QueryParam[] parameters) =>
        b.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var p in parameters)
            {
                var schema = new OpenApiSchema { Type = p.Type, Format = p.Format, MaxLength = p.MaxLength };
                if (p.Enum is not null) schema.Enum = p.Enum.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
                if (p.Minimum is { } min) schema.Minimum = min.ToString(CultureInfo.InvariantCulture);
                if (p.Maximum is { } max) schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
                operation.Parameters.Add(new OpenApiParameter { Name = p.Name, In = ParameterLocation.Query, Description = p.Description, Schema = schema });
            }
            return Task.CompletedTask;
        });

    /// <summary>Lists the ids in the path, in order, for a handler that reads them from the route values itself (one
    /// handler serves every kind, so it cannot name them as parameters of its own), as bound ones would be listed.</summary>
    public static RouteHandlerBuilder PathIds(this RouteHandlerBuilder b, params string[] names) =>
        b.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            for (var i = 0; i < names.Length; i++)
            {
                operation.Parameters.Insert(i, new OpenApiParameter
                {
                    Name = names[i], In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            return Task.CompletedTask;
        });

    /// <summary>String fields of request bodies that take one of a fixed set of values, by JSON name. Values a
    /// client may send (e.g. status: active or inactive; deleting has its own endpoint).</summary>
    private static readonly Dictionary<string, IReadOnlyList<string>> RequestEnums = new()
    {
        ["status"] = ["active", "inactive"],
        ["product_type"] = SnakeCase.Names<ProductType>(),
        ["tax_category"] = SnakeCase.Names<TaxCategory>(),
        ["tax_categories"] = SnakeCase.Names<TaxCategory>(),
        ["discount_type"] = SnakeCase.Names<CouponDiscountType>(),
        ["inclusion"] = SnakeCase.Names<TaxInclusion>(),
        ["change_reason"] = SnakeCase.Names<InventoryChangeReason>(),
        ["source"] = SnakeCase.Names<OrderSource>(),
        ["type"] = ["card", "cash"],
        ["subscription_retries_exhausted"] = SnakeCase.Names<RetriesExhaustedAction>(),
        ["proration_behavior"] = SnakeCase.Names<ProrationBehavior>(),
    };

    /// <summary>Where one request's field of a common name takes other values than <see cref="RequestEnums"/> says.</summary>
    private static readonly Dictionary<(string Type, string Field), IReadOnlyList<string>> RequestEnumsOf = new()
    {
        [("CreateWebhookEndpointRequest", "status")] = ["enabled", "disabled"],
        [("UpdateWebhookEndpointRequest", "status")] = ["enabled", "disabled"],
        [("CompleteTerminalCheckoutRequest", "type")] = ["card_present", "cash"],
    };

    /// <summary>
    /// Request schemas list the allowed values of their enum-like string fields. Answer schemas (Flint types that are
    /// not a …Request or …Input) mark every field that is never null as required: Flint always writes every field
    /// (nulls included), so a client generated from the document gets <c>orderId: string</c>, not an optional one
    /// (a <c>fields=</c> list asks for less, and gets less). Timestamps are strings in RFC 3339 (UTC).
    /// </summary>
    public static OpenApiOptions AddFlintSchemaRules(this OpenApiOptions o) => o.AddSchemaTransformer((schema, context, _) =>
    {
        var info = context.JsonTypeInfo;
        if (info.Kind == JsonTypeInfoKind.Object && IsFlint(info.Type) && !IsRequest(info.Type) && schema.Properties is { Count: > 0 })
        {
            schema.Required ??= new HashSet<string>();
            foreach (var p in info.Properties)
                if (schema.Properties.ContainsKey(p.Name) && !CanBeNull(p)) schema.Required.Add(p.Name);
        }
        // JSON of any shape (an event's data): an object with any fields, not an empty one.
        if (info.Type == typeof(JsonObject)) schema.AdditionalProperties ??= new OpenApiSchema();
        if (context.JsonPropertyInfo is not { } property) return Task.CompletedTask;
        if (property.PropertyType == typeof(DateTimeOffset)) schema.Type = JsonSchemaType.String;
        else if (property.PropertyType == typeof(DateTimeOffset?)) schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
        if (!IsRequest(property.DeclaringType)) return Task.CompletedTask;
        if (!RequestEnumsOf.TryGetValue((property.DeclaringType.Name, property.Name), out var values)
            && !RequestEnums.TryGetValue(property.Name, out values)) return Task.CompletedTask;
        var target = schema.Type is { } t && t.HasFlag(JsonSchemaType.Array) ? schema.Items as OpenApiSchema : schema;
        if (target?.Type is { } type && type.HasFlag(JsonSchemaType.String))
            target.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
        return Task.CompletedTask;
    });

    private static bool IsFlint(Type t) => t.Namespace?.StartsWith("Flint.", StringComparison.Ordinal) == true;

    private static bool IsRequest(Type t) => IsFlint(t)
        && (t.Name.EndsWith("Request", StringComparison.Ordinal) || t.Name.EndsWith("Input", StringComparison.Ordinal));

    private static bool CanBeNull(JsonPropertyInfo p) =>
        p.PropertyType.IsValueType ? Nullable.GetUnderlyingType(p.PropertyType) is not null : p.IsGetNullable;
}
