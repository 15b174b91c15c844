using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Web;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// The web app end to end in Debian's Chromium, signed in as nbf serve signs a browser in, against the real API, real
/// Azurite and real kernels: what a publisher, a runner and a reader can do from the page, and what they cannot.
/// </summary>
public sealed class WebAppBrowserTests
{
    private const string Sales = "region,amount\nnorth,10\nsouth,5\nnorth,2\neast,7\n";

    /// <summary>A 1x1 PNG: the executed notebook must show it as an image.</summary>
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private static readonly string[] Everyone = [.. NotebookRoles.All];

    private static string WithDescription(string notebookText, string markdown)
    {
        var root = JsonNode.Parse(notebookText)!.AsObject();
        root["cells"]!.AsArray().Insert(0, new JsonObject { ["cell_type"] = "markdown", ["id"] = "intro", ["metadata"] = new JsonObject(), ["source"] = markdown });
        return root.ToJsonString();
    }

    private static async Task<bool> PwnedAsync(IPage page) =>
        (await page.EvaluateAsync<JsonElement>("() => typeof window.pwned")).GetString() != "undefined";

    [Fact]
    public async Task A_publisher_checks_a_notebook_sees_its_findings_publishes_it_and_finds_it_in_the_catalog()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, Everyone, desktop: true);
        var folder = Directory.CreateTempSubdirectory("nbf-publish-").FullName;
        var name = ApiHarness.NewName("report");
        var leak = Path.Combine(folder, "leak.ipynb");
        await File.WriteAllTextAsync(leak, ApiHarness.NotebookText("bucket = 'x'", "s3_key = 'AKIAIOSFODNN7EXAMPLE'"));
        var clean = Path.Combine(folder, "report.ipynb");
        await File.WriteAllTextAsync(clean, WithDescription(
            ApiHarness.NotebookText("region = 'north'  # the region to report on\ninput_path = 'x'\noutput_dir = 'o'", "print(region)"),
            "# Sales report\nTotals per region <img src=x onerror=\"window.pwned = 1\">"));

        var shell = await page.Context.APIRequest.GetAsync(new Uri(api.Http.BaseAddress!, "/app/").ToString());
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/publish").ToString());
        await page.SetInputFilesAsync("#nb-file", leak);
        await page.FillAsync("#nb-name", name);
        await page.ClickAsync("button:text('Check')");
        var finding = await page.TextContentAsync("#findings li");
        var publishDisabled = await page.IsDisabledAsync("#publish");
        var refusal = await page.TextContentAsync("[role=alert].error");
        await Browser.ScreenshotAsync(page, "webapp-publish-findings");

        await page.SetInputFilesAsync("#nb-file", clean);
        await page.ClickAsync("button:text('Check')");
        await page.WaitForSelectorAsync("text=Ready to publish");
        var parameters = await page.TextContentAsync("#check ul");
        await Browser.ScreenshotAsync(page, "webapp-publish-checked");
        await page.ClickAsync("#publish");
        await page.WaitForURLAsync($"**/app/#/notebooks/{name}");
        await page.WaitForSelectorAsync($"h1:text-is('{name}')");
        var published = await page.TextContentAsync("#notice");

        await page.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/").ToString());
        await page.FillAsync("#search", name);
        await page.PressAsync("#search", "Enter");
        await Browser.WaitForAsync(page, $"caption:text('{name}')", "webapp-catalog");
        var row = await page.TextContentAsync($"tr:has(a:text-is('{name}'))");
        await Browser.ScreenshotAsync(page, "webapp-catalog");

        Assert.Equal(WebApp.ContentSecurityPolicy, shell.Headers["content-security-policy"]);
        Assert.Contains("cell 1", finding);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", finding);
        Assert.Contains("hardcoded credential", refusal);
        Assert.True(publishDisabled);
        Assert.Contains("region (str) = 'north' · the region to report on", parameters);
        Assert.Contains($"Published {name} version", published);
        Assert.Contains("Sales report: Totals per region <img src=x onerror=\"window.pwned = 1\">", row);
        Assert.Contains("never run", row);
        Assert.False(await PwnedAsync(page));
    }

    [Fact]
    public async Task A_runner_fixes_a_wrong_value_at_its_field_by_keyboard_alone_and_sees_the_run_complete_with_its_results()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("totals");
        await api.PublishAsync(name, ApiHarness.NotebookText(
            "region = 'north'  # the region listed first\ntop = 3  # how many regions to keep\ninclude_tax = False  # add 20% tax\nday = '2026-01-01'  # type: date the day of the report\nweights = [1, 2]  # weight per region\ninput_path = 'x'\noutput_dir = 'o'",
            "import os, base64\nimport pandas as pd\nfrom IPython.display import display, Image\ndf = pd.read_csv(input_path)\n" +
            "summary = df.groupby('region', as_index=False)['amount'].sum().sort_values('amount', ascending=False).head(top)\n" +
            "summary.to_csv(os.path.join(output_dir, 'summary.csv'), index=False)\ndisplay(summary)",
            $"display(Image(data=base64.b64decode('{Png}')))"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Sales);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader, NotebookRoles.Runner]);
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/notebooks/{name}").ToString());
        await page.WaitForSelectorAsync("#p-top");
        await Browser.ScreenshotAsync(page, "webapp-run-form");
        File.WriteAllText(Path.Combine(Browser.Artifacts, "form.html"), await page.ContentAsync());
        var kinds = await page.EvaluateAsync<string[]>("() => ['p-region', 'p-top', 'p-include_tax', 'p-day', 'p-weights'].map(id => document.getElementById(id)).map(e => e.type || e.tagName)");
        var help = await page.TextContentAsync("#p-top-help");

        // Keyboard only, from the top of the page: every stop on the way is labelled.
        var unlabelled = new List<string>();
        async Task TabToAsync(string id)
        {
            for (var i = 0; i < 60; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                var (focused, labelled) = await FocusAsync(page);
                if (!labelled) unlabelled.Add(focused);
                if (focused == id) return;
            }

            Assert.Fail($"Tab never reached #{id}");
        }

        await TabToAsync("p-top");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2.5");
        await TabToAsync("in-container");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(input.Name);
        await TabToAsync("in-prefix");
        await page.Keyboard.TypeAsync("sales.csv");
        await TabToAsync("run-submit");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#p-top-error:not(:empty)");
        var fieldError = await page.TextContentAsync("#p-top-error");
        var (focusAfterError, _) = await FocusAsync(page);
        var invalid = await page.GetAttributeAsync("#p-top", "aria-invalid");
        await Browser.ScreenshotAsync(page, "webapp-run-form-error");

        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2");
        await TabToAsync("run-submit");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/app/#/runs/*");
        await Browser.WaitForAsync(page, "#run-status .status.Completed", "webapp-run", 120_000);
        await Browser.WaitForAsync(page, "table.final", "webapp-run-table");
        var finalTable = await page.TextContentAsync("table.final");
        var files = await page.TextContentAsync("#results");
        await Browser.ScreenshotAsync(page, "webapp-run-completed");
        var desktop = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader], desktop: true);
        await desktop.GotoAsync(page.Url);
        await desktop.WaitForSelectorAsync("table.final");
        await Browser.ScreenshotAsync(desktop, "webapp-run-page-desktop");

        await page.ClickAsync("a.chunk.succeeded");
        await page.WaitForSelectorAsync(".nb-html table");
        var image = await page.IsVisibleAsync("img.nb-image");
        var htmlTable = await page.TextContentAsync(".nb-html table");
        await Browser.ScreenshotAsync(page, "webapp-executed-notebook");

        Assert.Equal(["text", "number", "checkbox", "date", "textarea"], kinds);
        Assert.Equal("how many regions to keep", help);
        Assert.Empty(unlabelled);
        Assert.Contains("top", fieldError);
        Assert.Contains("int", fieldError);
        Assert.Equal("p-top", focusAfterError);
        Assert.Equal("true", invalid);
        Assert.Contains("north", finalTable);
        Assert.Contains("12", finalTable);
        Assert.DoesNotContain("south", finalTable); // top = 2 kept north (12) and east (7)
        Assert.Contains("results/summary.csv", files);
        Assert.Contains("manifest.json", files);
        Assert.True(image);
        Assert.Contains("east", htmlTable);
    }

    [Fact]
    public async Task A_failing_run_points_at_its_cell_and_repair_from_the_page_succeeds_once_the_lookup_is_fixed()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("rates");
        var rates = Path.Combine(Directory.CreateTempSubdirectory("nbf-rates-").FullName, "rates.csv");
        await File.WriteAllTextAsync(rates, "region,rate\nnorth,1.0\neast,2.0\n");
        await api.PublishAsync(name, ApiHarness.NotebookText(
            $"rates_path = {JsonSerializer.Serialize(rates)}  # exchange rates per region\ninput_path = 'x'\noutput_dir = 'o'",
            "import os\nimport pandas as pd\ndf = pd.read_csv(input_path)\nrates = pd.read_csv(rates_path).set_index('region')['rate']",
            "missing = sorted(set(df.region) - set(rates.index))\nif missing:\n    raise KeyError(f'no rate for {missing} <img src=x onerror=\"window.pwned = 1\">')\n" +
            "df['converted'] = df.amount * df.region.map(rates)\ndf.to_csv(os.path.join(output_dir, 'converted.csv'), index=False)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Sales);
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "sales.csv" }, maxAttempts = 1 });
        var id = started["id"]!.GetValue<string>();
        await api.WaitForRunAsync(id);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader, NotebookRoles.Runner]);

        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/runs/{id}").ToString());
        await page.WaitForSelectorAsync("#failures li");
        var failure = await page.TextContentAsync("#failures li");
        await Browser.ScreenshotAsync(page, "webapp-run-failed");
        await page.ClickAsync("#failures a");
        await page.WaitForSelectorAsync(".nb-failed");
        await page.ClickAsync(".nb-error-banner a");
        var failedCellUrl = page.Url;
        var traceback = await page.IsVisibleAsync(".nb-failed .nb-traceback");
        await Browser.ScreenshotAsync(page, "webapp-failing-cell");
        await page.ClickAsync("text=Back to the run");
        await page.WaitForSelectorAsync("#repair");

        await File.AppendAllTextAsync(rates, "south,0.5\n");
        await page.ClickAsync("#repair");
        await page.WaitForURLAsync($"**/app/#/runs/{id}-repair*");
        await Browser.WaitForAsync(page, "#run-status .status.Completed", "webapp-repair", 120_000);
        var repairedFiles = await page.TextContentAsync("#results");
        await Browser.ScreenshotAsync(page, "webapp-repaired");

        Assert.Contains("Chunk 0: KeyError", failure);
        Assert.Contains("<img src=x onerror=\"window.pwned = 1\">", failure);
        // Cell 3: the parameters injected for the run sit after the notebook's own parameters cell.
        Assert.Contains("in cell 3 (c1), In [4]", failure);
        Assert.EndsWith("#cell-3", failedCellUrl);
        Assert.True(traceback);
        Assert.Contains("results/converted.csv", repairedFiles);
        Assert.False(await PwnedAsync(page));
    }

    [Fact]
    public async Task A_reader_sees_no_run_button_and_a_forged_request_from_the_page_is_refused_plainly()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("readonly");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'", "print(1)"));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader]);

        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/notebooks/{name}").ToString());
        await page.WaitForSelectorAsync("h2:text('Recent runs')");
        var runButtons = await page.Locator("#run-submit, button:text-is(\"Run\")").CountAsync();
        var explanation = await page.TextContentAsync(".banner.info");
        var publishLinkHidden = await page.IsHiddenAsync("#nav-publish");
        await Browser.ScreenshotAsync(page, "webapp-reader");
        var forged = await page.EvaluateAsync<JsonElement>(
            """
            async (name) => {
              const csrf = document.cookie.split('; ').find(c => c.startsWith('nbf_csrf=')).slice(9);
              const post = async (headers) => {
                const r = await fetch('/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ notebook: name, input: { container: 'x', prefix: 'y' } }) });
                return { status: r.status, detail: (await r.json()).detail };
              };
              return { withToken: await post({ 'X-NBF-CSRF': csrf }), withoutToken: await post({}) };
            }
            """, name);
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/publish").ToString());
        var publishPage = await page.TextContentAsync("main");

        Assert.Equal(0, runButtons);
        Assert.Contains("needs the Notebooks.Runner role", explanation);
        Assert.True(publishLinkHidden);
        Assert.Equal(403, forged.GetProperty("withToken").GetProperty("status").GetInt32());
        Assert.Contains("StartRun needs the role Notebooks.Runner", forged.GetProperty("withToken").GetProperty("detail").GetString());
        Assert.Equal(403, forged.GetProperty("withoutToken").GetProperty("status").GetInt32());
        Assert.Contains("Publishing needs the Notebooks.Publisher role", publishPage);
    }

    [Fact]
    public async Task Cancel_from_the_run_page_stops_the_run_s_kernel()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("sleepy");
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("nbf-cancel-").FullName, "kernel.pid");
        await api.PublishAsync(name, ApiHarness.NotebookText(
            $"pid_file = {JsonSerializer.Serialize(pidFile)}\ninput_path = 'x'\noutput_dir = 'o'",
            "import os, time\nopen(pid_file, 'w').write(str(os.getpid()))\ntime.sleep(300)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Sales);
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "sales.csv" }, maxAttempts = 1 });
        var id = started["id"]!.GetValue<string>();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader, NotebookRoles.Runner]);
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/runs/{id}").ToString());
        for (var i = 0; i < 300 && !File.Exists(pidFile); i++) await Task.Delay(200);
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile));
        var runningBefore = Directory.Exists($"/proc/{pid}");

        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.ClickAsync("#cancel");
        await page.WaitForSelectorAsync("#run-status .status.Cancelled", new() { Timeout = 60_000 });
        for (var i = 0; i < 75 && Directory.Exists($"/proc/{pid}"); i++) await Task.Delay(200);
        await Browser.ScreenshotAsync(page, "webapp-cancelled");

        Assert.True(runningBefore);
        Assert.Contains("Cancel this run?", question);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"kernel {pid} still runs after the cancel");
        Assert.Equal(0, await page.Locator("#cancel").CountAsync());
    }

    private static async Task<(string Id, bool Labelled)> FocusAsync(IPage page)
    {
        var focus = await page.EvaluateAsync<JsonElement>(
            "() => { const e = document.activeElement; return { id: e.id || e.tagName, labelled: !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) || e.labels.length > 0 || !!e.getAttribute('aria-label') }; }");
        return (focus.GetProperty("id").GetString()!, focus.GetProperty("labelled").GetBoolean());
    }
}
