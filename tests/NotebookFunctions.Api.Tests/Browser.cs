using Microsoft.Playwright;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download is not reachable here; scripts/setup.sh --dev
/// installs /usr/bin/chromium). Pages a test visits are saved as screenshots under test-artifacts/ (not committed).
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "test-artifacts")).FullName;

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is not installed: run scripts/setup.sh --dev (apt package chromium)");
        var playwright = await Playwright.CreateAsync();
        // No sandbox: tests run as root in CI containers, where Chromium's sandbox cannot start.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh page whose requests carry these headers (an API key stands in for a signed-in user).</summary>
    public async Task<IPage> NewPageAsync(IDictionary<string, string> headers)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ExtraHTTPHeaders = headers, ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A page signed in to the web app as nbf serve signs a browser in: the one-time link, then the session cookie.
    /// Phone-sized unless <paramref name="desktop"/>.
    /// </summary>
    public async Task<IPage> SignInAsync(Uri app, Web.WebSessions sessions, IEnumerable<string> roles, bool desktop = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = desktop ? new ViewportSize { Width = 1280, Height = 900 } : new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        // The page's own errors, for whoever reads the artifacts of a failed test.
        var log = Path.Combine(Artifacts, "browser-console.log");
        page.Console += (_, message) => File.AppendAllText(log, $"{DateTime.UtcNow:O} {message.Type}: {message.Text}\n");
        page.PageError += (_, error) => File.AppendAllText(log, $"{DateTime.UtcNow:O} pageerror: {error}\n");
        page.RequestFailed += (_, request) => File.AppendAllText(log, $"{DateTime.UtcNow:O} failed: {request.Method} {request.Url} {request.Failure}\n");
        page.Response += (_, response) => File.AppendAllText(log, $"{DateTime.UtcNow:O} {response.Status} {response.Request.Method} {response.Url}\n");
        await page.GotoAsync(new Uri(app, $"/app/signin?token={sessions.IssueSignIn(roles.ToHashSet())}").ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('who').textContent.length > 0");
        return page;
    }

    /// <summary>Waits for a selector; on a timeout, saves the page and fails with what the page said instead.</summary>
    public static async Task WaitForAsync(IPage page, string selector, string name, float timeout = 30_000)
    {
        try
        {
            await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { Timeout = timeout });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, name + "-timeout");
            var text = await page.EvaluateAsync<string>("() => document.body.innerText");
            throw new TimeoutException($"{selector} did not appear on {page.Url}; the page says: {text}");
        }
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
