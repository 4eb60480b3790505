using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Customers;

/// <summary>/v1/customers: contact details, addresses, metadata, search, deletion and the order history.</summary>
[Collection(ApiCollection.Name)]
public sealed class CustomerApiTests(ApiFixture f)
{
    private static string Key() => $"idem-{Guid.NewGuid():N}";

    private static async Task<JsonNode> CreateCustomer(ApiClient api, string? email = null, string? name = null)
    {
        var body = new JsonObject();
        if (email is not null) body["email"] = email;
        if (name is not null) body["name"] = name;
        var r = await api.Post("/v1/customers", body.ToJsonString());
        Assert.True(r.Status == 201, $"creating a customer failed: {r}");
        return r.Data;
    }

    [Fact]
    public async Task A_customer_is_created_with_contact_details_addresses_and_metadata()
    {
        var tag = CatalogData.Unique("ada");
        var r = await f.A.Post("/v1/customers", $$"""
            {"email":"{{tag}}@Example.COM","name":"Ada Lovelace","phone":"+1 (415) 555-0100",
             "addresses":[{"line1":"1 Market St","line2":"Suite 5","city":"San Francisco","region":"CA","postal_code":"94105","country":"US"},
                          {"country":"GB","postal_code":"SW1A 1AA"}],
             "metadata":{"tier":"gold"} }
            """);

        Assert.Equal(201, r.Status);
        var c = r.Data;
        Assert.StartsWith("cus_", c.Str("customer_id"));
        Assert.Equal($"{tag}@example.com", c.Str("email"));
        Assert.Equal("Ada Lovelace", c.Str("name"));
        Assert.Equal("+1 (415) 555-0100", c.Str("phone"));
        var addresses = c.Arr("addresses");
        Assert.Equal(2, addresses.Count);
        Assert.Equal("""{"line1":"1 Market St","line2":"Suite 5","city":"San Francisco","region":"CA","postal_code":"94105","country":"US"}""", addresses[0]!.ToJsonString());
        Assert.Equal("""{"line1":null,"line2":null,"city":null,"region":null,"postal_code":"SW1A 1AA","country":"GB"}""", addresses[1]!.ToJsonString());
        Assert.Equal("gold", c["metadata"]!.Str("tier"));
        Assert.False(c.Bool("deleted"));
        Assert.Equal(1, c.Long("version"));
        Assert.EndsWith("Z", c.Str("created_at"));
        Assert.Equal(c.Str("created_at"), c.Str("updated_at"));

        var get = await f.A.Get($"/v1/customers/{c.Str("customer_id")}");
        Assert.Equal(200, get.Status);
        // GET also lists the customer's subscriptions, after its own fields.
        Assert.Equal("""{"data":[],"has_more":false}""", WithoutSubscriptions(get.Data)?.ToJsonString());
        Assert.Equal(c.ToJsonString(), get.Data.ToJsonString());
    }

    [Fact]
    public async Task A_customer_may_be_created_with_no_details_like_in_Stripe()
    {
        var r = await f.A.Post("/v1/customers", "{}");

        Assert.Equal(201, r.Status);
        Assert.Null(r.Data["email"]);
        Assert.Null(r.Data["name"]);
        Assert.Null(r.Data["phone"]);
        Assert.Empty(r.Data.Arr("addresses"));
        Assert.Equal(200, (await f.A.Get($"/v1/customers/{r.Data.Str("customer_id")}")).Status);
    }

