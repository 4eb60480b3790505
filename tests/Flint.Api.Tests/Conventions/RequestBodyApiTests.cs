using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>Bodies are read strictly: JSON only, well-formed, known fields only, right types, every failure
/// naming the offending field, and a request that fails changes nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class RequestBodyApiTests(ApiFixture f)
{
    private const string Price = """{"amount":1000,"currency":"USD"}""";

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\":\"x\",}")]
    [InlineData("not json")]
    [InlineData("{\"name\":\"x\"} trailing")]
    public async Task Malformed_JSON_is_400_INVALID_JSON(string body)
    {
        (await f.A.Post("/v1/products", body)).AssertError(400, "INVALID_JSON");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"product\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task A_body_that_is_not_a_JSON_object_is_400_INVALID_JSON(string body)
    {
        (await f.A.Post("/v1/products", body)).AssertError(400, "INVALID_JSON");
    }

    [Fact]
    public async Task An_empty_body_on_POST_is_400()
    {
        (await f.A.Post("/v1/products")).AssertError(400, "INVALID_JSON");
        (await f.A.Post("/v1/products", "")).AssertError(400, "INVALID_JSON");
    }

    [Fact]
    public async Task An_empty_body_on_PATCH_is_400()
    {
        var p = await f.A.CreateSimple();
        (await f.A.Patch(p.Path, "")).AssertError(400, "INVALID_JSON");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task A_body_that_is_not_declared_as_JSON_is_415_UNSUPPORTED_MEDIA_TYPE(string contentType)
    {
        var body = CatalogData.SimpleProductJson(CatalogData.Unique("Plain"));
        var r = await f.A.Send(HttpMethod.Post, "/v1/products", body, contentType: contentType);
        r.AssertError(415, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal("invalid_request", r.Body!["error"]!.Str("type"));
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_415_UNSUPPORTED_MEDIA_TYPE()
    {
        var r = await f.A.Send(HttpMethod.Post, "/v1/products", CatalogData.SimpleProductJson(CatalogData.Unique("NoType")), contentType: null);
        r.AssertError(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task An_unknown_top_level_field_is_400_UNKNOWN_FIELD_naming_it()
    {
        var r = await f.A.Post("/v1/products", $$"""{"name":"Tee","colour":"red","default_variant":{"unit_price_money":{{Price}} } }""");
        r.AssertError(400, "UNKNOWN_FIELD", "colour");
    }

    [Fact]
    public async Task An_unknown_nested_field_is_400_UNKNOWN_FIELD_with_its_full_path()
    {
        (await f.A.Post("/v1/products", $$"""{"name":"Tee","default_variant":{"colour":"red","unit_price_money":{{Price}} } }"""))
            .AssertError(400, "UNKNOWN_FIELD", "default_variant.colour");
        (await f.A.Post("/v1/products", """{"name":"Tee","default_variant":{"unit_price_money":{"amount":1,"currency":"USD","cents":1}}}"""))
            .AssertError(400, "UNKNOWN_FIELD", "default_variant.unit_price_money.cents");
        (await f.A.Post("/v1/products", """{"name":"Tee","options":[{"name":"Size","values":["S"],"sort":1}],"variants":[]}"""))
            .AssertError(400, "UNKNOWN_FIELD", "options[0].sort");
    }

    [Fact]
    public async Task A_field_that_is_known_elsewhere_but_not_on_this_request_is_unknown()
    {
        var p = await f.A.CreateSimple();
        // product_id is a response field, categories has its own endpoint.
        (await f.A.Patch(p.Path, """{"name":"x","product_id":"prod_1"}""")).AssertError(400, "UNKNOWN_FIELD", "product_id");
        (await f.A.Patch(p.Path, """{"categories":["x"]}""")).AssertError(400, "UNKNOWN_FIELD", "categories");
        Assert.Equal(p.Data.Str("name"), (await f.A.Get(p.Path)).Data.Str("name"));
    }

    [Fact]
    public async Task Field_names_are_case_sensitive()
    {
        (await f.A.Post("/v1/products", $$"""{"Name":"Tee","default_variant":{"unit_price_money":{{Price}} } }"""))
            .AssertError(400, "UNKNOWN_FIELD", "Name");
    }

    [Theory]
    [InlineData("""{"name":"Tee","default_variant":{"unit_price_money":{"amount":"12","currency":"USD"}}}""", "default_variant.unit_price_money.amount")]
    [InlineData("""{"name":"Tee","default_variant":{"unit_price_money":{"amount":12.5,"currency":"USD"}}}""", "default_variant.unit_price_money.amount")]
    [InlineData("""{"name":"Tee","default_variant":{"unit_price_money":{"amount":9223372036854775808,"currency":"USD"}}}""", "default_variant.unit_price_money.amount")]
    [InlineData("""{"name":"Tee","default_variant":{"unit_price_money":{"amount":1,"currency":840}}}""", "default_variant.unit_price_money.currency")]
    [InlineData("""{"name":5,"default_variant":{"unit_price_money":{"amount":1,"currency":"USD"}}}""", "name")]
    [InlineData("""{"name":"Tee","categories":"shirts","default_variant":{"unit_price_money":{"amount":1,"currency":"USD"}}}""", "categories")]
    [InlineData("""{"name":"Tee","default_variant":{"taxable":"yes","unit_price_money":{"amount":1,"currency":"USD"}}}""", "default_variant.taxable")]
    [InlineData("""{"name":"Tee","default_variant":{"initial_quantity_available":"3","unit_price_money":{"amount":1,"currency":"USD"}}}""", "default_variant.initial_quantity_available")]
    [InlineData("""{"name":"Tee","metadata":{"k":1},"default_variant":{"unit_price_money":{"amount":1,"currency":"USD"}}}""", "metadata.k")]
    public async Task A_value_of_the_wrong_type_is_400_INVALID_FIELD_TYPE_naming_the_field(string body, string param)
    {
        (await f.A.Post("/v1/products", body)).AssertError(400, "INVALID_FIELD_TYPE", param);
    }

    [Fact]
    public async Task A_negative_amount_is_400_INVALID_AMOUNT()
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Tee", amount: -1)))
            .AssertError(400, "INVALID_AMOUNT", "default_variant.unit_price_money.amount");
    }

    [Fact]
    public async Task An_amount_beyond_the_maximum_is_400_AMOUNT_TOO_LARGE()
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Tee", amount: 10_000_000_000_000)))
            .AssertError(400, "AMOUNT_TOO_LARGE", "default_variant.unit_price_money.amount");
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("")]
    [InlineData("XAU")]
    public async Task An_unknown_or_lower_case_currency_is_400_INVALID_CURRENCY(string currency)
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Tee", currency: currency)))
            .AssertError(400, "INVALID_CURRENCY", "default_variant.unit_price_money.currency");
    }

    [Theory]
    [InlineData("JPY", 1500)]
    [InlineData("KWD", 1500)]
    [InlineData("EUR", 0)]
    public async Task Amounts_are_integer_minor_units_of_any_ISO_currency(string currency, long amount)
    {
        var r = await f.A.Post("/v1/products", CatalogData.SimpleProductJson(CatalogData.Unique("Money"), amount: amount, currency: currency));
        Assert.Equal(201, r.Status);
        var money = r.Data["default_variant"]!["unit_price_money"]!;
        Assert.Equal(amount, money.Long("amount"));
        Assert.Equal(currency, money.Str("currency"));
    }

    [Fact]
    public async Task Missing_money_parts_are_400_MISSING_REQUIRED_FIELD()
    {
        (await f.A.Post("/v1/products", """{"name":"Tee","default_variant":{"unit_price_money":{"amount":1}}}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "default_variant.unit_price_money.currency");
        (await f.A.Post("/v1/products", """{"name":"Tee","default_variant":{"unit_price_money":{"currency":"USD"}}}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "default_variant.unit_price_money.amount");
        (await f.A.Post("/v1/products", """{"name":"Tee","default_variant":{"sku":"x"}}"""))
            .AssertError(400, "MISSING_REQUIRED_FIELD", "default_variant.unit_price_money");
    }

    [Fact]
    public async Task A_name_of_ten_thousand_characters_is_400_FIELD_TOO_LONG()
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(new string('n', 10_000)))).AssertError(400, "FIELD_TOO_LONG", "name");
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(new string('n', 256)))).AssertError(400, "FIELD_TOO_LONG", "name");
        Assert.Equal(201, (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(new string('n', 255)))).Status);
    }

    [Fact]
    public async Task Lengths_count_characters_not_UTF16_units()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 255));
        var r = await f.A.Post("/v1/products", CatalogData.SimpleProductJson(emoji));
        Assert.Equal(201, r.Status);
        Assert.Equal(emoji, r.Data.Str("name"));
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(emoji + "\U0001F600"))).AssertError(400, "FIELD_TOO_LONG", "name");
    }

    [Fact]
    public async Task A_missing_or_empty_name_is_rejected()
    {
        (await f.A.Post("/v1/products", $$"""{"default_variant":{"unit_price_money":{{Price}} } }""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(""))).AssertError(400, "FIELD_TOO_SHORT", "name");
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("   "))).AssertError(400, "INVALID_FIELD", "name");
    }

    [Fact]
    public async Task A_NUL_character_in_a_string_is_rejected()
    {
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson("Tee\u0000shirt"))).AssertError(400, "INVALID_FIELD", "name");
    }

    [Fact]
    public async Task A_request_that_fails_validation_creates_nothing()
    {
        var name = CatalogData.Unique("Nothing");
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(name, sku: name, quantity: 5, currency: "usd"))).AssertError(400, "INVALID_CURRENCY");
        (await f.A.Post("/v1/products", CatalogData.SimpleProductJson(name, sku: name, quantity: 5, productType: "gadget"))).AssertError(400, "INVALID_ENUM_VALUE");
        Assert.Empty((await f.A.Get($"/v1/products?query={name}")).Data.AsArray());
        (await f.A.Get($"/v1/catalog/by-sku/{name}")).AssertError(404, "RESOURCE_NOT_FOUND");
        // The SKU was not taken by the failed attempts.
        var ok = await f.A.CreateSimple(name, sku: name);
        Assert.Equal(name, ok.Data["default_variant"]!.Str("sku"));
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_rejected_with_413()
    {
        var big = CatalogData.SimpleProductJson("Big").Replace("\"name\":\"Big\"", $"\"description\":\"{new string('d', 1_100_000)}\",\"name\":\"Big\"");
        var r = await f.A.Post("/v1/products", big);
        r.AssertError(413, "REQUEST_TOO_LARGE");
    }
}
