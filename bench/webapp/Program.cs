using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Web;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

// bench/webapp: the server time of the web app's pages with a large store (1,000 published notebooks, 10,000 runs),
// i.e. the time of the API calls each page's view makes (app.js), on the API host nbf serve runs, in this process,
// over the local durable host (Azure Storage task hub on Azurite). Requests go one at a time, measures round-robin.
//   dotnet run -c Release --project bench/webapp -- [--notebooks 1000] [--runs 10000] [--requests 30] [--warmup 5] [--parallel 16] [--keep] [--private-azurite]
// Needs Azurite (started as nbf starts it when none listens) and scripts/setup.sh (python3 with ipykernel, for the one real run).
// Writes bench/webapp/results/latest.md (not committed). Without --keep, the seeded notebooks, markers, run and task hub go at the end.

var notebookCount = Arg("--notebooks", 1000);
var runCount = Arg("--runs", 10000);
var requests = Arg("--requests", 30);
var warmup = Arg("--warmup", 5);
var parallel = Arg("--parallel", 16);
var keep = args.Contains("--keep");
var privateAzurite = args.Contains("--private-azurite");
if (notebookCount < 60 || runCount < notebookCount) Fail("--notebooks must be at least 60 (two catalog pages and more) and --runs at least --notebooks");

var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var stamp = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
var prefix = $"wb{stamp}";              // every seeded notebook's name starts with it: the catalog search for them
var hub = $"wbench{stamp}";             // a fresh task hub: its runs are this bench's only
var inputContainer = $"wbench-{stamp}"; // the one real run's input
const string ApiKey = "bench-webapp-key";

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

void Say(string text) => Console.Error.WriteLine($"bench/webapp: {text}");

var startLoad = LoadAverage();
string? privateData = null;
if (privateAzurite)
{
    // An Azurite of the bench's own, on free ports with an empty data folder (nbf's own way of starting a second
    // local storage): only this bench's notebooks, runs and requests, no other host writing beside it.
    if (Environment.GetEnvironmentVariable("NBF_STORAGE") is { Length: > 0 }) Fail("--private-azurite and NBF_STORAGE: choose one");
    privateData = Directory.CreateTempSubdirectory("nbf-webapp-azurite-").FullName;
    Environment.SetEnvironmentVariable("NBF_AZURITE_DATA", privateData);
    Environment.SetEnvironmentVariable("NBF_AZURITE_PORTS", string.Join(',', Enumerable.Range(0, 3).Select(_ => FreePort())));
}

var storage = await LocalStorage.EnsureAsync(Say);
var azuritePid = Environment.GetEnvironmentVariable("NBF_STORAGE") is { Length: > 0 } ? null : AzuriteService.RunningPid();
var blobs = BlobServiceFactory.Create(storage.Connection);
var names = Enumerable.Range(0, notebookCount).Select(i => $"{prefix}-{i:0000}").ToArray();
string? realRunId = null;
var seeding = new List<(string What, double Seconds)>();

