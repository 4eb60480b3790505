using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flint.Api.Infrastructure;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Operations;

/// <summary>What the host serves besides /v1: the OpenAPI document, human docs, health, the operator dashboard and
/// metrics.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostEndpointsApiTests(ApiFixture f)
{
    private async Task<JsonNode> OpenApi()
    {
        var r = await f.Anonymous.Get("/openapi/v1.json");
        Assert.True(r.Status == 200, r.ToString());
        return r.Body!;
    }

    /// <summary>Follows one local $ref ("#/components/schemas/X"), also inside a nullable oneOf/anyOf.</summary>
    private static JsonNode Resolve(JsonNode doc, JsonNode schema)
    {
        var alternatives = (schema["oneOf"] ?? schema["anyOf"])?.AsArray();
        if (alternatives is not null) schema = alternatives.FirstOrDefault(a => a?["$ref"] is not null) ?? schema;
        var reference = schema["$ref"]?.GetValue<string>();
        if (reference is null) return schema;
        var name = reference.Split('/')[^1];
        return doc["components"]!["schemas"]![name] ?? throw new InvalidOperationException($"unresolved {reference}");
    }

    private static JsonNode JsonSchemaOf(JsonNode? content) =>
        content?["application/json"]?["schema"] ?? throw new InvalidOperationException($"no application/json schema in {content?.ToJsonString()}");

    [Fact]
    public async Task The_OpenAPI_document_lists_every_v1_endpoint()
    {
        var doc = await OpenApi();
        Assert.StartsWith("3.", doc.Str("openapi"));
        var paths = doc["paths"]!.AsObject();
        string[] expected =
        [
            "/v1/merchants", "/v1/api-keys", "/v1/api-keys/{api_key_id}",
            "/v1/products", "/v1/products/{product_id}", "/v1/products/{product_id}/categories",
            "/v1/products/{product_id}/variants", "/v1/products/{product_id}/variants/{variant_id}",
            "/v1/products/{product_id}/variants/{variant_id}/inventory-adjustments",
            "/v1/products/{product_id}/variants/{variant_id}/inventory-history",
            "/v1/bundles", "/v1/bundles/{bundle_id}", "/v1/bundles/{bundle_id}/categories", "/v1/bundles/{bundle_id}/components",
            "/v1/bundles/{bundle_id}/components/{bundle_component_id}",
            "/v1/modifier-sets", "/v1/modifier-sets/{modifier_set_id}", "/v1/catalog/by-sku/{sku}", "/v1/events",
        ];
        foreach (var path in expected) Assert.True(paths.ContainsKey(path), $"{path} missing from the OpenAPI document");
        var products = paths["/v1/products"]!.AsObject();
        Assert.True(products.ContainsKey("get"));
        Assert.True(products.ContainsKey("post"));
    }

    [Fact]
    public async Task Every_v1_operation_documents_its_request_and_response_schemas()
    {
        var doc = await OpenApi();
        var missing = new List<string>();
        foreach (var (path, item) in doc["paths"]!.AsObject().Where(p => p.Key.StartsWith("/v1", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "patch" or "put" or "delete"))
            {
                var success = operation!["responses"]?.AsObject().FirstOrDefault(r => r.Key.StartsWith('2')).Value;
                // JSON, or (a device's event stream) server-sent events.
                if ((success?["content"]?["application/json"] ?? success?["content"]?["text/event-stream"])?["schema"] is null)
                    missing.Add($"{method} {path}: success response schema");
                if (operation["responses"]?["400"]?["content"]?["application/json"]?["schema"] is null && method != "delete" && method != "get")
                    missing.Add($"{method} {path}: error response schema");
                var bodyless = method is "get" or "delete" || path == "/v1/api-keys";
                if (!bodyless && operation["requestBody"]?["content"]?["application/json"]?["schema"] is null)
                    missing.Add($"{method} {path}: request body schema");
            }
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task The_OpenAPI_schemas_use_the_snake_case_names_of_the_wire()
    {
        var doc = await OpenApi();
        var post = doc["paths"]!["/v1/products"]!["post"]!;
        var request = Resolve(doc, JsonSchemaOf(post["requestBody"]!["content"]));
        var requestProperties = request["properties"]!.AsObject();
        Assert.True(requestProperties.ContainsKey("default_variant"), $"request schema properties: {string.Join(", ", requestProperties.Select(p => p.Key))}");
        Assert.True(requestProperties.ContainsKey("product_type"));
        Assert.True(requestProperties.ContainsKey("modifier_set_ids"));

        var envelope = Resolve(doc, JsonSchemaOf(post["responses"]!["201"]!["content"]));
        var envelopeProperties = envelope["properties"]!.AsObject();
        Assert.True(envelopeProperties.ContainsKey("data"), $"response envelope properties: {string.Join(", ", envelopeProperties.Select(p => p.Key))}");
        Assert.True(envelopeProperties.ContainsKey("request_id"));
        var product = Resolve(doc, envelopeProperties["data"]!);
        var productProperties = product["properties"]!.AsObject();
        Assert.True(productProperties.ContainsKey("product_id"), $"product schema properties: {string.Join(", ", productProperties.Select(p => p.Key))}");
        Assert.True(productProperties.ContainsKey("default_variant_id"));
        Assert.True(productProperties.ContainsKey("created_at"));
    }

    [Fact]
    public async Task The_human_docs_answer()
    {
        var r = await f.Anonymous.Get("/docs");
        Assert.Equal(200, r.Status);
        Assert.StartsWith("text/html", r.ContentType);
    }

    [Fact]
    public async Task Health_endpoints_answer_200_without_a_key()
    {
        var live = await f.Anonymous.Get("/health/live");
        Assert.Equal(200, live.Status);
        Assert.NotNull(live.Header("X-Request-Id"));
        Assert.Equal(200, (await f.Anonymous.Get("/health/ready")).Status);
    }

    [Fact]
    public void The_dashboard_collects_the_silo_metrics_every_ten_seconds_not_every_second()
    {
        var hostType = Type.GetType("Orleans.Dashboard.DashboardHost, Orleans.Dashboard");
        Assert.NotNull(hostType);
        var dashboard = f.Host.Services.GetService(hostType);
        Assert.NotNull(dashboard);
        Assert.Equal(10_000, hostType.GetProperty("ExportIntervalMilliseconds", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!.GetValue(dashboard));
    }

    [Fact]
    public async Task The_operations_dashboard_needs_the_admin_token()
    {
        (await f.Anonymous.Get("/dashboard")).AssertError(401, "UNAUTHENTICATED");
        (await f.A.Get("/dashboard")).AssertError(401, "UNAUTHENTICATED");
        (await f.With("wrong-token").Get("/dashboard")).AssertError(401, "UNAUTHENTICATED");

        (await f.Anonymous.Get("/dashboard/")).AssertError(401, "UNAUTHENTICATED");
        // The dashboard lives under /dashboard/ (the bare path redirects there, and clients drop credentials on redirects).
        var admin = await f.Admin.Get("/dashboard/");
        Assert.Equal(200, admin.Status);
        Assert.StartsWith("text/html", admin.ContentType);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(FlintTestHost.AdminToken)).ToArray()));
        using var response = await f.Host.Client.SendAsync(basic);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task The_metrics_endpoint_needs_the_admin_token()
    {
        (await f.Anonymous.Get(Telemetry.MetricsPath)).AssertError(401, "UNAUTHENTICATED");
        (await f.A.Get(Telemetry.MetricsPath)).AssertError(401, "UNAUTHENTICATED");
        (await f.With("wrong-token").Get(Telemetry.MetricsPath)).AssertError(401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_paid_order_shows_in_the_metrics_with_its_saga_steps_group_commits_and_grain_activations()
    {
        var product = await f.A.Stocked(price: 1500, quantity: 3);
        var order = await f.A.NewOrder((product.VariantIds[0], 1));
        var paid = await f.A.PayWith(order.Str("order_id"), "tok_visa", idempotencyKey: CatalogData.Unique("metrics-pay"));
        Assert.True(paid.Status == 200, paid.ToString());

        var scrape = await f.Admin.Get(Telemetry.MetricsPath);
        Assert.Equal(200, scrape.Status);
        var text = scrape.Raw;
        void Has(string pattern) => Assert.True(Regex.IsMatch(text, pattern, RegexOptions.Multiline), $"no line matches {pattern} in:\n{text}");
        Has(@"^flint_pay_duration_seconds_count\{[^}]*outcome=""succeeded""[^}]*\} [1-9]");
        foreach (var step in new[] { "hold_stock", "write_plan", "charge", "commit_stock", "final_write" })
            Has($@"^flint_pay_step_duration_seconds_count\{{[^}}]*step=""{step}""[^}}]*\}} [1-9]");
        Has(@"^flint_group_commit_batch_size_count\{[^}]*group=""FlintGrainStorage\.FlushWrites""");
        Has(@"^flint_group_commit_batch_size_count\{[^}]*group=""IdempotencyRecords\.FlushClaims""");
        Has(@"^flint_group_commit_wait_seconds_count\{");
        Has(@"^orleans_catalog_activations\{");
        Has(@"^http_server_request_duration_seconds_count\{");
        // Orleans' many other instruments are dropped (Telemetry.OrleansInstruments).
        Assert.DoesNotMatch(new Regex("^orleans_directory_", RegexOptions.Multiline), text);
    }
}