    [Theory]
    [InlineData("""{"email":"ada"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":"ada@localhost"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":"ada@@example.com"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":"ada lovelace@example.com"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":".ada@example.com"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":"ada@-example.com"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":"ada@example.c"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":" ada@example.com"}""", "INVALID_EMAIL", "email")]
    [InlineData("""{"email":42}""", "INVALID_FIELD_TYPE", "email")]
    [InlineData("""{"phone":"555-CALL-NOW"}""", "INVALID_PHONE", "phone")]
    [InlineData("""{"phone":"555 + 0100"}""", "INVALID_PHONE", "phone")]
    [InlineData("""{"phone":"()-"}""", "INVALID_PHONE", "phone")]
    [InlineData("""{"phone":"123456789012345678901234567890123"}""", "INVALID_PHONE", "phone")]
    [InlineData("""{"name":"   "}""", "INVALID_FIELD", "name")]
    [InlineData("""{"addresses":[{"country":"us"}]}""", "INVALID_COUNTRY", "addresses[0].country")]
    [InlineData("""{"addresses":[{"country":"US"},{"city":"Paris"}]}""", "INVALID_COUNTRY", "addresses[1].country")]
    [InlineData("""{"addresses":[{"country":"XX"}]}""", "INVALID_COUNTRY", "addresses[0].country")]
    [InlineData("""{"addresses":[{"country":"US","postal_code":"123456789012345678901"}]}""", "FIELD_TOO_LONG", "addresses[0].postal_code")]
    [InlineData("""{"addresses":[null]}""", "INVALID_FIELD", "addresses[0]")]
    [InlineData("""{"addresses":[{"country":"US","zip":"94105"}]}""", "UNKNOWN_FIELD", "addresses[0].zip")]
    [InlineData("""{"mail":"ada@example.com"}""", "UNKNOWN_FIELD", "mail")]
    [InlineData("""{"metadata":{"k":1}}""", "INVALID_FIELD_TYPE", "metadata.k")]
    public async Task Invalid_details_are_400_with_the_code_and_the_field(string body, string code, string param)
    {
        (await f.A.Post("/v1/customers", body)).AssertError(400, code, param);
    }

    [Fact]
    public async Task Length_limits_are_enforced_on_every_field()
    {
        var longLocal = new string('a', 64);
        var tooLongEmail = $"{longLocal}@{new string('b', 63)}.{new string('c', 63)}.{new string('d', 60)}.com";
        Assert.True(tooLongEmail.Length > 254);
        (await f.A.Post("/v1/customers", $$"""{"email":"{{tooLongEmail}}"}""")).AssertError(400, "INVALID_EMAIL", "email");
        (await f.A.Post("/v1/customers", $$"""{"email":"{{longLocal}}a@example.com"}""")).AssertError(400, "INVALID_EMAIL", "email");
        Assert.Equal(201, (await f.A.Post("/v1/customers", $$"""{"email":"{{longLocal}}@example.com"}""")).Status);
        (await f.A.Post("/v1/customers", $$"""{"name":"{{new string('n', 256)}}"}""")).AssertError(400, "FIELD_TOO_LONG", "name");
        Assert.Equal(201, (await f.A.Post("/v1/customers", $$"""{"name":"{{new string('n', 255)}}"}""")).Status);
        (await f.A.Post("/v1/customers", $$"""{"addresses":[{"country":"US","line1":"{{new string('l', 256)}}"}]}""")).AssertError(400, "FIELD_TOO_LONG", "addresses[0].line1");
        (await f.A.Post("/v1/customers", $$"""{"addresses":[{"country":"US","city":"{{new string('c', 256)}}"}]}""")).AssertError(400, "FIELD_TOO_LONG", "addresses[0].city");
        var eleven = string.Join(",", Enumerable.Repeat("""{"country":"US"}""", 11));
        (await f.A.Post("/v1/customers", $$"""{"addresses":[{{eleven}}]}""")).AssertError(400, "TOO_MANY_ITEMS", "addresses");
        var ten = string.Join(",", Enumerable.Repeat("""{"country":"US"}""", 10));
        Assert.Equal(10, (await f.A.Post("/v1/customers", $$"""{"addresses":[{{ten}}]}""")).Data.Arr("addresses").Count);
        (await f.A.Post("/v1/customers", $$"""{"metadata":{"{{new string('k', 41)}}":"v"} }""")).AssertError(400, "INVALID_METADATA");
    }

    [Theory]
    [InlineData("o'brien+shop@mail.example.co.uk")]
    [InlineData("first.last@sub-domain.example.org")]
    [InlineData("x@xn--80ak6aa92e.xn--p1ai")]
    public async Task Plausible_emails_are_accepted(string email)
    {
        var r = await f.A.Post("/v1/customers", new JsonObject { ["email"] = email }.ToJsonString());
        Assert.Equal(201, r.Status);
        Assert.Equal(email, r.Data.Str("email"));
    }

    [Fact]
    public async Task A_refused_create_creates_nothing()
    {
        var tag = CatalogData.Unique("refused");
        (await f.A.Post("/v1/customers", $$"""{"email":"{{tag}}@example.com","phone":"call me"}""")).AssertError(400, "INVALID_PHONE", "phone");
        Assert.Empty((await f.A.Get($"/v1/customers?query={tag}")).Data.AsArray());
    }

