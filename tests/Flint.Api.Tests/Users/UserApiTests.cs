using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Users;

/// <summary>/v1/users and the owner made with a merchant: a merchant's dashboard users, merchant-wide, one per email
/// across Flint, never showing a password or its hash.</summary>
[Collection(ApiCollection.Name)]
public sealed class UserApiTests(ApiFixture f)
{
    [Fact]
    public async Task Adding_a_user_answers_its_id_normalized_email_and_time_and_stores_only_a_salted_hash()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var email = UserData.NewEmail("Ada");
        var r = await api.Post("/v1/users", $$"""{"email":"  {{email.ToUpperInvariant()}} ","password":"{{UserData.Password}}"}""");

        Assert.Equal(201, r.Status);
        var user = r.Data.AsObject();
        Assert.Equal(["created_at", "email", "user_id"], user.Select(p => p.Key).Order());
        Assert.StartsWith("usr_", user.Str("user_id"));
        Assert.Equal(email.ToLowerInvariant(), user.Str("email"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", user.Str("created_at"));
        Assert.DoesNotContain("password", r.Raw);

        var row = await UserData.Row(f.ConnectionString, user.Str("user_id"));
        // Identity's v3 format; two users with one password get two hashes (each has its own salt).
        Assert.Equal(UserData.CurrentHashHeader, Convert.FromBase64String(row.PasswordHash)[..9]);
        Assert.DoesNotContain(UserData.Password, row.PasswordHash);
        var other = await api.AddUser(UserData.NewEmail("Grace"));
        Assert.NotEqual(row.PasswordHash, (await UserData.Row(f.ConnectionString, other)).PasswordHash);
        Assert.Equal((0, (DateTimeOffset?)null, (DateTimeOffset?)null), (row.FailedSignIns, row.LockedUntil, row.RemovedAt));
    }

    [Fact]
    public async Task Users_are_the_merchants_in_both_environments_listed_newest_first_and_a_removed_user_leaves_the_list()
    {
        var (test, live, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var first = await test.AddUser(UserData.NewEmail("first"));
        var second = await live.AddUser(UserData.NewEmail("second"));
        var third = await test.AddUser(UserData.NewEmail("third"));

        foreach (var api in new[] { test, live })
        {
            var list = await api.Get("/v1/users");
            Assert.Equal(200, list.Status);
            Assert.Equal([third, second, first], list.Data.AsArray().Select(u => u!.Str("user_id")));
            Assert.Null(list.Body!["next_page_token"]);
            Assert.DoesNotContain("password", list.Raw);
        }

        var removed = await live.Delete($"/v1/users/{first}");
        Assert.Equal(200, removed.Status);
        Assert.Equal(first, removed.Data.Str("user_id"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", removed.Data.Str("removed_at"));
        Assert.Equal([third, second], (await test.Get("/v1/users")).Data.AsArray().Select(u => u!.Str("user_id")));
        (await test.Delete($"/v1/users/{first}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task Another_merchants_user_is_not_found_and_stays()
    {
        var (a, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var (b, bLive, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var user = await a.AddUser(UserData.NewEmail());

        (await b.Delete($"/v1/users/{user}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await bLive.Delete($"/v1/users/{user}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Empty((await b.Get("/v1/users")).Data.AsArray());
        (await a.Delete("/v1/users/usr_01JZZZZZZZZZZZZZZZZZZZZZZZ")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Delete("/v1/users/cus_01JZZZZZZZZZZZZZZZZZZZZZZZ")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await a.Delete("/v1/users/nope")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Equal([user], (await a.Get("/v1/users")).Data.AsArray().Select(u => u!.Str("user_id")));
        Assert.Null((await UserData.Row(f.ConnectionString, user)).RemovedAt);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "{}", "MISSING_REQUIRED_FIELD", "email" },
        { """{"email":"ada@example.com"}""", "MISSING_REQUIRED_FIELD", "password" },
        { """{"password":"correct horse battery"}""", "MISSING_REQUIRED_FIELD", "email" },
        { """{"email":"ada.example.com","password":"correct horse battery"}""", "INVALID_FIELD", "email" },
        { """{"email":"ada@home@example.com","password":"correct horse battery"}""", "INVALID_FIELD", "email" },
        { """{"email":"a@","password":"correct horse battery"}""", "INVALID_FIELD", "email" },
        { $$"""{"email":"{{new string('a', 243)}}@example.com","password":"correct horse battery"}""", "INVALID_FIELD", "email" },
        { """{"email":"ada@example.com","password":"123456789"}""", "INVALID_FIELD", "password" },
        { $$"""{"email":"ada@example.com","password":"{{new string('p', 129)}}"}""", "INVALID_FIELD", "password" },
        { """{"email":"ada@example.com","password":"correct horse battery","role":"admin"}""", "UNKNOWN_FIELD", "role" },
        { """{"email":42,"password":"correct horse battery"}""", "INVALID_FIELD_TYPE", "email" },
        { """{"email":"ada@example.com","password":null}""", "MISSING_REQUIRED_FIELD", "password" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_400_naming_the_field_and_adds_nobody(string body, string code, string param)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        (await api.Post("/v1/users", body)).AssertError(400, code, param);
        Assert.Empty((await api.Get("/v1/users")).Data.AsArray());
    }

    [Fact]
    public async Task Users_need_a_merchant_key_not_the_admin_token_or_nothing()
    {
        var body = $$"""{"email":"{{UserData.NewEmail()}}","password":"{{UserData.Password}}"}""";
        (await f.Anonymous.Post("/v1/users", body)).AssertError(401, "UNAUTHENTICATED");
        (await f.Admin.Post("/v1/users", body)).AssertError(401, "UNAUTHENTICATED");
        (await f.Admin.Get("/v1/users")).AssertError(401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task An_email_belongs_to_one_active_user_across_Flint_and_is_free_again_once_removed()
    {
        var (a, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var (b, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var email = UserData.NewEmail("shared");
        var user = await a.AddUser(email);

        (await b.Post("/v1/users", $$"""{"email":"{{email.ToUpperInvariant()}}","password":"{{UserData.Password}}"}""")).AssertError(409, "EMAIL_TAKEN", "email");
        (await a.Post("/v1/users", $$"""{"email":"{{email}}","password":"another password"}""")).AssertError(409, "EMAIL_TAKEN", "email");
        Assert.Empty((await b.Get("/v1/users")).Data.AsArray());

        Assert.Equal(200, (await a.Delete($"/v1/users/{user}")).Status);
        var again = await b.AddUser(email);
        Assert.NotEqual(user, again);
        Assert.Equal([again], (await b.Get("/v1/users")).Data.AsArray().Select(u => u!.Str("user_id")));
    }

    [Fact]
    public async Task Concurrent_adds_of_one_email_make_exactly_one_user()
    {
        var merchants = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => f.NewMerchant(CatalogData.Unique("Race"))));
        var email = UserData.NewEmail("race");
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            merchants[i % 3].Test.Post("/v1/users", $$"""{"email":"{{email}}","password":"{{UserData.Password}}"}""")));

        Assert.Equal(1, answers.Count(r => r.Status == 201));
        Assert.All(answers.Where(r => r.Status != 201), r => r.AssertError(409, "EMAIL_TAKEN", "email"));
        var listed = (await Task.WhenAll(merchants.Select(m => m.Test.Get("/v1/users")))).Sum(l => l.Data.AsArray().Count);
        Assert.Equal(1, listed);
    }

    [Fact]
    public async Task A_merchant_created_with_an_owner_has_that_user_in_both_environments()
    {
        var email = UserData.NewEmail("Owner");
        var r = await f.Admin.Post("/v1/merchants", $$"""{"name":"Owned shop","email":"{{email}}","password":"{{UserData.Password}}"}""");

        Assert.Equal(201, r.Status);
        var owner = r.Data.Str("owner_user_id");
        Assert.StartsWith("usr_", owner);
        Assert.DoesNotContain("password", r.Raw);
        foreach (var key in new[] { r.Data["api_keys"]!.Str("test"), r.Data["api_keys"]!.Str("live") })
        {
            var users = (await f.With(key).Get("/v1/users")).Data.AsArray();
            var only = Assert.Single(users)!;
            Assert.Equal((owner, email.ToLowerInvariant()), (only.Str("user_id"), only.Str("email")));
        }
    }

    [Fact]
    public async Task A_merchant_without_an_owner_answers_owner_user_id_null()
    {
        var r = await f.Admin.Post("/v1/merchants", """{"name":"No owner"}""");
        Assert.Equal(201, r.Status);
        Assert.True(r.Data.AsObject().ContainsKey("owner_user_id"));
        Assert.Null(r.Data["owner_user_id"]);
        Assert.Empty((await f.With(r.Data["api_keys"]!.Str("test")).Get("/v1/users")).Data.AsArray());
    }

    [Theory]
    [InlineData("""{"name":"Half owner","email":"half@example.com"}""", "MISSING_REQUIRED_FIELD", "password")]
    [InlineData("""{"name":"Half owner","password":"correct horse battery"}""", "MISSING_REQUIRED_FIELD", "email")]
    [InlineData("""{"name":"Half owner","email":"half@example.com","password":"short"}""", "INVALID_FIELD", "password")]
    [InlineData("""{"name":"Half owner","email":"half","password":"correct horse battery"}""", "INVALID_FIELD", "email")]
    public async Task An_owner_needs_both_a_valid_email_and_password_and_otherwise_no_merchant_is_made(string body, string code, string param)
    {
        var before = await MerchantsNamed("Half owner");
        (await f.Admin.Post("/v1/merchants", body)).AssertError(400, code, param);
        Assert.Equal(before, await MerchantsNamed("Half owner"));
    }

    [Fact]
    public async Task A_merchant_whose_owner_email_is_taken_is_not_made_at_all()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Users"));
        var email = UserData.NewEmail("taken");
        await api.AddUser(email);
        var name = CatalogData.Unique("Taken owner");

        (await f.Admin.Post("/v1/merchants", $$"""{"name":"{{name}}","email":"{{email}}","password":"{{UserData.Password}}"}""")).AssertError(409, "EMAIL_TAKEN", "email");
        Assert.Equal(0L, await MerchantsNamed(name));
    }

    private async Task<long> MerchantsNamed(string name)
    {
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM flint_merchants WHERE name = @n", conn);
        cmd.Parameters.AddWithValue("n", name);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_user_endpoints()
    {
        var doc = JsonNode.Parse(await f.Host.Client.GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!;
        Assert.NotNull(paths["/v1/users"]!["post"]!["requestBody"]);
        Assert.Equal("Users", paths["/v1/users"]!["get"]!["tags"]![0]!.GetValue<string>());
        Assert.NotNull(paths["/v1/users/{user_id}"]!["delete"]);
        Assert.Null(paths["/login"]);
    }
}
