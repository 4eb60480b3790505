using System.Net;
using Flint.Api.Tests.Checkout;
using Flint.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Flint.Api.Tests.Users;

/// <summary>The Data Protection key ring lives in PostgreSQL: a form or a session cookie made by one silo is read by
/// another silo of the same database and by a silo started later, and by no host of another database.</summary>
[Collection(ApiCollection.Name)]
public sealed class SignInAcrossSilosTests(ApiFixture f)
{
    /// <summary>A browser on one host, sharing its cookie jar with the other hosts' browsers.</summary>
    private static HttpClient Browser(FlintTestHost host, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = host.BaseAddress };

    /// <summary>The jar's cookies for <paramref name="from"/>, offered to <paramref name="to"/> as well (a browser keeps
    /// cookies per host, and these hosts differ only in their port).</summary>
    private static void Share(CookieContainer cookies, FlintTestHost from, FlintTestHost to) =>
        cookies.Add(to.BaseAddress, cookies.GetCookies(from.BaseAddress));

    [Fact]
    public async Task A_form_and_a_session_from_one_silo_work_on_another_and_after_a_restart_but_not_on_another_database()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var first = await FlintTestHost.StartAsync(db, clusterId: "keys");
        await using var second = await FlintTestHost.StartAsync(db, clusterId: "keys");
        var email = UserData.NewEmail("silos");
        var created = await new ApiClient(first.Client, FlintTestHost.AdminToken)
            .Post("/v1/merchants", $$"""{"name":"Two silos","email":"{{email}}","password":"{{UserData.Password}}"}""");
        Assert.True(created.Status == 201, created.ToString());
        var cookies = new CookieContainer();
        using var viaFirst = Browser(first, cookies);
        using var viaSecond = Browser(second, cookies);

        // The form (its antiforgery token and cookie) comes from the first silo and is posted to the second.
        var form = await (await viaFirst.GetAsync("/login?return_url=%2Flogin%2Fdone")).Content.ReadAsStringAsync();
        Share(cookies, first, second);
        var signedIn = await CheckoutForms.Submit(viaSecond, form, "/login", new() { ["email"] = email, ["password"] = UserData.Password });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/login/done", signedIn.Headers.Location!.OriginalString);

        // The session the second silo made is read by the first.
        Share(cookies, second, first);
        var done = await viaFirst.GetAsync("/login/done");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains($"Signed in as {email}.", await done.Content.ReadAsStringAsync());
        Assert.Equal(1L, await KeyRows(db));

        // Both stop; a silo started afterwards on the same database still reads the session.
        await first.StopAsync();
        await second.StopAsync();
        await using var later = await FlintTestHost.StartAsync(db, clusterId: "keys");
        using var viaLater = Browser(later, cookies);
        Share(cookies, first, later);
        var afterRestart = await viaLater.GetAsync("/login/done");
        Assert.Equal(HttpStatusCode.OK, afterRestart.StatusCode);
        Assert.Contains($"Signed in as {email}.", await afterRestart.Content.ReadAsStringAsync());
        Assert.Equal(1L, await KeyRows(db));

        // A host of another database has a key ring of its own: the cookie means nothing there (were the keys in a
        // file of this machine, as ASP.NET Core's default is, every host in this process would read it).
        using var elsewhere = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = f.Host.BaseAddress,
        };
        cookies.Add(f.Host.BaseAddress, cookies.GetCookies(later.BaseAddress));
        var refused = await elsewhere.GetAsync("/login/done");
        Assert.Equal(HttpStatusCode.SeeOther, refused.StatusCode);
        Assert.Equal("/login", refused.Headers.Location!.OriginalString);
    }

    private static async Task<long> KeyRows(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM flint_data_protection_keys WHERE friendly_name LIKE 'key-%'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

[Collection(ApiCollection.Name)]
public sealed class DataProtectionStartTests(ApiFixture f)
{
    [Fact]
    public void Data_Protection_loads_its_key_ring_only_after_the_silo_has_applied_the_schema()
    {
        // Hosted services start in registration order; Data Protection's reads flint_data_protection_keys as it starts,
        // a table the silo's start creates on a new database.
        var order = f.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(s => s.GetType().Name).ToList();
        var silo = order.FindIndex(n => n.Contains("Silo", StringComparison.Ordinal));
        var keyRing = order.IndexOf("DataProtectionHostedService");
        Assert.True(silo >= 0 && keyRing > silo, $"hosted services in start order: {string.Join(", ", order)}");
    }
}