try
{
    // ---- seeding --------------------------------------------------------------------------------------------------
    // 1. The notebooks, published as nbf publish does (content-addressed, description from the first markdown cell).
    var versions = new string[notebookCount];
    var clock = Stopwatch.StartNew();
    await new NotebookStore(blobs).EnsureCreatedAsync();
    await Parallel.ForEachAsync(Enumerable.Range(0, notebookCount), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, cancel) =>
    {
        var notebook = BenchNotebook(i);
        var bytes = Encoding.UTF8.GetBytes(notebook.ToText());
        var published = await new NotebookStore(blobs).PublishAsync(names[i], bytes, source: null, cancel, NotebookDescription.Of(notebook));
        versions[i] = published.Version;
    });
    seeding.Add(($"publish {notebookCount:N0} notebooks (NotebookStore.PublishAsync, {parallel} at a time)", clock.Elapsed.TotalSeconds));
    Say($"published {notebookCount} notebooks in {clock.Elapsed.TotalSeconds:0.0} s");

    // 2. One real run to completion, on a host with a worker: what the run page shows. It runs first, alone: the
    //    thousands of runs seeded next are scheduled on a host without a worker, so they stay Pending, as queued
    //    runs do, and no host of this bench ever executes them.
    clock.Restart();
    var input = blobs.GetBlobContainerClient(inputContainer);
    await input.CreateIfNotExistsAsync();
    await input.GetBlobClient("data.csv").UploadAsync(BinaryData.FromString("region,value\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"{Regions[i % Regions.Length]},{i}\n"))), overwrite: true);
    await using (var worker = await LocalDurableHost.StartAsync(new LocalHostOptions { StorageConnection = storage.Connection, TaskHub = hub, Parallelism = 1 }))
    {
        var hostStart = clock.Elapsed.TotalSeconds;
        var service = new RunService(blobs, worker.Client, SecretSources.ForLocalHost(), TimeProvider.System);
        var started = await service.StartAsync(new RunSubmission { Notebook = names[0], Input = new InputSubmission { Container = inputContainer, Prefix = "data.csv" }, MaxAttempts = 1 }, RunIdChoice.Fresh, CancellationToken.None);
        realRunId = started.Id;
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await worker.Client.WaitForInstanceCompletionAsync(realRunId, getInputsAndOutputs: false, patience.Token);
        var view = await service.GetAsync(realRunId, CancellationToken.None);
        if (view.Status != "Completed") Fail($"the real run {realRunId} ended {view.Status}: {view.Error}");
        seeding.Add(($"one real run of {names[0]} (200-line CSV, 1 chunk) to Completed, host with worker started and stopped (host start {hostStart:0.0} s)", clock.Elapsed.TotalSeconds));
        Say($"real run {realRunId} Completed in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    // The measured host: the local durable host without a worker (its sidecar answers the client; nothing dispatches).
    await using var host = await LocalDurableHost.StartAsync(new LocalHostOptions { StorageConnection = storage.Connection, TaskHub = hub, RunWorker = false });

    // 3. The other runs: real instances of the run orchestrator in the task hub (rows in its instances table, start
    //    messages in its control queue), as RunService.StartOnceAsync schedules them, spread over the notebooks.
    clock.Restart();
    var seeded = runCount - 1;
    var latest = new string?[notebookCount];
    var index = new RunIndex(blobs);
    var done = 0;
    var now = DateTimeOffset.UtcNow;
    await Parallel.ForEachAsync(Enumerable.Range(0, seeded), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (j, cancel) =>
    {
        var i = j % notebookCount;
        var k = j / notebookCount;
        var request = new RunRequest
        {
            Notebook = names[i],
            Version = versions[i],
            Parameters = new JsonObject { ["region"] = Regions[(i + k) % Regions.Length] },
            Input = new InputSpec { Container = "inputs", Prefix = $"{names[i]}/{k}/data.csv" },
        };
        // Distinct times keep the ids (name-time-random) distinct; the latest of a notebook is its highest k.
        var id = RunIds.New(names[i], now.AddMinutes(k - (seeded / notebookCount) - 1));
        // Indexed first, as RunService.StartOnceAsync does: by notebook and among all runs.
        await index.RecordAsync(id, new RunStart(request), cancel);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(new RunStart(request).Orchestrator, request, new StartOrchestrationOptions(id), cancel);
        if (j + notebookCount >= seeded) latest[i] = id;
        if (Interlocked.Increment(ref done) % 1000 == 0) Say($"scheduled {done} runs, {clock.Elapsed.TotalSeconds:0.0} s");
    });
    seeding.Add(($"index and schedule {seeded:N0} runs of the run orchestrator (RunIndex.RecordAsync, then ScheduleNewOrchestrationInstanceAsync, {parallel} at a time; no worker, so they stay Pending)", clock.Elapsed.TotalSeconds));

    // ---- the API, as nbf serve hosts it ---------------------------------------------------------------------------
    var app = ApiHost.Create(blobs, host.Client, new Dictionary<string, IReadOnlySet<string>> { [ApiKey] = NotebookRoles.All.ToHashSet() }, port: 0, clock: TimeProvider.System, secrets: SecretSources.ForLocalHost());
    await app.StartAsync();
    try
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        async Task<(double Ms, byte[] Body)> GetAsync(string path)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = sw.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK) Fail($"GET {path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
            return (ms, body);
        }

        async Task<JsonObject> JsonAsync(string path) => (JsonObject)JsonNode.Parse((await GetAsync(path)).Body)!;

        // What the pages will be asked for, and checks that the store is what it should be.
        var search = $"q={prefix}&top=25";
        var searchPage = await JsonAsync($"/api/catalog?{search}");
        var searchItems = searchPage["items"]!.AsArray();
        if (searchItems.Count != 25 || searchItems.Any(x => x!["lastRun"] is null)) Fail($"the search for {prefix} should show 25 notebooks, each with a last run: {searchPage.ToJsonString()[..Math.Min(600, searchPage.ToJsonString().Length)]}");
        // The run index orders by start: every notebook's newest run is one of the seeded Pending ones (the real run came first).
        if (searchItems[1]!["lastRun"]!["status"]!.GetValue<string>() != "Pending")
            Fail("the second seeded notebook's last run should be a Pending seeded one");
        var searchNext = searchPage["continuationToken"]!.GetValue<string>();
        var allPage = await JsonAsync("/api/catalog?top=25");
        var allNext = allPage["continuationToken"]?.GetValue<string>() ?? throw new InvalidOperationException("the whole catalog has one page");
        var allShownWithRun = allPage["items"]!.AsArray().Count(x => x!["lastRun"] is not null);

        // What the catalog's listing reads: every published notebook and pipeline, the bench's and any others in this Azurite.
        var publishedNotebooks = (await new NotebookStore(blobs).ListAllAsync()).Count;
        var publishedPipelines = (await NotebookStore.Pipelines(blobs).ListAllAsync()).Count;
        var notebookBlobs = await CountBlobsAsync(StorageLayout.NotebooksContainer);
        var pipelineBlobs = await CountBlobsAsync(StorageLayout.PipelinesContainer);

        // Every page of the runs list once (also a check that the task hub holds every run), keeping page 2's and the last page's tokens.
        clock.Restart();
        var listed = 0;
        var pages = 0;
        string? runsPage2 = null, runsLast = null, token = null;
        var newest = (Page: 0, Created: DateTimeOffset.MinValue);
        var firstPageIds = new List<string>();
        do
        {
            var page = await JsonAsync($"/api/runs?top=25{(token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}")}");
            var shownRuns = page["runs"]!.AsArray();
            listed += shownRuns.Count;
            pages++;
            if (pages == 1) firstPageIds.AddRange(shownRuns.Select(r => r!["id"]!.GetValue<string>()));
            foreach (var r in shownRuns)
            {
                var created = r!["created"]!.GetValue<DateTimeOffset>();
                if (created > newest.Created) newest = (pages, created);
            }

            if (pages == 2) runsPage2 = token;
            if (page["continuationToken"]?.GetValue<string>() is { } next)
            {
                runsLast = next;
                token = next;
            }
            else
            {
                token = null;
            }
        }
        while (token is not null);
        var walk = clock.Elapsed.TotalSeconds;
        if (listed != runCount) Fail($"the runs list pages through {listed} runs; the task hub should hold {runCount}");
        Say($"the runs list: {listed} runs in {pages} pages of 25, read in {walk:0.0} s");

        var run = await JsonAsync($"/api/runs/{realRunId}");
        var files = (await JsonAsync($"/api/runs/{realRunId}/files"))["files"]!.AsArray();
        // A notebook from the middle of the name order: its notebook page asks for its 10 most recent runs.
        var middle = notebookCount / 2;
        var middleRuns = Enumerable.Range(0, seeded).Count(j => j % notebookCount == middle);
        var notebookRuns = (await JsonAsync($"/api/runs?notebook={names[middle]}&top=10"))["runs"]!.AsArray().Count;

        // The shell and its assets as a first visit downloads them; the server sends them as they are (no compression).
        var shell = await GetAsync("/app/");
        var assets = AssetLink().Matches(Encoding.UTF8.GetString(shell.Body)).Select(m => m.Value).ToList();
        if (assets.Count != 2) Fail($"the page should link app.js and app.css, found: {string.Join(", ", assets)}");

        // The catalog keeps its listing for 10 s per host (CatalogListing), so a catalog request is a hit (the listing
        // kept, then the page's 25 last-run lookups) or a miss (the listing read again as well). Each is measured on
        // its own: a hit right after the same request; a miss right after a publish through the API, which drops the
        // host's listing as any publish does. The publish is the first notebook's own bytes again: no new version,
        // nothing in the store changes. Neither the warming request nor the publish is timed.
        var republish = Encoding.UTF8.GetBytes(BenchNotebook(0).ToText());
        async Task<(double Ms, int Bytes)> CatalogHitAsync(string path)
        {
            await GetAsync(path);
            return await Ms(GetAsync(path));
        }

        async Task<(double Ms, int Bytes)> CatalogMissAsync(string path)
        {
            using (var published = await http.PutAsync($"/api/notebooks/{names[0]}", new ByteArrayContent(republish)))
            {
                if (published.StatusCode != HttpStatusCode.OK) Fail($"publishing {names[0]}'s bytes again answered {(int)published.StatusCode}, not 200 (already published): {await published.Content.ReadAsStringAsync()}");
            }

            return await Ms(GetAsync(path));
        }

        var catalogPages = new (string Name, string Path)[]
        {
            ($"GET /api/catalog?top=25 (everything published: {publishedNotebooks:N0} notebooks, {publishedPipelines:N0} pipelines)", "/api/catalog?top=25"),
            ("… its next page (continuationToken)", $"/api/catalog?top=25&continuationToken={Uri.EscapeDataString(allNext)}"),
            ($"GET /api/catalog?q={{prefix}}&top=25 (search: the {notebookCount:N0} seeded)", $"/api/catalog?{search}"),
            ("… its next page (continuationToken)", $"/api/catalog?{search}&continuationToken={Uri.EscapeDataString(searchNext)}"),
        };
        List<Measure> measures =
        [
            new("shell", "GET /app/ (the page)", () => Ms(GetAsync("/app/"))),
            new("shell", "GET /app/assets/app.js", () => Ms(GetAsync(assets.First(a => a.Contains("app.js", StringComparison.Ordinal))))),
            new("shell", "GET /api/me (who is signed in, every start)", () => Ms(GetAsync("/api/me"))),
            .. catalogPages.Select(c => new Measure("catalog, listing kept (hit)", c.Name, () => CatalogHitAsync(c.Path), Target: true)),
            .. catalogPages.Select(c => new Measure("catalog, listing read (miss)", c.Name, () => CatalogMissAsync(c.Path), Target: true)),
            new("runs", "GET /api/runs?top=25", () => Ms(GetAsync("/api/runs?top=25"))),
            new("runs", "… page 2 (continuationToken)", () => Ms(GetAsync($"/api/runs?top=25&continuationToken={Uri.EscapeDataString(runsPage2!)}"))),
            new("runs", $"… the last page, {pages} (continuationToken)", () => Ms(GetAsync($"/api/runs?top=25&continuationToken={Uri.EscapeDataString(runsLast!)}"))),
            new("run", "GET /api/runs/{id} (the Completed run)", () => Ms(GetAsync($"/api/runs/{realRunId}"))),
            new("run", "GET /api/runs/{id}/files", () => Ms(GetAsync($"/api/runs/{realRunId}/files"))),
            new("run", "run page: both, one after the other (as app.js)", async () =>
            {
                var (a, b) = (await GetAsync($"/api/runs/{realRunId}"), await GetAsync($"/api/runs/{realRunId}/files"));
                return (a.Ms + b.Ms, a.Body.Length + b.Body.Length);
            }, Target: true),
            new("notebook", "GET /api/notebooks/{name}", () => Ms(GetAsync($"/api/notebooks/{names[middle]}"))),
            new("notebook", "GET /api/runs?notebook={name}&top=10 (its recent runs)", () => Ms(GetAsync($"/api/runs?notebook={names[middle]}&top=10"))),
        ];

        // Where a catalog page's time goes: the same calls the handler makes, in this process, without HTTP.
        var service = new RunService(blobs, host.Client, SecretSources.ForLocalHost(), TimeProvider.System);
        var shown = searchItems.Select(x => x!["name"]!.GetValue<string>()).ToArray();
        var shownRunIds = shown.Select(n => Array.IndexOf(names, n) is var i && i > 0 ? latest[i]! : realRunId!).ToArray();
        var breakdown = new List<Measure>
        {
            new("inside", "NotebookStore.ListAllAsync: list every notebook blob with metadata", () => Timed(() => new NotebookStore(blobs).ListAllAsync())),
            new("inside", "the same for pipelines", () => Timed(() => NotebookStore.Pipelines(blobs).ListAllAsync())),
            new("inside", "25 × RunService.LatestAsync at once (one search page's last runs)", () => Timed(() => Task.WhenAll(shown.Select(n => service.LatestAsync(false, n, CancellationToken.None))))),
            new("inside", "25 × RunIndex.LatestAsync at once (the latest-run blobs alone)", () => Timed(() => Task.WhenAll(shown.Select(n => index.LatestAsync(false, n, CancellationToken.None))))),
            new("inside", "25 × GetInstanceAsync with inputs at once (the instances alone)", () => Timed(() => Task.WhenAll(shownRunIds.Select(id => host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))))),
            new("inside", "25 × RunService.LatestAsync one after another", () => Timed(async () =>
            {
                foreach (var n in shown) await service.LatestAsync(false, n, CancellationToken.None);
                return 0;
            })),
            new("inside", "1 × RunIndex.LatestAsync (the latest-run blob)", () => Timed(() => index.LatestAsync(false, names[1], CancellationToken.None))),
            new("inside", "1 × RunIndex.PageAsync (a notebook's 10 newest index entries, a prefix listing)", () => Timed(() => index.PageAsync(false, names[1], 10, null, CancellationToken.None))),
            new("inside", "1 × the run's manifest blob, for comparison (runs container)", () => Timed(() => blobs.GetBlobContainerClient(StorageLayout.RunsContainer).GetBlobClient(StorageLayout.ManifestBlob(realRunId!)).DownloadContentAsync())),
            new("inside", "1 × GetInstanceAsync with inputs (the durable instance)", () => Timed(() => host.Client.GetInstanceAsync(latest[1]!, getInputsAndOutputs: true))),
            new("inside", "GetAllInstancesAsync: one backend page of 25 with inputs", () => Timed(async () =>
            {
                await foreach (var page in host.Client.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 25, FetchInputsAndOutputs = true }).AsPages(null, 25)) return page.Values.Count;
                return 0;
            })),
        };

        // What storage does on its own, with nothing of this bench asking: 10 s of Azurite's CPU before the measures.
        var idle = await AzuriteCpuAsync(() => Task.Delay(TimeSpan.FromSeconds(10)));
        var all = measures.Concat(breakdown).ToList();
        Say($"measuring: {warmup} warm-up rounds, then {requests} rounds of {all.Count} measures, round-robin");
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var measuring = Stopwatch.StartNew();
        var busy = await AzuriteCpuAsync(async () =>
        {
            for (var round = -warmup; round < requests; round++)
            {
                // Rotated each round, so no measure always follows the same one.
                var offset = ((round % all.Count) + all.Count) % all.Count;
                foreach (var measure in all.Skip(offset).Concat(all.Take(offset)))
                {
                    var (ms, bytes) = await measure.Once();
                    measure.Bytes = bytes;
                    if (round >= 0) measure.Samples.Add(ms);
                }
            }
        });

        var own = $"{(Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds / measuring.Elapsed.TotalSeconds:P0}";
        var endLoad = LoadAverage();
        var sizes = WebApp.Sizes;
        var assetBytes = new Dictionary<string, byte[]> { ["index.html"] = shell.Body };
        foreach (var link in assets) assetBytes[link.Contains("app.js", StringComparison.Ordinal) ? "app.js" : "app.css"] = (await GetAsync(link)).Body;

        // ---- report -------------------------------------------------------------------------------------------------
        Line($"# bench/webapp results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {startLoad} at the start, {endLoad} at the end");
        Line(string.Empty);
        Line($"Store: {notebookCount:N0} seeded notebooks ({prefix}-*) among {publishedNotebooks:N0} published notebooks ({notebookBlobs:N0} version blobs) and {publishedPipelines:N0} pipelines ({pipelineBlobs:N0} blobs) in this Azurite; task hub {hub} (Azure Storage backend) holding {listed:N0} runs: 1 Completed, {seeded:N0} Pending.");
        Line($"Azurite: {(privateAzurite ? "the bench's own (--private-azurite: empty at the start, nothing else using it)" : "the shared dev instance")}{(azuritePid is null ? string.Empty : $", pid {azuritePid}: {idle} of a core for 10 s before the measures with nothing of this bench asking, {busy} during the measures (this process — API host, durable sidecar and client — {own}); its table store {DbSize("__azurite_db_table__.json")}, blob store {DbSize("__azurite_db_blob__.json")} (the JSON it saves its state to)")}.");
        Line($"Requests: {warmup} warm-up rounds, then {requests} rounds, one request at a time, measures round-robin; times are the client's, on loopback (request sent → whole body read).");
        Line(string.Empty);
        Line("## Seeding");
        Line(string.Empty);
        Line("| step | seconds |");
        Line("|---|---|");
        foreach (var (what, seconds) in seeding) Line($"| {what} | {seconds:0.0} |");
        Line($"| total | {seeding.Sum(s => s.Seconds):0.0} |");
        Line(string.Empty);
        Line("## Pages (server time of the API calls each view makes)");
        Line(string.Empty);
        Line("| view | request | median | p90 | min | max | response | target | met |");
        Line("|---|---|---|---|---|---|---|---|---|");
        foreach (var m in measures)
        {
            var med = Median(m.Samples);
            Line($"| {m.Group} | {m.Name} | **{med:0.0} ms** | {Percentile(m.Samples, 0.9):0.0} ms | {m.Samples.Min():0.0} | {m.Samples.Max():0.0} | {m.Bytes:N0} B | {(m.Target ? "median < 300 ms" : string.Empty)} | {(m.Target ? (med < 300 ? "yes" : "**no**") : string.Empty)} |");
        }

        Line(string.Empty);
        Line("## Inside a catalog page and a runs page (the handlers' own calls, in process, no HTTP)");
        Line(string.Empty);
        Line("| call | median | p90 | min |");
        Line("|---|---|---|---|");
        foreach (var m in breakdown) Line($"| {m.Name} | {Median(m.Samples):0.0} ms | {Percentile(m.Samples, 0.9):0.0} ms | {m.Samples.Min():0.0} ms |");
        Line(string.Empty);
        Line("## What a first visit downloads (the server does not compress; gzip = System.IO.Compression, Optimal)");
        Line(string.Empty);
        Line("| file | bytes (WebApp.Sizes) | bytes served | gzip |");
        Line("|---|---|---|---|");
        foreach (var name in new[] { "index.html", "app.js", "app.css" }) Line($"| {name} | {sizes[name]:N0} | {assetBytes[name].Length:N0} | {Gzip(assetBytes[name]):N0} |");
        Line($"| total | {sizes.Values.Sum():N0} | {assetBytes.Values.Sum(b => b.Length):N0} | {assetBytes.Values.Sum(Gzip):N0} |");
        Line(string.Empty);
        Line("## Notes");
        Line(string.Empty);
        Line($"- The first page of the whole catalog showed {allShownWithRun} of 25 entries with a last run (the search page: 25 of 25).");
        Line($"- Reading every page of the runs list: {pages} requests, {walk:0.0} s ({walk * 1000 / pages:0} ms a page on average).");
        Line($"- The run page's run: {run["status"]}, {run["chunks"]?.AsArray().Count ?? 0} chunk(s), {files.Count} files listed.");
        Line($"- GET /api/runs?notebook={names[middle]}&top=10 (a notebook with {middleRuns} runs in the hub) returned {notebookRuns} runs{(notebookRuns < Math.Min(10, middleRuns) ? ": fewer than it has, so the filter is not reading the notebook's own runs" : ", its own, from the run index")}.");
        Line($"- The runs list's order: page 1 begins {string.Join(", ", firstPageIds.Take(3))}; the newest run (created {newest.Created:HH:mm:ss.fff}) is on page {newest.Page} of {pages}.");

        var results = Directory.CreateDirectory(Path.Combine(here, "results")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), report.ToString());
        return 0;
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
finally
{
    if (privateData is not null)
    {
        await AzuriteService.StopAsync(CancellationToken.None);
        Directory.Delete(privateData, recursive: true);
        Say("stopped the bench's own Azurite and removed its data");
    }
    else if (keep) Say($"kept: notebooks {prefix}-*, their latest-runs markers, run {realRunId}, container {inputContainer}, task hub {hub}");
    else await CleanUpAsync();
}

// Azurite's CPU (user + system, from /proc) while the work runs, as a share of one core.
async Task<string> AzuriteCpuAsync(Func<Task> work)
{
    static long Ticks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    var before = azuritePid is { } p ? Ticks(p) : 0;
    var sw = Stopwatch.StartNew();
    await work();
    if (azuritePid is not { } pid) return "n/a";
    return $"{(Ticks(pid) - before) / 100.0 / sw.Elapsed.TotalSeconds:P0}";
}

string DbSize(string file)
{
    var path = Path.Combine(AzuriteService.DataFolder, file);
    return File.Exists(path) ? $"{new FileInfo(path).Length / 1e6:0.0} MB" : "n/a";
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// Everything the bench wrote goes, so the dev Azurite's catalog and storage are as they were.
async Task CleanUpAsync()
{
    var clock = Stopwatch.StartNew();
    await DeleteAllAsync(StorageLayout.NotebooksContainer, $"{prefix}-");
    await DeleteAllAsync(StorageLayout.RunIndexContainer, $"notebooks/{prefix}-");
    await DeleteAllAsync(StorageLayout.RunIndexContainer, $"latest/notebooks/{prefix}-");
    await DeleteAllAsync(StorageLayout.RunIndexContainer, "all/", name => name.Contains($"-{prefix}-", StringComparison.Ordinal));
    if (realRunId is not null) await DeleteAllAsync(StorageLayout.RunsContainer, $"{realRunId}/");
    await blobs.GetBlobContainerClient(inputContainer).DeleteIfExistsAsync();
    await new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(storage.Connection),
        TaskHubName = hub,
        PartitionCount = 1,
        UseTablePartitionManagement = true,
    }).DeleteAsync();
    Say($"removed the seeded notebooks, markers, run, input and task hub {hub} in {clock.Elapsed.TotalSeconds:0.0} s");
}

