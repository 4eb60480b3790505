using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Flint.Api.Tests.Browser;

/// <summary>Headless Chromium for tests of the pages Flint serves. One browser process for the whole test run
/// (started by the first class that asks for it, closed when the test process exits); each test opens its own
/// <see cref="BrowserPage"/>, a fresh context (cookies, storage) and page. Use it as a class fixture next to the
/// API collection: <c>[Collection(ApiCollection.Name)] class X(ApiFixture f, BrowserFixture b) : IClassFixture&lt;BrowserFixture&gt;</c>.
/// The browser is Debian's <c>/usr/bin/chromium</c> (or <c>FLINT_CHROMIUM</c>), driven by Playwright's node driver
/// from the NuGet package; Playwright's own browser download is never used. Without Chromium the tests fail with
/// a message saying how to install it; they are not skipped.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Screenshots land here: <c>TestResults/screenshots/</c> at the repository root (emptied at the first
    /// browser start of a run), or <c>FLINT_SCREENSHOTS</c>.</summary>
    public static string ScreenshotDirectory => SharedBrowser.ScreenshotDirectory;

    private IBrowser _browser = null!;

    public async Task InitializeAsync() => _browser = await SharedBrowser.Get();

    public Task DisposeAsync() => Task.CompletedTask; // the process is shared by the run; see SharedBrowser

    /// <summary>A fresh context and page. Relative URLs given to <see cref="BrowserPage.Open"/> resolve against
    /// <paramref name="baseAddress"/> (e.g. <c>f.Host.BaseAddress</c>). Screenshots are named after the calling test:
    /// <c>&lt;test file&gt;.&lt;test method&gt;.&lt;name&gt;.png</c>. Dispose it (<c>await using</c>): that saves a
    /// last screenshot (<c>….end.png</c>, the page as the test left it, also when an assertion failed) and closes
    /// the context.</summary>
    public async Task<BrowserPage> NewPage(Uri? baseAddress = null, int width = 1280, int height = 800,
        [CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress?.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserPage(context, page, $"{Path.GetFileNameWithoutExtension(file)}.{test}");
    }
}

/// <summary>One test's page. The methods wait as Playwright does (up to 20 s for an element, 30 s for a
/// navigation) and fail with Playwright's message naming what was looked for. <see cref="Page"/> is the raw
/// Playwright page for anything else.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _prefix;
    private readonly List<string> _errors = [];
    private bool _disposed;

    internal BrowserPage(IBrowserContext context, IPage page, string prefix)
    {
        _context = context;
        Page = page;
        _prefix = prefix;
        page.Console += (_, m) =>
        {
            if (m.Type != "error" || m.Location.Contains("/favicon.ico")) return; // Chromium asks every host for one
            lock (_errors) _errors.Add($"console: {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) => { lock (_errors) _errors.Add($"page error: {e}"); };
    }

    public IPage Page { get; }

    /// <summary>The page's current address.</summary>
    public string Url => Page.Url;

    /// <summary>Errors the page's scripts threw or logged with console.error since it was opened.</summary>
    public IReadOnlyList<string> Errors { get { lock (_errors) return [.. _errors]; } }

    /// <summary>Goes to <paramref name="url"/> (absolute, or relative to the base address) and waits for its load
    /// event; fails (<see cref="InvalidOperationException"/>) when it cannot be loaded or answers 400 or more.</summary>
    public async Task Open(string url)
    {
        IResponse? response;
        try { response = await Page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load }); }
        catch (PlaywrightException e) { throw new InvalidOperationException($"GET {url} failed in Chromium: {e.Message}", e); }
        if (response is not null && response.Status >= 400)
            throw new InvalidOperationException($"GET {response.Url} answered {response.Status} {response.StatusText}");
    }

    /// <summary>The field whose label (exact text, <c>&lt;label&gt;</c> or aria-label) or <c>name</c> attribute is
    /// <paramref name="labelOrName"/>.</summary>
    public ILocator Field(string labelOrName) =>
        Page.GetByLabel(labelOrName, new PageGetByLabelOptions { Exact = true })
            .Or(Page.Locator($"[name=\"{CssString(labelOrName)}\"]"));

    /// <summary>Types <paramref name="value"/> into the field with that label or name (replacing what it held).</summary>
    public Task Fill(string labelOrName, string value) => Field(labelOrName).FillAsync(value);

    /// <summary>The button (a <c>&lt;button&gt;</c>, an input of type submit/button, or role=button) whose text is
    /// exactly <paramref name="text"/>.</summary>
    public ILocator Button(string text) =>
        Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = text, Exact = true });

    /// <summary>Clicks the button whose text is <paramref name="text"/>; follow with <see cref="WaitForUrl(string)"/>
    /// when the click navigates.</summary>
    public Task Click(string text) => Button(text).ClickAsync();

    /// <summary>The visible text of the page, or of the one element <paramref name="selector"/> (CSS, or
    /// Playwright's <c>text=…</c>, <c>role=…</c>) matches.</summary>
    public Task<string> Text(string selector = "body") => Page.Locator(selector).InnerTextAsync();

    /// <summary>Waits until <paramref name="text"/> is visible somewhere on the page (substring, case-insensitive)
    /// — for pages that render with scripts after their load event.</summary>
    public Task WaitForText(string text) =>
        Page.GetByText(text).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

    /// <summary>Waits until the address matches <paramref name="urlOrGlob"/> (a full URL, or a glob such as
    /// <c>**/checkout/*/done</c>) and that page has loaded.</summary>
    public Task WaitForUrl(string urlOrGlob) => Page.WaitForURLAsync(urlOrGlob);

    public Task WaitForUrl(Regex url) => Page.WaitForURLAsync(url);

    public Task WaitForUrl(Func<string, bool> url) => Page.WaitForURLAsync(url);

    /// <summary>Waits (up to 20 s) until the address satisfies <paramref name="url"/>, by the address alone: a page
    /// reached by a form's 303 may have fired its load event before this is called, which Playwright's
    /// <see cref="WaitForUrl(Func{string, bool})"/> can then wait for in vain. Follow with <see cref="WaitForText"/>.</summary>
    public async Task WaitForAddress(Func<string, bool> url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!url(Page.Url))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"still on {Page.Url} after 20 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Whether the page is wider than the viewport (a phone user would scroll sideways).</summary>
    public Task<bool> OverflowsHorizontally() =>
        Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");

    /// <summary>Resizes the viewport, e.g. 360 wide for a phone.</summary>
    public Task SetViewport(int width, int height = 800) =>
        Page.SetViewportSizeAsync(width, height);

    /// <summary>Saves what the viewport shows (<paramref name="fullPage"/>: the whole scrollable page) as
    /// <c>&lt;test file&gt;.&lt;test&gt;.&lt;name&gt;.png</c> under <see cref="BrowserFixture.ScreenshotDirectory"/>;
    /// returns the file's path.</summary>
    public async Task<string> Screenshot(string name, bool fullPage = false)
    {
        var path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{_prefix}.{FileSafe(name)}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try { await Screenshot("end"); }
        catch (PlaywrightException) { } // a crashed or closed page has nothing to show; the test says why
        await _context.CloseAsync();
    }

    private static string CssString(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static string FileSafe(string s) => Regex.Replace(s, @"[^A-Za-z0-9._-]+", "_");
}