    [Fact]
    public async Task Patching_changes_only_what_is_sent_clears_with_empty_strings_replaces_addresses_and_merges_metadata()
    {
        var tag = CatalogData.Unique("patch");
        var created = await f.A.Post("/v1/customers", $$"""
            {"email":"{{tag}}@example.com","name":"Grace","phone":"555 0100","addresses":[{"country":"US"}],"metadata":{"a":"1","b":"2"} }
            """);
        var path = $"/v1/customers/{created.Data.Str("customer_id")}";

        var renamed = await f.A.Patch(path, """{"name":"Grace Hopper","email":"GRACE@Navy.MIL"}""");
        Assert.Equal(200, renamed.Status);
        Assert.Equal("Grace Hopper", renamed.Data.Str("name"));
        Assert.Equal("grace@navy.mil", renamed.Data.Str("email"));
        Assert.Equal("555 0100", renamed.Data.Str("phone"));
        Assert.Single(renamed.Data.Arr("addresses"));
        Assert.Equal(2, renamed.Data.Long("version"));

        var replaced = await f.A.Patch(path, """{"addresses":[{"country":"DE","city":"Berlin"},{"country":"FR"}],"metadata":{"a":"","c":"3"}}""");
        Assert.Equal(200, replaced.Status);
        Assert.Equal(["DE", "FR"], replaced.Data.Arr("addresses").Select(a => a!.Str("country")));
        Assert.Equal("""{"b":"2","c":"3"}""", replaced.Data["metadata"]!.ToJsonString());

        var cleared = await f.A.Patch(path, """{"email":"","name":"","phone":"","addresses":[],"metadata":{}}""");
        Assert.Equal(200, cleared.Status);
        Assert.Null(cleared.Data["email"]);
        Assert.Null(cleared.Data["name"]);
        Assert.Null(cleared.Data["phone"]);
        Assert.Empty(cleared.Data.Arr("addresses"));
        Assert.Equal("{}", cleared.Data["metadata"]!.ToJsonString());
        Assert.Equal(cleared.Data.ToJsonString(), (await Customer(path)).ToJsonString());
    }

    [Fact]
    public async Task A_patch_with_nothing_to_change_or_bad_input_is_400_and_changes_nothing()
    {
        var created = await CreateCustomer(f.A, $"{CatalogData.Unique("nochange")}@example.com", "Alan");
        var path = $"/v1/customers/{created.Str("customer_id")}";

        (await f.A.Patch(path, "{}")).AssertError(400, "NO_FIELDS_TO_UPDATE");
        (await f.A.Patch(path, """{"email":"alan@"}""")).AssertError(400, "INVALID_EMAIL", "email");
        (await f.A.Patch(path, """{"name":"Turing","phone":"ext. 12"}""")).AssertError(400, "INVALID_PHONE", "phone");
        (await f.A.Patch(path, """{"addresses":[{"country":"Germany"}]}""")).AssertError(400, "INVALID_COUNTRY", "addresses[0].country");
        (await f.A.Patch(path, """{"customer_id":"cus_x"}""")).AssertError(400, "UNKNOWN_FIELD", "customer_id");

        Assert.Equal(created.ToJsonString(), (await Customer(path)).ToJsonString());
    }

