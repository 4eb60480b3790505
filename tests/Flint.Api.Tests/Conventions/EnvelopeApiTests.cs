using System.Globalization;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>The success, list and error envelopes, request ids and the wire formats every endpoint shares.</summary>
[Collection(ApiCollection.Name)]
public sealed class EnvelopeApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_success_has_data_and_a_request_id_equal_to_the_X_Request_Id_header()
    {
        var r = await f.A.Post("/v1/products", CatalogData.SimpleProductJson(CatalogData.Unique("Env")));
        Assert.Equal(201, r.Status);
        Assert.NotNull(r.Body!["data"]);
        var id = r.Body!.Str("request_id");
        Assert.True(Guid.TryParse(id, out _), id);
        Assert.Equal(r.Header("X-Request-Id"), id);
        Assert.Null(r.Body!["error"]);
        Assert.Equal("application/json; charset=utf-8", r.ContentType);

        var get = await f.A.Get($"/v1/products/{r.Data.Str("product_id")}");
        Assert.Equal(200, get.Status);
        Assert.Equal(get.Header("X-Request-Id"), get.Body!.Str("request_id"));
        Assert.NotEqual(id, get.Body!.Str("request_id"));
    }

    [Fact]
    public async Task A_list_has_a_data_array_a_next_page_token_and_a_request_id()
    {
        var r = await f.A.Get($"/v1/products?query={CatalogData.Unique("none")}");
        Assert.Equal(200, r.Status);
        Assert.Empty(r.Data.AsArray());
        Assert.True(r.Body!.AsObject().ContainsKey("next_page_token"));
        Assert.Null(r.Body!["next_page_token"]);
        Assert.Equal(r.Header("X-Request-Id"), r.Body!.Str("request_id"));
    }

    [Fact]
    public async Task An_error_has_type_code_message_param_and_a_request_id()
    {
        var r = await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Bad", currency: "XYZ"));
        Assert.Equal(400, r.Status);
        Assert.Null(r.Body!["data"]);
        var error = r.Body!["error"]!;
        Assert.Equal("invalid_request", error.Str("type"));
        Assert.Equal("INVALID_CURRENCY", error.Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
        Assert.Equal("default_variant.unit_price_money.currency", error.Str("param"));
        Assert.Equal(r.Header("X-Request-Id"), r.Body!.Str("request_id"));
        Assert.Equal("application/json; charset=utf-8", r.ContentType);
    }

    [Fact]
    public async Task An_error_without_a_single_field_at_fault_has_a_null_param()
    {
        var p = await f.A.CreateSimple();
        var r = await f.A.Patch(p.Path, "{}");
        r.AssertError(400, "NO_FIELDS_TO_UPDATE");
        Assert.True(r.Body!["error"]!.AsObject().ContainsKey("param"));
        Assert.Null(r.Body!["error"]!["param"]);
    }

    [Fact]
    public async Task An_unknown_route_under_v1_is_a_404_envelope()
    {
        var r = await f.A.Get("/v1/no-such-thing");
        r.AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal("not_found", r.Body!["error"]!.Str("type"));
        Assert.Equal(r.Header("X-Request-Id"), r.Body!.Str("request_id"));
        (await f.A.Post("/v1/products/whatever/explode", "{}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task A_method_an_endpoint_does_not_accept_is_a_405_envelope()
    {
        var r = await f.A.Send(HttpMethod.Put, "/v1/products", "{}");
        r.AssertError(405, "METHOD_NOT_ALLOWED");
        Assert.Equal(r.Header("X-Request-Id"), r.Body!.Str("request_id"));
    }

    [Fact]
    public async Task Timestamps_are_RFC_3339_UTC_with_a_Z_and_ids_are_prefixed()
    {
        var p = await f.A.CreateSimple(quantity: 1);
        foreach (var t in new[] { p.Data.Str("created_at"), p.Data.Str("updated_at"), p.Data["default_variant"]!.Str("created_at") })
        {
            Assert.EndsWith("Z", t);
            Assert.True(DateTimeOffset.TryParseExact(t, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), t);
        }
        Assert.Matches("^prod_[0-9A-HJKMNP-TV-Z]{26}$", p.Id);
        Assert.Matches("^var_[0-9A-HJKMNP-TV-Z]{26}$", p.VariantId);
    }

    [Fact]
    public async Task Field_names_and_enum_values_are_snake_case()
    {
        var p = await f.A.CreateSimple(productType: "digital");
        var raw = (await f.A.Get(p.Path)).Raw;
        Assert.Contains("\"default_variant_id\"", raw);
        Assert.Contains("\"unit_price_money\"", raw);
        Assert.Contains("\"tax_category\":\"general\"", raw);
        Assert.Contains("\"product_type\":\"digital\"", raw);
        Assert.DoesNotContain("defaultVariantId", raw);
    }
}