async Task DeleteAllAsync(string container, string blobPrefix, Func<string, bool>? only = null)
{
    var client = blobs.GetBlobContainerClient(container);
    var found = new List<string>();
    await foreach (var item in client.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = blobPrefix }))
    {
        if (only is null || only(item.Name)) found.Add(item.Name);
    }

    await Parallel.ForEachAsync(found, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (name, cancel) => await client.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancel));
}

async Task<int> CountBlobsAsync(string container)
{
    var count = 0;
    try
    {
        await foreach (var _ in blobs.GetBlobContainerClient(container).GetBlobsAsync()) count++;
    }
    catch (Azure.RequestFailedException e) when (e.Status == 404)
    {
    }

    return count;
}

// The notebook every seeded name publishes (each different, so each is its own version): a title and a paragraph (the
// catalog's description), a parameters cell, and two cells that total the CSV input's values.
static Notebook BenchNotebook(int i)
{
    var region = Regions[i % Regions.Length];
    var markdown = $"# Regional totals {i}\n\nTotals the value column of a CSV input for the {region} region, as a daily report would; seeded by bench/webapp.";
    var root = new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
        ["cells"] = new JsonArray(
            Cell.NewMarkdown(markdown, "intro").Json,
            Cell.NewCode($"input_path = ''\noutput_dir = 'out'\nregion = '{region}'", "params", "parameters").Json,
            Cell.NewCode("import csv, glob, os\npaths = sorted(glob.glob(os.path.join(input_path, '*.csv'))) if os.path.isdir(input_path) else [input_path]\nrows = [r for p in paths for r in csv.DictReader(open(p))]", "c0").Json,
            Cell.NewCode("os.makedirs(output_dir, exist_ok=True)\nwith open(os.path.join(output_dir, 'totals.csv'), 'w') as f:\n    f.write('rows,total\\n%d,%d\\n' % (len(rows), sum(int(r['value']) for r in rows)))", "c1").Json),
    };
    return NotebookReader.FromJson(root, $"regional-totals-{i}.ipynb");
}

