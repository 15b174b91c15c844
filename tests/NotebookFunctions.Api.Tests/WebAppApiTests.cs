using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Api.Web;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Tests;

/// <summary>What the web app stands on, over real HTTP: its page and assets, the catalog, uploads, who am I, a publish dry run and a schedule preview.</summary>
public sealed class WebAppApiTests
{
    private static HttpClient Anonymous(ApiHarness api) => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.Http.BaseAddress };

    [Fact]
    public async Task The_page_and_its_assets_are_served_with_a_strict_policy_content_hashed_and_no_cdn()
    {
        await using var api = await ApiHarness.StartAsync();
        using var browser = Anonymous(api);

        using var page = await browser.GetAsync("/app/");
        var html = await page.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/app/assets/app.js\\?v=[0-9a-f]{16})\"").Groups[1].Value;
        using var asset = await browser.GetAsync(script);
        using var unversioned = await browser.GetAsync("/app/assets/app.js");
        using var compressedRequest = new HttpRequestMessage(HttpMethod.Get, script);
        compressedRequest.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var compressed = await browser.SendAsync(compressedRequest);
        var gzipped = await compressed.Content.ReadAsByteArrayAsync();
        using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(gzipped), System.IO.Compression.CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await unzip.CopyToAsync(unzipped);
        var raw = await asset.Content.ReadAsByteArrayAsync();
        using var missing = await browser.GetAsync("/app/assets/../../api/runs");
        using var unknown = await browser.GetAsync("/app/secrets.txt");
        using var root = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(WebApp.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", WebApp.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe", WebApp.ContentSecurityPolicy);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSessions.CsrfCookie + "=", StringComparison.Ordinal) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("http", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("immutable", asset.Headers.CacheControl!.ToString());
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", unversioned.Headers.CacheControl!.ToString());
        Assert.Equal("gzip", compressed.Content.Headers.ContentEncoding.Single());
        Assert.True(gzipped.Length < raw.Length / 2, $"app.js gzipped is {gzipped.Length} bytes of {raw.Length}");
        Assert.Equal(raw, unzipped.ToArray());
        Assert.Empty(asset.Content.Headers.ContentEncoding);
        Assert.NotEqual(HttpStatusCode.OK, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("/app/", root.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Who_am_i_says_the_caller_s_roles_and_needs_a_signed_in_caller()
    {
        await using var api = await ApiHarness.StartAsync();
        using var anonymous = Anonymous(api);

        var (reader, body) = await api.SendAsync(HttpMethod.Get, "/api/me", headers: new Dictionary<string, string> { ["X-API-Key"] = ApiHarness.ReaderKey });
        using var nobody = await anonymous.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
        Assert.Equal(["Notebooks.Reader"], body["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.False(body["can"]!["run"]!.GetValue<bool>());
        Assert.True(body["can"]!["read"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Fact]
    public async Task The_catalog_searches_names_and_descriptions_pages_by_token_and_shows_the_last_run()
    {
        await using var api = await ApiHarness.StartAsync();
        var stem = ApiHarness.NewName("cat");
        foreach (var (suffix, description) in new[] { ("a", "Weekly churn by cohort"), ("b", "Sales totals per region"), ("b-x", "Sales by product"), ("c", "Sales forecast") })
        {
            var text = JsonNode.Parse(ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'", "print(1)"))!.AsObject();
            text["cells"]!.AsArray().Insert(0, new JsonObject { ["cell_type"] = "markdown", ["id"] = "md", ["metadata"] = new JsonObject(), ["source"] = $"# {stem}-{suffix}\n\n{description}, **refreshed** daily.\n\nMore detail." });
            await api.PublishAsync($"{stem}-{suffix}", text.ToJsonString());
        }

        var (_, sales) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}%20sales&top=1");
        var token = sales["continuationToken"]!.GetValue<string>();
        // Page by page: "-b-x" sorts after "-b" and before "-c", and a page boundary between them loses neither.
        var walked = new List<string>();
        string? walk = null;
        do
        {
            var (_, page) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}%20sales&top=1" + (walk is null ? string.Empty : $"&continuationToken={walk}"));
            walked.AddRange(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            walk = page["continuationToken"]?.GetValue<string>();
        }
        while (walk is not null && walked.Count < 10);
        var (_, next) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}%20sales&top=2&continuationToken={token}");
        var (otherSearch, otherProblem) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}&continuationToken={token}");
        var (garbage, garbageProblem) = await api.SendAsync(HttpMethod.Get, "/api/catalog?continuationToken=nope");
        var (badTop, badTopProblem) = await api.SendAsync(HttpMethod.Get, "/api/catalog?top=1000");
        var (longSearch, longSearchProblem) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={new string('x', 201)}");
        var (_, before) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}-a");
        var input = await ApiHarness.UploadInputAsync("data.csv", "a\n1\n");
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = $"{stem}-a", input = new { container = input.Name, prefix = "data.csv" } });
        await api.WaitForRunAsync(started["id"]!.GetValue<string>());
        var (_, after) = await api.SendAsync(HttpMethod.Get, $"/api/catalog?q={stem}-a");

        var first = sales["items"]!.AsArray().Single()!;
        Assert.Equal($"{stem}-b", first["name"]!.GetValue<string>());
        Assert.Equal("notebook", first["kind"]!.GetValue<string>());
        Assert.Equal($"{stem}-b: Sales totals per region, refreshed daily.", first["description"]!.GetValue<string>());
        Assert.Equal(64, first["latest"]!.GetValue<string>().Length);
        Assert.Equal([$"{stem}-b", $"{stem}-b-x", $"{stem}-c"], walked);
        Assert.Equal([$"{stem}-b-x", $"{stem}-c"], next["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Null(next["continuationToken"]);
        Assert.Equal(HttpStatusCode.BadRequest, otherSearch.StatusCode);
        Assert.Equal("continuationToken", otherProblem["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not a token the catalog gave out", garbageProblem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
        Assert.Equal("top", badTopProblem["field"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.BadRequest, "q"), (longSearch.StatusCode, longSearchProblem["field"]!.GetValue<string>()));
        Assert.Null(before["items"]![0]!["lastRun"]);
        Assert.Equal(started["id"]!.GetValue<string>(), after["items"]![0]!["lastRun"]!["id"]!.GetValue<string>());
        Assert.Equal("Completed", after["items"]![0]!["lastRun"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upload_becomes_a_run_input_under_a_fresh_prefix_and_bad_uploads_store_nothing()
    {
        await using var api = await ApiHarness.StartAsync(new ApiOptions { MaxUploadBytes = 64 });
        async Task<(HttpResponseMessage Response, JsonObject Body)> UploadAsync(string query, string content, string key = ApiHarness.AllRolesKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/uploads{query}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(content)) };
            request.Headers.Remove("X-API-Key");
            request.Headers.Add("X-API-Key", key);
            var response = await api.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
        }

        var uploads = ApiHarness.Blobs.GetBlobContainerClient(StorageLayout.UploadsContainer);
        await uploads.CreateIfNotExistsAsync();
        var before = await CountAsync(uploads);
        var (created, body) = await UploadAsync("?name=sales.csv", "region,amount\nnorth,1\n");
        var (traversal, traversalProblem) = await UploadAsync("?name=../notebooks/x.ipynb", "x");
        var (newline, _) = await UploadAsync("?name=a.csv%0A", "x");
        var (noName, noNameProblem) = await UploadAsync(string.Empty, "x");
        var (empty, emptyProblem) = await UploadAsync("?name=empty.csv", string.Empty);
        var (tooLarge, tooLargeProblem) = await UploadAsync("?name=big.csv", new string('x', 65));
        var (reader, _) = await UploadAsync("?name=r.csv", "x", ApiHarness.ReaderKey);
        var prefix = body["input"]!["prefix"]!.GetValue<string>();
        var stored = (await uploads.GetBlobClient(prefix).DownloadContentAsync()).Value.Content.ToString();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(StorageLayout.UploadsContainer, body["input"]!["container"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}/[0-9a-f]{16}/sales\.csv$", prefix);
        Assert.Equal("region,amount\nnorth,1\n", stored);
        Assert.Equal((HttpStatusCode.BadRequest, "name"), (traversal.StatusCode, traversalProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "name"), (noName.StatusCode, noNameProblem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, newline.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "body"), (empty.StatusCode, emptyProblem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("upload limit of 64 bytes", tooLargeProblem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(before + 1, await CountAsync(uploads));
    }

    [Fact]
    public async Task A_publish_dry_run_reports_what_would_be_stored_and_stores_nothing()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("dry");
        var text = ApiHarness.NotebookText("top = 3  # rows kept\ninput_path = 'x'\noutput_dir = 'o'", "print(top)");

        var (checkedResponse, report) = await SendNotebookAsync(api, $"/api/notebooks/{name}?dryRun=true", text);
        var (notStored, _) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        var (badSwitch, badSwitchProblem) = await SendNotebookAsync(api, $"/api/notebooks/{name}?dryRun=yes", text);
        var (leak, leakProblem) = await SendNotebookAsync(api, $"/api/notebooks/{name}?dryRun=true", ApiHarness.NotebookText("k = 'x'", "key = 'AKIAIOSFODNN7EXAMPLE'"));
        await api.PublishAsync(name, text);
        var (_, again) = await SendNotebookAsync(api, $"/api/notebooks/{name}?dryRun=true", text);

        Assert.Equal(HttpStatusCode.OK, checkedResponse.StatusCode);
        Assert.True(report["dryRun"]!.GetValue<bool>());
        Assert.False(report["exists"]!.GetValue<bool>());
        var top = report["schema"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "top")!;
        Assert.Equal(("int", 3, "rows kept", false), (top["kind"]!.GetValue<string>(), top["defaultValue"]!.GetValue<int>(), top["help"]!.GetValue<string>(), top["reserved"]!.GetValue<bool>()));
        Assert.True(report["schema"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "input_path")!["reserved"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, notStored.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "dryRun"), (badSwitch.StatusCode, badSwitchProblem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, leak.StatusCode);
        Assert.NotEmpty(leakProblem["findings"]!.AsArray());
        Assert.True(again["exists"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_notebook_page_is_told_the_run_defaults_a_request_that_leaves_them_out_gets()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("defaults");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'", "print(1)"));

        var (_, notebook) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        var shown = notebook["runDefaults"]!;
        var applied = Orchestration.Runs.RunValidator.Shape(new Orchestration.Runs.RunSubmission { Notebook = name, Input = new Orchestration.Runs.InputSubmission { Container = "inputs", Prefix = "x" } });

        Assert.Equal(applied.MaxParallelChunks, shown["maxParallelChunks"]!.GetValue<int>());
        Assert.Equal(applied.Retry.MaxAttempts, shown["maxAttempts"]!.GetValue<int>());
        Assert.Equal(applied.Input.TargetChunkBytes, Core.Chunks.ByteSizes.Parse(shown["input"]!["chunkSize"]!.GetValue<string>()));
        Assert.Equal(applied.Input.MaxChunks, shown["input"]!["maxChunks"]!.GetValue<int>());
        Assert.Equal(applied.Input.Mode, Enum.Parse<Core.Chunks.ChunkMode>(shown["input"]!["mode"]!.GetValue<string>(), ignoreCase: true));
        Assert.Equal(applied.OnChunkFailure, Enum.Parse<Orchestration.Models.FailurePolicy>(shown["onChunkFailure"]!.GetValue<string>(), ignoreCase: true));
    }

    [Fact]
    public async Task A_schedule_preview_gives_the_next_five_occurrences_in_words_in_the_zone()
    {
        await using var api = await ApiHarness.StartAsync();

        var (ok, preview) = await api.SendAsync(HttpMethod.Get, "/api/schedules/preview?cron=30%206%20*%20*%201-5&timeZone=Europe/Paris");
        var (badCron, cronProblem) = await api.SendAsync(HttpMethod.Get, "/api/schedules/preview?cron=61%20*%20*%20*%20*");
        var (badZone, zoneProblem) = await api.SendAsync(HttpMethod.Get, "/api/schedules/preview?cron=*%20*%20*%20*%20*&timeZone=Mars/Olympus");
        var (noCron, noCronProblem) = await api.SendAsync(HttpMethod.Get, "/api/schedules/preview");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var next = preview["next"]!.AsArray();
        Assert.Equal(5, next.Count);
        Assert.All(next, n => Assert.Matches(@"^(Monday|Tuesday|Wednesday|Thursday|Friday) \d{1,2} \w+ \d{4} at 06:30 \(Europe/Paris\), 0[45]:30 UTC$", n!["words"]!.GetValue<string>()));
        Assert.All(next, n => Assert.Matches(@"T06:30:00\+0[12]:00$", n!["local"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "cron"), (badCron.StatusCode, cronProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "timeZone"), (badZone.StatusCode, zoneProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "cron"), (noCron.StatusCode, noCronProblem["field"]!.GetValue<string>()));
    }

    private static async Task<(HttpResponseMessage Response, JsonObject Body)> SendNotebookAsync(ApiHarness api, string path, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
        var response = await api.Http.SendAsync(request);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static async Task<int> CountAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync()) count++;
        return count;
    }
}