/// <summary>The run's one Playwright driver and Chromium process.</summary>
internal static class SharedBrowser
{
    /// <summary>Chromium's flags here: as root it needs --no-sandbox; the background-networking, component-update,
    /// sync and QUIC flags keep it from calling out (this network refuses such connections, many at a time).
    /// Playwright starts each browser with a fresh temporary --user-data-dir of its own.</summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;
    private static string? _screenshots;

    public static string ScreenshotDirectory => _screenshots ??= FindScreenshotDirectory();

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("FLINT_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<IBrowser> Get()
    {
        await Gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true }) return _browser;
            var chromium = ChromiumPath;
            if (!File.Exists(chromium))
                throw new InvalidOperationException(
                    $"Chromium not found at {chromium}: browser tests need Debian's chromium " +
                    "(`apt-get update && apt-get install -y chromium chromium-driver`; .ci/run installs it when missing), " +
                    "or FLINT_CHROMIUM set to a Chromium binary.");
            if (_playwright is null)
            {
                ResetScreenshots();
                _playwright = await Playwright.CreateAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Close();
            }
            try
            {
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = chromium,
                    Headless = true,
                    Args = Flags,
                    Timeout = 60_000,
                });
            }
            catch (PlaywrightException e)
            {
                throw new InvalidOperationException($"Chromium at {chromium} did not start headless: {e.Message}", e);
            }
            return _browser;
        }
        finally { Gate.Release(); }
    }

    private static void Close()
    {
        try { _browser?.CloseAsync().Wait(TimeSpan.FromSeconds(10)); }
        catch (Exception) { } // the process is exiting; the driver takes Chromium down with it anyway
        _playwright?.Dispose();
    }

    private static void ResetScreenshots()
    {
        var dir = ScreenshotDirectory;
        Directory.CreateDirectory(dir);
        foreach (var png in Directory.EnumerateFiles(dir, "*.png")) File.Delete(png);
    }

    private static string FindScreenshotDirectory()
    {
        if (Environment.GetEnvironmentVariable("FLINT_SCREENSHOTS") is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln")))
                return Path.Combine(dir.FullName, "TestResults", "screenshots");
        return Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    }
}