static async Task<(double Ms, int Bytes)> Ms(Task<(double Ms, byte[] Body)> get)
{
    var (ms, body) = await get;
    return (ms, body.Length);
}

static async Task<(double Ms, int Bytes)> Timed<T>(Func<Task<T>> call)
{
    var sw = Stopwatch.StartNew();
    await call();
    return (sw.Elapsed.TotalMilliseconds, 0);
}

static int Gzip(byte[] bytes)
{
    using var buffer = new MemoryStream();
    using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
    return (int)buffer.Length;
}

static double Median(List<double> values) => Percentile(values, 0.5);

// Nearest rank for p90; the middle (or the mean of the two middle values) for the median.
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0) return double.NaN;
    if (p == 0.5) return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static void Fail(string message) => throw new BenchFailure(message);

/// <summary>One request (or in-process call) measured every round.</summary>
internal sealed record Measure(string Group, string Name, Func<Task<(double Ms, int Bytes)>> Once, bool Target = false)
{
    public List<double> Samples { get; } = [];

    /// <summary>The size of the last response body (0 for calls in process).</summary>
    public int Bytes { get; set; }
}

/// <summary>A check failed: the bench stops, and still removes what it seeded.</summary>
internal sealed class BenchFailure(string message) : Exception(message);

internal static partial class Program
{
    private static readonly string[] Regions = ["north", "south", "east", "west", "central"];

    [GeneratedRegex(@"/app/assets/app\.(js|css)\?v=[0-9a-f]+")]
    private static partial Regex AssetLink();
}
