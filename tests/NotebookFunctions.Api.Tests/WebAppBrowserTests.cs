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

    /// <summary>The notebook as saved after its cells were run bottom-up (what the publish lint warns of).</summary>
    private static string RunOutOfOrder(string notebookText)
    {
        var root = JsonNode.Parse(notebookText)!.AsObject();
        var code = root["cells"]!.AsArray().OfType<JsonObject>().Where(c => c["cell_type"]!.GetValue<string>() == "code").ToList();
        for (var i = 0; i < code.Count; i++) code[i]["execution_count"] = code.Count - i;
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
        await File.WriteAllTextAsync(leak, RunOutOfOrder(ApiHarness.NotebookText("bucket = 'x'", "s3_key = 'AKIAIOSFODNN7EXAMPLE'")));
        var clean = Path.Combine(folder, "report.ipynb");
        await File.WriteAllTextAsync(clean, RunOutOfOrder(WithDescription(
            ApiHarness.NotebookText("region = 'north'  # the region to report on\ninput_path = 'x'\noutput_dir = 'o'", "print(region)"),
            "# Sales report\nTotals per region <img src=x onerror=\"window.pwned = 1\">")));

        var shell = await page.Context.APIRequest.GetAsync(new Uri(api.Http.BaseAddress!, "/app/").ToString());
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/publish").ToString());
        await page.SetInputFilesAsync("#nb-file", leak);
        await page.FillAsync("#nb-name", name);
        await page.ClickAsync("button:text('Check')");
        var finding = await page.TextContentAsync("#findings li");
        // The refusal for the credential still shows the lint warnings: one check, everything to fix.
        var leakWarnings = await page.TextContentAsync("#warnings");
        var publishDisabled = await page.IsDisabledAsync("#publish");
        var refusal = await page.TextContentAsync("[role=alert].error");
        await Browser.ScreenshotAsync(page, "webapp-publish-findings");

        await page.SetInputFilesAsync("#nb-file", clean);
        await page.ClickAsync("button:text('Check')");
        await page.WaitForSelectorAsync("text=Ready to publish");
        var parameters = await page.TextContentAsync("#check ul");
        var warnings = await page.TextContentAsync("#warnings");
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
        var stackedOnDesktop = await page.Locator($"tr:has(a:text-is('{name}')) .narrow").IsVisibleAsync();
        await Browser.ScreenshotAsync(page, "webapp-catalog");

        // On a phone the wide columns give way: the entry's description, version and date sit under its name.
        var phone = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader]);
        await phone.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/").ToString());
        await phone.FillAsync("#search", name);
        await phone.PressAsync("#search", "Enter");
        await Browser.WaitForAsync(phone, $"caption:text('{name}')", "webapp-catalog-phone");
        var entry = phone.Locator($"tr:has(a:text-is('{name}'))");
        var phoneDescription = await entry.Locator(".narrow-description").IsVisibleAsync() ? await entry.Locator(".narrow-description").TextContentAsync() : null;
        var phoneVersion = await entry.Locator(".narrow-version").IsVisibleAsync() ? await entry.Locator(".narrow-version").TextContentAsync() : null;
        await Browser.ScreenshotAsync(phone, "webapp-catalog-phone");

        Assert.Equal(WebApp.ContentSecurityPolicy, shell.Headers["content-security-policy"]);
        Assert.Contains("cell 1", finding);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", finding);
        Assert.Contains("out-of-order", leakWarnings);
        Assert.Contains("hardcoded credential", refusal);
        Assert.True(publishDisabled);
        Assert.Contains("region (str) = 'north' · the region to report on", parameters);
        Assert.Contains("out-of-order", warnings);
        Assert.False(stackedOnDesktop);
        Assert.Equal("Sales report: Totals per region <img src=x onerror=\"window.pwned = 1\">", phoneDescription);
        Assert.Matches(@"^latest [0-9a-f]{12} · published \S", phoneVersion);
        Assert.Contains($"Published {name} version", published);
        Assert.Contains("Sales report: Totals per region <img src=x onerror=\"window.pwned = 1\">", row);
        Assert.Contains("never run", row);
        Assert.False(await PwnedAsync(page));
    }

    [Fact]
    public async Task A_runner_starts_from_the_defaults_fixes_wrong_values_at_their_fields_by_keyboard_uploads_the_input_and_sees_the_results()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("totals");
        await api.PublishAsync(name, ApiHarness.NotebookText(
            "region = 'north'  # the region listed first\ntop = 3  # how many regions to keep\ninclude_tax = False  # add 20% tax\nday = '2026-01-01'  # type: date the day of the report\nweights = [1, 2]  # weight per region\ninput_path = 'x'\noutput_dir = 'o'",
            "import os, base64\nimport pandas as pd\nfrom IPython.display import display, Image\ndf = pd.read_csv(input_path)\n" +
            "summary = df.groupby('region', as_index=False)['amount'].sum().sort_values('amount', ascending=False).head(top)\n" +
            "summary.to_csv(os.path.join(output_dir, 'summary.csv'), index=False)\ndisplay(summary)",
            $"display(Image(data=base64.b64decode('{Png}')))",
            "print('report day', day, 'weights', weights)"));
        var upload = Path.Combine(Directory.CreateTempSubdirectory("nbf-upload-").FullName, "sales.csv");
        await File.WriteAllTextAsync(upload, Sales);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader, NotebookRoles.Runner]);
        var runRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/runs", StringComparison.Ordinal)) runRequests.Add(request.PostData ?? string.Empty);
        };
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/notebooks/{name}").ToString());
        await page.WaitForSelectorAsync("#p-top");
        await Browser.ScreenshotAsync(page, "webapp-run-form");
        var kinds = await page.EvaluateAsync<string[]>("() => ['p-region', 'p-top', 'p-include_tax', 'p-day', 'p-weights'].map(id => document.getElementById(id)).map(e => e.type || e.tagName)");
        var shown = await page.EvaluateAsync<string[]>(
            "() => [['p-region', 'value'], ['p-top', 'value'], ['p-include_tax', 'checked'], ['p-day', 'value'], ['p-weights', 'value'], ['chunkSize', 'value'], ['chunkSize', 'placeholder'], ['parallel', 'value'], ['parallel', 'placeholder'], ['onFailure', 'value']].map(([id, what]) => String(document.getElementById(id)[what]))");
        var help = await page.TextContentAsync("#p-top-help");

        // Keyboard only, from the top of the page: every stop on the way is labelled.
        var unlabelled = new List<string>();
        await TabToAsync(page, "p-top", unlabelled);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2.5");
        await TabToAsync(page, "p-day", unlabelled);
        await page.FillAsync("#p-day", "2026-02-03");
        await TabToAsync(page, "p-weights", unlabelled);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("[3, 4");
        await page.WaitForSelectorAsync("#p-weights-error:not(:empty)");
        var jsonError = await page.TextContentAsync("#p-weights-error");
        var jsonInvalid = await page.GetAttributeAsync("#p-weights", "aria-invalid");
        await page.Keyboard.TypeAsync("]");
        var jsonErrorAfterFix = await page.TextContentAsync("#p-weights-error");
        await TabToAsync(page, "in-source", unlabelled);
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForSelectorAsync("#in-file", new() { State = WaitForSelectorState.Visible });
        await page.SetInputFilesAsync("#in-file", upload);
        await TabToAsync(page, "run-submit", unlabelled);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#p-top-error:not(:empty)");
        var fieldError = await page.TextContentAsync("#p-top-error");
        var (focusAfterError, _) = await FocusAsync(page);
        var invalid = await page.GetAttributeAsync("#p-top", "aria-invalid");
        await Browser.ScreenshotAsync(page, "webapp-run-form-error");

        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2");
        await TabToAsync(page, "run-submit", unlabelled);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/app/#/runs/*");
        await page.WaitForSelectorAsync("#run-page");
        var focusOnRunPage = await WaitForFocusAsync(page, "view");
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
        var printed = await page.TextContentAsync("body");
        await Browser.ScreenshotAsync(page, "webapp-executed-notebook");

        Assert.Equal(["text", "number", "checkbox", "date", "textarea"], kinds);
        // The notebook's defaults in its fields; the run's own defaults shown (the API's), not filled in.
        Assert.Equal(["north", "3", "false", "2026-01-01", "[1,2]", "", "default 64MB", "", "default 4", "failFast"], shown);
        Assert.Equal("how many regions to keep", help);
        Assert.Empty(unlabelled);
        Assert.Contains("not valid JSON", jsonError);
        Assert.Equal("true", jsonInvalid);
        Assert.Equal(string.Empty, jsonErrorAfterFix);
        Assert.Contains("top", fieldError);
        Assert.Contains("int", fieldError);
        Assert.Equal("p-top", focusAfterError);
        Assert.Equal("true", invalid);
        Assert.True(focusOnRunPage, "the run page's content did not get focus after the route change");
        // Sent: what the person changed, the uploaded file as the input, and none of the run defaults.
        var sent = JsonNode.Parse(runRequests[^1])!;
        Assert.Equal(2, runRequests.Count);
        Assert.Equal("""{"top":2,"day":"2026-02-03","weights":[3,4]}""", sent["parameters"]!.ToJsonString());
        Assert.Equal("uploads", sent["input"]!["container"]!.GetValue<string>());
        Assert.EndsWith("/sales.csv", sent["input"]!["prefix"]!.GetValue<string>());
        Assert.Null(sent["input"]!["chunkSize"]);
        Assert.Null(sent["maxParallelChunks"]);
        Assert.Null(sent["onChunkFailure"]);
        Assert.Contains("north", finalTable);
        Assert.Contains("12", finalTable);
        Assert.DoesNotContain("south", finalTable); // top = 2 kept north (12) and east (7)
        Assert.Contains("results/summary.csv", files);
        Assert.Contains("manifest.json", files);
        Assert.True(image);
        Assert.Contains("east", htmlTable);
        Assert.Contains("report day 2026-02-03 weights [3, 4]", printed);
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
    public async Task The_run_page_shows_a_failed_chunk_beside_running_ones_keeps_focus_on_Cancel_across_polls_and_Cancel_stops_both_kernels()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("sleepy");
        var pids = Directory.CreateTempSubdirectory("nbf-cancel-").FullName;
        await api.PublishAsync(name, ApiHarness.NotebookText(
            $"pid_dir = {JsonSerializer.Serialize(pids)}\ninput_path = 'x'\noutput_dir = 'o'\nchunk_index = 0",
            "import os, time",
            "if chunk_index == 0:\n    raise ValueError('chunk 0 refuses')",
            "open(os.path.join(pid_dir, f'{chunk_index}.pid'), 'w').write(str(os.getpid()))\ntime.sleep(300)"));
        var input = await ApiHarness.UploadInputAsync("part-0.csv", Sales);
        foreach (var part in new[] { "part-1.csv", "part-2.csv" }) await input.GetBlobClient(part).UploadAsync(BinaryData.FromString(Sales));
        // Two kernels at once: chunk 0 fails at once, then chunks 1 and 2 sleep side by side.
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "part-", mode = "perBlob" }, maxAttempts = 1, maxParallelChunks = 2, onChunkFailure = "continue" });
        var id = started["id"]!.GetValue<string>();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, [NotebookRoles.Reader, NotebookRoles.Runner]);
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/app/#/runs/{id}").ToString());
        var pidFiles = new[] { Path.Combine(pids, "1.pid"), Path.Combine(pids, "2.pid") };
        for (var i = 0; i < 300 && !pidFiles.All(File.Exists); i++) await Task.Delay(200);
        var kernels = await Task.WhenAll(pidFiles.Select(async f => int.Parse(await File.ReadAllTextAsync(f))));
        var runningBefore = kernels.All(pid => Directory.Exists($"/proc/{pid}"));

        // While the run goes on: chunk 0 failed (its cell and exception listed), chunks 1 and 2 running.
        await Browser.WaitForAsync(page, "a.chunk.failed", "webapp-run-failing");
        await Browser.WaitForAsync(page, "#chunk-grid span.chunk.running:nth-child(3)", "webapp-run-running");
        var chunkStates = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#chunk-grid .chunk')].map(c => c.getAttribute('aria-label'))");
        var failure = await page.TextContentAsync("#failures li");
        var status = await page.TextContentAsync("#run-status");
        await Browser.ScreenshotAsync(page, "webapp-run-failed-while-running");

        // Keyboard: Cancel keeps focus while the page is polled twice, and the failure listed is not redrawn (nor announced again).
        await TabToAsync(page, "cancel", []);
        await page.EvaluateAsync("() => { document.querySelector('#failures li').dataset.seen = 'yes'; }");
        for (var poll = 0; poll < 2; poll++) await page.WaitForResponseAsync(r => r.Url.EndsWith($"/api/runs/{id}", StringComparison.Ordinal) && r.Request.Method == "GET", new() { Timeout = 15_000 });
        await page.WaitForTimeoutAsync(100);
        var (focusAfterPolls, _) = await FocusAsync(page);
        var failureKept = await page.EvaluateAsync<string?>("() => document.querySelector('#failures li').dataset.seen || null");

        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        // By keyboard where focus stayed; else by a click, so that the kernels stop before the test fails.
        if (focusAfterPolls == "cancel") await page.Keyboard.PressAsync("Enter");
        else await page.ClickAsync("#cancel");
        await page.WaitForSelectorAsync("#run-status .status.Cancelled", new() { Timeout = 60_000 });
        for (var i = 0; i < 75 && kernels.Any(pid => Directory.Exists($"/proc/{pid}")); i++) await Task.Delay(200);
        await Browser.ScreenshotAsync(page, "webapp-cancelled");

        Assert.True(runningBefore);
        Assert.Equal(["chunk 0: failed", "chunk 1: running", "chunk 2: running"], chunkStates);
        Assert.Contains("Chunk 0: ValueError: chunk 0 refuses in cell 3 (c1)", failure);
        Assert.Equal("Running", status);
        Assert.Equal("cancel", focusAfterPolls);
        Assert.Equal("yes", failureKept);
        Assert.Contains("Cancel this run?", question);
        Assert.All(kernels, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"kernel {pid} still runs after the cancel"));
        Assert.Equal(0, await page.Locator("#cancel").CountAsync());
    }

    [Fact]
    public async Task A_schedule_s_server_errors_land_at_their_fields_and_editing_starts_from_its_current_values()
    {
        var sessions = new WebSessions();
        await using var api = await ApiHarness.StartAsync(sessions: sessions);
        var name = ApiHarness.NewName("nightly");
        await api.PublishAsync(name, ApiHarness.NotebookText("top = 3\ninput_path = 'x'\noutput_dir = 'o'", "print(top)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Sales);
        var schedule = ApiHarness.NewName("s");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.SignInAsync(api.Http.BaseAddress!, sessions, Everyone, desktop: true);
        await page.GotoAsync(new Uri(api.Http.BaseAddress!, "/app/#/schedules").ToString());
        await page.FillAsync("#s-name", schedule);
        await page.FillAsync("#s-cron", "30 5 * * *");
        await page.FillAsync("#s-zone", "Europe/Paris");
        await page.FillAsync("#s-notebook", name);
        await page.FillAsync("#s-params", """{"top": "many"}""");
        await page.FillAsync("#s-in-container", input.Name);
        await page.FillAsync("#s-in-prefix", "sales.csv");

        await page.ClickAsync("#s-save");
        await page.WaitForSelectorAsync("#s-params-error:not(:empty)");
        var parameterError = await page.TextContentAsync("#s-params-error");
        var (focusAfterParameterError, _) = await FocusAsync(page);
        await page.FillAsync("#s-params", """{"top": 2}""");
        await page.FillAsync("#s-in-prefix", "nothing-here/");
        await page.ClickAsync("#s-save");
        await page.WaitForSelectorAsync("#s-in-prefix-error:not(:empty)");
        var prefixError = await page.TextContentAsync("#s-in-prefix-error");
        var general = await page.TextContentAsync("form [role=alert].error");
        await Browser.ScreenshotAsync(page, "webapp-schedule-errors");
        await page.FillAsync("#s-in-prefix", "sales.csv");
        await page.ClickAsync("#s-save");
        await page.WaitForSelectorAsync($"#edit-{schedule}");

        await page.ClickAsync($"#edit-{schedule}");
        var editing = await page.EvaluateAsync<string[]>(
            "() => ['s-name', 's-cron', 's-zone', 's-notebook', 's-params', 's-in-container', 's-in-prefix'].map(id => document.getElementById(id).value).concat([String(document.getElementById('s-name').readOnly), String(document.getElementById('s-enabled').checked), document.activeElement.id])");
        await page.FillAsync("#s-cron", "45 5 * * *");
        await page.ClickAsync("#s-save");
        await page.WaitForSelectorAsync("td:text('45 5 * * *')");
        var (_, stored) = await api.SendAsync(HttpMethod.Get, "/api/schedules");
        var saved = stored["schedules"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == schedule)!;
        await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{schedule}");

        Assert.Contains("top", parameterError);
        Assert.Equal("s-params", focusAfterParameterError);
        Assert.Contains("no blob", prefixError);
        Assert.Equal(string.Empty, general);
        Assert.Equal([schedule, "30 5 * * *", "Europe/Paris", name, """{"top":2}""", input.Name, "sales.csv", "true", "true", "s-cron"], editing);
        Assert.Equal("45 5 * * *", saved["cron"]!.GetValue<string>());
        Assert.Equal(2, saved["run"]!["parameters"]!["top"]!.GetValue<int>());
    }

    /// <summary>Presses Tab until the element with this id has focus, noting every unlabelled control passed on the way.</summary>
    private static async Task TabToAsync(IPage page, string id, List<string> unlabelled)
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

    /// <summary>Whether the element with this id gets focus within a few seconds.</summary>
    private static async Task<bool> WaitForFocusAsync(IPage page, string id)
    {
        try
        {
            await page.WaitForFunctionAsync("id => document.activeElement && document.activeElement.id === id", id, new() { Timeout = 5_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<(string Id, bool Labelled)> FocusAsync(IPage page)
    {
        var focus = await page.EvaluateAsync<JsonElement>(
            "() => { const e = document.activeElement; return { id: e.id || e.tagName, labelled: !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) || e.labels.length > 0 || !!e.getAttribute('aria-label') }; }");
        return (focus.GetProperty("id").GetString()!, focus.GetProperty("labelled").GetBoolean());
    }
}
