using System.Net;
using Flint.Api.Tests.Checkout;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flint.Api.Tests.Users;

/// <summary>GET/POST /login, the session cookie, lockout, removal and sign-out, over plain HTTP as a browser without
/// JavaScript sends them (SignInBrowserTests drives the page in Chromium).</summary>
[Collection(ApiCollection.Name)]
public sealed class SignInPageTests(ApiFixture f)
{
    private async Task<(ApiClient Api, string UserId, string Email)> User()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("SignIn"));
        var email = UserData.NewEmail("signin");
        return (api, await api.AddUser(email), email);
    }

    private HttpClient Browser() => CheckoutForms.Browser(f.Host.BaseAddress);

    private static string? SessionCookie(HttpResponseMessage r) =>
        r.Headers.TryGetValues("Set-Cookie", out var values) ? values.SingleOrDefault(v => v.StartsWith(SignIn.CookieName + "=", StringComparison.Ordinal)) : null;

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Lax_session_cookie_and_goes_to_the_return_url()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();

        var page = await browser.GetAsync("/login?return_url=" + Uri.EscapeDataString("/login/done?from=oauth&x=<1>"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(page.Headers.CacheControl!.NoStore);
        Assert.Contains("""<input type="hidden" name="return_url" value="/login/done?from=oauth&amp;x=&lt;1&gt;">""", html);
        Assert.Contains("""<input type="hidden" name="csrf" value=""", html);
        Assert.Contains("""<label for="password">Password</label>""", html);
        Assert.Contains("""<link rel="stylesheet" href="/assets/pages.css">""", html);
        Assert.DoesNotContain("<script", html);

        var signedIn = await CheckoutForms.Submit(browser, html, "/login", new() { ["email"] = email.ToUpperInvariant(), ["password"] = UserData.Password });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/login/done?from=oauth&x=<1>", signedIn.Headers.Location!.OriginalString);
        var cookie = SessionCookie(signedIn) ?? throw new InvalidOperationException("no session cookie");
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).Order().ToList();
        // A browser-session cookie (no expires): HttpOnly, SameSite=Lax, for the whole site; Secure only over https.
        Assert.Equal(["httponly", "path=/", "samesite=lax"], attributes);

        var done = await browser.GetAsync("/login/done");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains($"""<p id="signed-in-as">Signed in as {email.ToLowerInvariant()}.</p>""", await done.Content.ReadAsStringAsync());
        var row = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal((0, (DateTimeOffset?)null), (row.FailedSignIns, row.LockedUntil));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    [InlineData("/\t/evil.example/steal")]
    [InlineData("https:evil.example")]
    [InlineData("evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task A_return_url_off_this_site_is_never_followed(string returnUrl)
    {
        var (_, _, email) = await User();
        using var browser = Browser();
        var page = await browser.GetAsync("/login?return_url=" + Uri.EscapeDataString(returnUrl));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("""<input type="hidden" name="return_url" value="">""", html);

        // Even posted by hand, the field is not followed.
        var signedIn = await CheckoutForms.Submit(browser, html, "/login",
            new() { ["email"] = email, ["password"] = UserData.Password, ["return_url"] = returnUrl });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/login/done", signedIn.Headers.Location!.OriginalString);
        Assert.Equal("/login", SignIn.LoginUrl(returnUrl));
    }

    [Fact]
    public async Task The_login_url_carries_a_local_return_path_through_the_form()
    {
        var back = "/oauth/authorize?client_id=app_1&state=a%20b";
        var url = SignIn.LoginUrl(back);
        Assert.Equal("/login?return_url=%2Foauth%2Fauthorize%3Fclient_id%3Dapp_1%26state%3Da%2520b", url);
        using var browser = Browser();
        var html = await (await browser.GetAsync(url)).Content.ReadAsStringAsync();
        Assert.Contains("""<input type="hidden" name="return_url" value="/oauth/authorize?client_id=app_1&amp;state=a%20b">""", html);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer_and_no_session()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();

        var wrong = await UserData.SignIn(browser, email, "not the password");
        var unknown = await UserData.SignIn(browser, UserData.NewEmail("nobody"), UserData.Password);
        var malformed = await UserData.SignIn(browser, "<script>alert(1)</script>", UserData.Password);
        foreach (var r in new[] { wrong, unknown, malformed })
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var html = await r.Content.ReadAsStringAsync();
            Assert.Equal(SignInPages.WrongCredentials, UserData.Alert(html));
            Assert.Equal("Email or password is wrong.", UserData.Alert(html));
            Assert.DoesNotContain("<script>", html);
            Assert.Null(SessionCookie(r));
        }
        Assert.Contains($"""value="{email}">""", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("""value="&lt;script&gt;alert(1)&lt;/script&gt;">""", await malformed.Content.ReadAsStringAsync());
        Assert.Equal(1, (await UserData.Row(f.ConnectionString, userId)).FailedSignIns);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/login/done")).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_user_and_then_even_the_right_one_is_refused_until_the_lock_ends()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();

        for (var i = 1; i <= 4; i++)
        {
            var wrong = await UserData.SignIn(browser, email, $"wrong password {i}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal(SignInPages.WrongCredentials, UserData.Alert(await wrong.Content.ReadAsStringAsync()));
            Assert.Equal(i, (await UserData.Row(f.ConnectionString, userId)).FailedSignIns);
        }
        var before = DateTimeOffset.UtcNow;
        var fifth = await UserData.SignIn(browser, email, "wrong password 5");
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal("Too many attempts. Try again in a few minutes.", UserData.Alert(await fifth.Content.ReadAsStringAsync()));
        Assert.InRange(fifth.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 290, 300);
        var locked = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal(0, locked.FailedSignIns);
        Assert.InRange(locked.LockedUntil!.Value, before.AddMinutes(5).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));

        var right = await UserData.SignIn(browser, email, UserData.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(SignInPages.TooManyAttempts, UserData.Alert(await right.Content.ReadAsStringAsync()));
        Assert.Null(SessionCookie(right));
        // Attempts while locked are not counted and do not extend the lock.
        var still = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal((0, locked.LockedUntil), (still.FailedSignIns, still.LockedUntil));

        // Five minutes later (the lock moved into the past): the right password works and clears the lock.
        await UserData.Execute(f.ConnectionString, "UPDATE flint_users SET locked_until = now() - interval '1 second' WHERE id = @id", ("id", userId));
        var after = await UserData.SignIn(browser, email, UserData.Password, returnUrl: "/login/done");
        Assert.Equal(HttpStatusCode.SeeOther, after.StatusCode);
        Assert.NotNull(SessionCookie(after));
        var cleared = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal((0, (DateTimeOffset?)null), (cleared.FailedSignIns, cleared.LockedUntil));
    }

    [Fact]
    public async Task A_successful_sign_in_starts_the_count_of_wrong_passwords_again()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.BadRequest, (await UserData.SignIn(browser, email, "nope nope nope")).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);
        Assert.Equal(0, (await UserData.Row(f.ConnectionString, userId)).FailedSignIns);

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.BadRequest, (await UserData.SignIn(browser, email, "nope nope nope")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await UserData.SignIn(browser, email, "nope nope nope")).StatusCode);
    }

    [Fact]
    public async Task Twenty_concurrent_wrong_passwords_lock_the_user_with_each_failure_counted_once()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();
        var html = await (await browser.GetAsync("/login")).Content.ReadAsStringAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            CheckoutForms.Submit(browser, html, "/login", new() { ["email"] = email, ["password"] = $"wrong password {i}" })));

        // Exactly five failures counted: four answered "wrong", the fifth locked; the other fifteen met the lock.
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(16, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        var row = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal(0, row.FailedSignIns);
        Assert.InRange(row.LockedUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);
    }

    [Fact]
    public async Task A_removed_users_session_stops_working_and_the_user_cannot_sign_in_again()
    {
        var (api, userId, email) = await User();
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/login/done")).StatusCode);

        Assert.Equal(200, (await api.Delete($"/v1/users/{userId}")).Status);
        var after = await browser.GetAsync("/login/done");
        Assert.Equal(HttpStatusCode.SeeOther, after.StatusCode);
        Assert.Equal("/login", after.Headers.Location!.OriginalString);
        // The refused cookie is deleted.
        Assert.Contains("expires=Thu, 01 Jan 1970", SessionCookie(after)!);

        var again = await UserData.SignIn(browser, email, UserData.Password);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(SignInPages.WrongCredentials, UserData.Alert(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Signing_out_needs_the_forms_token_and_ends_the_session()
    {
        var (_, _, email) = await User();
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);

        var forged = await browser.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(SessionCookie(forged));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/login/done")).StatusCode);

        var page = await (await browser.GetAsync("/logout")).Content.ReadAsStringAsync();
        var signedOut = await CheckoutForms.Submit(browser, page, "/logout", new());
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("<h1>Signed out</h1>", await signedOut.Content.ReadAsStringAsync());
        Assert.Contains("expires=Thu, 01 Jan 1970", SessionCookie(signedOut)!);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/login/done")).StatusCode);
    }

    [Fact]
    public async Task A_login_form_without_its_token_is_refused_and_shown_again()
    {
        var (_, userId, email) = await User();
        using var browser = Browser();
        var r = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["password"] = UserData.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("This form has expired. Try again.", UserData.Alert(await r.Content.ReadAsStringAsync()));
        Assert.Null(SessionCookie(r));
        Assert.Equal(0, (await UserData.Row(f.ConnectionString, userId)).FailedSignIns);
    }

    [Fact]
    public async Task The_session_cookie_never_authenticates_the_v1_api()
    {
        var (_, _, email) = await User();
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);

        var api = await browser.GetAsync("/v1/users");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("\"UNAUTHENTICATED\"", await api.Content.ReadAsStringAsync());
        // No default scheme: the host's automatic authentication step reads no cookie, on any path.
        var schemes = f.Host.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.NotNull(await schemes.GetSchemeAsync(SignIn.Scheme));
    }

    [Fact]
    public async Task A_hash_made_with_an_older_format_is_replaced_at_the_next_sign_in()
    {
        var (_, userId, email) = await User();
        var old = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }))
            .HashPassword(new object(), UserData.Password);
        Assert.Equal(0x00, Convert.FromBase64String(old)[0]); // Identity v2: PBKDF2-HMAC-SHA1, 1,000 iterations
        await UserData.Execute(f.ConnectionString, "UPDATE flint_users SET password_hash = @h WHERE id = @id", ("h", old), ("id", userId));

        using var browser = Browser();
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);
        var rehashed = (await UserData.Row(f.ConnectionString, userId)).PasswordHash;
        Assert.Equal(UserData.CurrentHashHeader, Convert.FromBase64String(rehashed)[..9]);
        Assert.Equal(HttpStatusCode.SeeOther, (await UserData.SignIn(browser, email, UserData.Password)).StatusCode);
        Assert.Equal(rehashed, (await UserData.Row(f.ConnectionString, userId)).PasswordHash);
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/oauth/authorize?client_id=app_1&state=a%20b", true)]
    [InlineData("/caf\u00e9", false)]
    [InlineData("/a b", false)]
    [InlineData("", false)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/ok\\but-not", false)]
    [InlineData("/\n/evil.example", false)]
    [InlineData("https://evil.example", false)]
    public void Only_paths_on_this_site_are_local(string url, bool local) => Assert.Equal(local, SignIn.IsLocalPath(url));
}
