using System.Net;
using System.Text.RegularExpressions;
using Flint.Api.Tests.Checkout;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Users;

/// <summary>Dashboard users for the tests: unique emails (one user per email across the shared database), a merchant
/// with an owner, and the sign-in form posted as a browser without JavaScript posts it.</summary>
internal static partial class UserData
{
    public const string Password = "correct horse battery";

    /// <summary>The first bytes of a hash in ASP.NET Core Identity's v3 format as Flint makes it: format 0x01,
    /// PRF 2 (HMAC-SHA512), 100,000 iterations (big-endian).</summary>
    public static readonly byte[] CurrentHashHeader = [0x01, 0, 0, 0, 2, 0x00, 0x01, 0x86, 0xA0];

    public static string NewEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>POST /v1/users; asserts the 201 and returns the user's id.</summary>
    public static async Task<string> AddUser(this ApiClient api, string email, string password = Password)
    {
        var r = await api.Post("/v1/users", $$"""{"email":"{{email}}","password":"{{password}}"}""");
        Assert.True(r.Status == 201, $"adding a user failed: {r}");
        return r.Data.Str("user_id");
    }

    /// <summary>GET /login, then its form posted with these credentials (the page's hidden fields included).</summary>
    public static async Task<HttpResponseMessage> SignIn(HttpClient browser, string email, string password, string? returnUrl = null)
    {
        var page = await browser.GetAsync(returnUrl is null ? "/login" : "/login?return_url=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await CheckoutForms.Submit(browser, await page.Content.ReadAsStringAsync(), "/login",
            new() { ["email"] = email, ["password"] = password });
    }

    /// <summary>The text of the page's alert region, or null.</summary>
    public static string? Alert(string html) =>
        AlertPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>The user's row as the lockout sees it.</summary>
    public static async Task<(int FailedSignIns, DateTimeOffset? LockedUntil, DateTimeOffset? RemovedAt, string PasswordHash)> Row(string connectionString, string userId)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT failed_sign_ins, locked_until, removed_at, password_hash FROM flint_users WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", userId);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"no row for {userId}");
        return (r.GetInt32(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.GetString(3));
    }

    public static async Task Execute(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("""<p class="error" role="alert" id="error">([^<]*)</p>""")]
    private static partial Regex AlertPattern();
}