    [Fact]
    public async Task A_deleted_customer_is_gone_from_reads_lists_and_its_order_history()
    {
        var tag = CatalogData.Unique("gone");
        var created = await CreateCustomer(f.A, $"{tag}@example.com");
        var keep = await CreateCustomer(f.A, $"{tag}.keep@example.com");
        var path = $"/v1/customers/{created.Str("customer_id")}";

        var deleted = await f.A.Delete(path);
        Assert.Equal(200, deleted.Status);
        Assert.True(deleted.Data.Bool("deleted"));
        Assert.Equal(created.Str("customer_id"), deleted.Data.Str("customer_id"));

        (await f.A.Get(path)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Patch(path, """{"name":"Back"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete(path)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"{path}/orders")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal([keep.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}")).Ids("customer_id"));
        // No status filter can bring a deleted customer back into a list.
        Assert.Equal([keep.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}&status=deleted")).Ids("customer_id"));
    }

    [Fact]
    public async Task Deleting_with_an_idempotency_key_replays_the_first_answer()
    {
        var created = await CreateCustomer(f.A, name: "Retry");
        var path = $"/v1/customers/{created.Str("customer_id")}";
        var key = Key();

        var first = await f.A.Send(HttpMethod.Delete, path, null, key);
        var again = await f.A.Send(HttpMethod.Delete, path, null, key);

        Assert.Equal(200, first.Status);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_404()
    {
        var unknown = CatalogData.UnknownId("cus");
        foreach (var path in new[] { $"/v1/customers/{unknown}", "/v1/customers/nope", $"/v1/customers/{CatalogData.UnknownId("prod")}", $"/v1/customers/{unknown}/orders" })
            (await f.A.Get(path)).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Patch($"/v1/customers/{unknown}", """{"name":"x"}""")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Delete($"/v1/customers/{unknown}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Another_merchant_or_environment_gets_404_and_changes_nothing()
    {
        var tag = CatalogData.Unique("tenant");
        var created = await CreateCustomer(f.A, $"{tag}@example.com", "Owned");
        var path = $"/v1/customers/{created.Str("customer_id")}";

        foreach (var other in new[] { f.B, f.ALive })
        {
            var attempts = new List<(string What, ApiResponse Response)>
            {
                ("get", await other.Get(path)),
                ("patch", await other.Patch(path, """{"name":"Stolen"}""")),
                ("delete", await other.Delete(path)),
                ("orders", await other.Get($"{path}/orders")),
            };
            foreach (var (what, r) in attempts)
            {
                Assert.True(r.Status == 404 && r.ErrorCode == "RESOURCE_NOT_FOUND", $"{what}: {r}");
                Assert.Equal("not_found", r.Body!["error"]!.Str("type"));
            }
            Assert.Empty((await other.Get($"/v1/customers?query={tag}")).Data.AsArray());
        }

        Assert.Equal(created.ToJsonString(), (await Customer(path)).ToJsonString());
    }

    [Fact]
    public async Task Query_matches_a_fragment_of_the_email_or_the_name_case_insensitively()
    {
        var emailTag = CatalogData.Unique("mail");
        var nameTag = CatalogData.Unique("Name");
        var byEmail = await CreateCustomer(f.A, $"{emailTag}@example.com", "Someone");
        var byName = await CreateCustomer(f.A, $"{CatalogData.Unique("other")}@example.com", $"Grace {nameTag}");
        var both = await CreateCustomer(f.A, $"{emailTag}.2@example.com", $"Ada {nameTag}");

        Assert.Equal([both.Str("customer_id"), byEmail.Str("customer_id")], (await f.A.Get($"/v1/customers?query={emailTag.ToUpperInvariant()}")).Ids("customer_id"));
        Assert.Equal([both.Str("customer_id"), byName.Str("customer_id")], (await f.A.Get($"/v1/customers?query={nameTag.ToLowerInvariant()}")).Ids("customer_id"));
        Assert.Equal([byName.Str("customer_id")], (await f.A.Get($"/v1/customers?query={Uri.EscapeDataString($"grace {nameTag}")}")).Ids("customer_id"));
        Assert.Equal([byEmail.Str("customer_id")], (await f.A.Get($"/v1/customers?query={byEmail.Str("customer_id")}")).Ids("customer_id"));
        Assert.Equal([byName.Str("customer_id"), both.Str("customer_id")],
            (await f.A.Get($"/v1/customers?query={nameTag}&sort_by=name&sort_direction=desc")).Ids("customer_id"));

        var listed = (await f.A.Get($"/v1/customers?query={emailTag}")).Data.AsArray();
        // The list item is the same snapshot as GET (key order aside: the projection is jsonb), which also lists subscriptions.
        var one = (await f.A.Get($"/v1/customers/{both.Str("customer_id")}")).Data;
        WithoutSubscriptions(one);
        Assert.True(JsonNode.DeepEquals(one, listed[0]), listed[0]!.ToJsonString());
        var slim = (await f.A.Get($"/v1/customers?query={emailTag}&fields=email")).Data.AsArray()[0]!;
        Assert.Equal(["customer_id", "email"], slim.AsObject().Select(kv => kv.Key).Order());
    }

    [Fact]
    public async Task A_patch_shows_in_the_list_at_once()
    {
        var tag = CatalogData.Unique("moved");
        var created = await CreateCustomer(f.A, name: "Before");
        Assert.Equal(200, (await f.A.Patch($"/v1/customers/{created.Str("customer_id")}", $$"""{"email":"{{tag}}@example.com"}""")).Status);
        Assert.Equal([created.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}")).Ids("customer_id"));
        Assert.Equal(200, (await f.A.Patch($"/v1/customers/{created.Str("customer_id")}", """{"email":""}""")).Status);
        Assert.Empty((await f.A.Get($"/v1/customers?query={tag}")).Data.AsArray());
    }

    [Fact]
    public async Task Walking_the_pages_returns_every_customer_once_in_each_sort_order()
    {
        var tag = CatalogData.Unique("walk");
        var ids = new List<string>();
        // Two customers without a name: they sort before every name, and the walk must not lose them.
        string?[] names = ["Mia", null, "Ben", "Zoe", null, "Ann", "Kai"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
            ids.Add((await CreateCustomer(f.A, $"{tag}.{i}@example.com", name)).Str("customer_id"));

        var newestFirst = await f.A.WalkPages($"/v1/customers?query={tag}&page_size=2", "customer_id");
        Assert.Equal(4, newestFirst.Count);
        Assert.Equal(Enumerable.Reverse(ids), newestFirst.SelectMany(p => p));

        var oldestFirst = await f.A.WalkPages($"/v1/customers?query={tag}&page_size=3&sort_direction=asc", "customer_id");
        Assert.Equal(ids, oldestFirst.SelectMany(p => p));

        var byName = (await f.A.WalkPages($"/v1/customers?query={tag}&page_size=2&sort_by=name&sort_direction=asc", "customer_id")).SelectMany(p => p).ToList();
        var nameless = new[] { ids[1], ids[4] }.Order(StringComparer.Ordinal);
        Assert.Equal([.. nameless, ids[5], ids[2], ids[6], ids[0], ids[3]], byName);

        var byNameDesc = (await f.A.WalkPages($"/v1/customers?query={tag}&page_size=2&sort_by=name", "customer_id")).SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Reverse(byName), byNameDesc);

        Assert.Equal(7, (await f.A.WalkPages($"/v1/customers?query={tag}&page_size=1&sort_by=updated_at", "customer_id")).SelectMany(p => p).Distinct().Count());
    }

    [Fact]
    public async Task Lists_filter_by_creation_time_and_refuse_bad_settings()
    {
        var tag = CatalogData.Unique("time");
        var first = await CreateCustomer(f.A, $"{tag}.1@example.com");
        await Task.Delay(20);
        var second = await CreateCustomer(f.A, $"{tag}.2@example.com");
        await Task.Delay(20);
        var third = await CreateCustomer(f.A, $"{tag}.3@example.com");

        var after = Uri.EscapeDataString(first.Str("created_at"));
        var before = Uri.EscapeDataString(third.Str("created_at"));
        Assert.Equal([third.Str("customer_id"), second.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}&created_after={after}")).Ids("customer_id"));
        Assert.Equal([second.Str("customer_id"), first.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}&created_before={before}")).Ids("customer_id"));
        Assert.Equal([second.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}&created_after={after}&created_before={before}")).Ids("customer_id"));

        (await f.A.Get("/v1/customers?sort_by=email")).AssertError(400, "INVALID_ENUM_VALUE", "sort_by");
        (await f.A.Get("/v1/customers?created_after=yesterday")).AssertError(400, "INVALID_TIMESTAMP", "created_after");
        (await f.A.Get("/v1/customers?page_size=101")).AssertError(400, "INVALID_PAGE_SIZE", "page_size");
        var page = await f.A.Get($"/v1/customers?query={tag}&page_size=1");
        var token = Uri.EscapeDataString(page.Body!["next_page_token"]!.GetValue<string>());
        (await f.A.Get($"/v1/customers?query={tag}&page_size=1&sort_by=name&page_token={token}")).AssertError(400, "INVALID_PAGE_TOKEN");
    }

    [Fact]
    public async Task Creating_twice_with_one_idempotency_key_creates_one_customer()
    {
        var tag = CatalogData.Unique("once");
        var key = Key();
        var body = $$"""{"email":"{{tag}}@example.com","name":"Once"}""";

        var first = await f.A.Post("/v1/customers", body, key);
        var second = await f.A.Post("/v1/customers", body, key);

        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal([first.Data.Str("customer_id")], (await f.A.Get($"/v1/customers?query={tag}")).Ids("customer_id"));
        (await f.A.Post("/v1/customers", $$"""{"email":"{{tag}}@example.com","name":"Twice"}""", key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task Every_change_records_an_event_with_the_customer_snapshot()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("CustomerEvents"));
        var created = await CreateCustomer(api, "lin@example.com", "Lin");
        var path = $"/v1/customers/{created.Str("customer_id")}";
        Assert.Equal(200, (await api.Patch(path, """{"phone":"+49 30 1234"}""")).Status);
        Assert.Equal(200, (await api.Delete(path)).Status);

        var events = (await api.Get("/v1/events")).Data.AsArray();

        Assert.Equal(["customer.deleted", "customer.updated", "customer.created"], events.Select(e => e!.Str("type")));
        Assert.All(events, e => Assert.Equal(created.Str("customer_id"), e!["data"]!["object"]!.Str("customer_id")));
        Assert.True(events[0]!["data"]!["object"]!.Bool("deleted"));
        Assert.Equal("+49 30 1234", events[1]!["data"]!["object"]!.Str("phone"));
        Assert.Equal("lin@example.com", events[2]!["data"]!["object"]!.Str("email"));
    }

    [Fact]
    public async Task A_new_customer_has_an_empty_order_history()
    {
        var created = await CreateCustomer(f.A, name: "Newcomer");

        var r = await f.A.Get($"/v1/customers/{created.Str("customer_id")}/orders");

        Assert.Equal(200, r.Status);
        Assert.Empty(r.Data.AsArray());
        Assert.Null(r.Body!["next_page_token"]);
        (await f.A.Get($"/v1/customers/{created.Str("customer_id")}/orders?sort_by=name")).AssertError(400, "INVALID_ENUM_VALUE", "sort_by");
    }

    private static async Task<string> CreateOrder(ApiClient api, string customerId)
    {
        var r = await api.Post("/v1/orders", $$"""
            {"customer_id":"{{customerId}}","line_items":[{"name":"Tea","quantity":1,"unit_price_money":{"amount":300,"currency":"USD"} }]}
            """);
        Assert.True(r.Status == 201, $"creating an order failed: {r}");
        Assert.Equal(customerId, r.Data.Str("customer_id"));
        return r.Data.Str("order_id");
    }

    [Fact]
    public async Task The_order_history_lists_the_customers_orders_newest_first_in_pages()
    {
        var customer = (await CreateCustomer(f.A, name: "Regular")).Str("customer_id");
        var other = (await CreateCustomer(f.A, name: "Other")).Str("customer_id");
        var first = await CreateOrder(f.A, customer);
        await CreateOrder(f.A, other);
        var second = await CreateOrder(f.A, customer);
        var third = await CreateOrder(f.A, customer);

        var history = await f.A.Get($"/v1/customers/{customer}/orders");
        Assert.Equal(200, history.Status);
        Assert.Equal([third, second, first], history.Ids("order_id"));
        Assert.All(history.Data.AsArray(), o => Assert.Equal(customer, o!.Str("customer_id")));
        Assert.Equal([[third, second], [first]], await f.A.WalkPages($"/v1/customers/{customer}/orders?page_size=2", "order_id"));
        Assert.Equal([first, second, third], (await f.A.Get($"/v1/customers/{customer}/orders?sort_direction=asc")).Ids("order_id"));
        (await f.B.Get($"/v1/customers/{customer}/orders")).AssertError(404, "RESOURCE_NOT_FOUND");

        // Linking checks the customer: unknown and deleted ones are refused.
        (await f.A.Post("/v1/orders", $$"""{"customer_id":"{{CatalogData.UnknownId("cus")}}","currency":"USD"}"""))
            .AssertError(400, "INVALID_CUSTOMER", "customer_id");
        Assert.Equal(200, (await f.A.Delete($"/v1/customers/{other}")).Status);
        (await f.A.Post("/v1/orders", $$"""{"customer_id":"{{other}}","currency":"USD"}""")).AssertError(400, "INVALID_CUSTOMER", "customer_id");
    }

    /// <summary>GET of the customer as its grain answers it (without the subscriptions GET adds).</summary>
    private async Task<JsonNode> Customer(string path)
    {
        var get = await f.A.Get(path);
        Assert.True(get.Status == 200, get.ToString());
        WithoutSubscriptions(get.Data);
        return get.Data;
    }

    /// <summary>Takes GET's subscriptions out of the customer (leaving what the grain answers) and returns them.</summary>
    private static JsonNode? WithoutSubscriptions(JsonNode customer)
    {
        var subscriptions = customer["subscriptions"];
        Assert.True(customer.AsObject().Remove("subscriptions"), $"no subscriptions in {customer.ToJsonString()}");
        return subscriptions;
    }
}
