using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

// bench/pipeline: what running three notebooks as one pipeline costs, against running them as three runs by hand,
// side by side in one run, rounds interleaved (read the ratios and the per-step figures, not the seconds).
//   dotnet run -c Release --project bench/pipeline -- [--rounds 5] [--skip-serve]
// Needs ./nbf built (./nbf --help) and Azurite listening (scripts/azurite.sh start).

var rounds = Arg("--rounds", 5);
var withServe = !args.Contains("--skip-serve");
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbf = Path.Combine(root, ".tools", "nbf", "nbf");
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");
var scratch = Directory.CreateTempSubdirectory("nbf-pipeline-").FullName;
var stamp = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
var hub = $"pbench{stamp}";
var serveHub = $"pbenchs{stamp}";
const string ApiKey = "bench-pipeline-key";
var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");

// Three trivial notebooks: each reads the CSV files at the top of input_path (a folder: --whole, or a step's
// results) and writes one small CSV to output_dir, so c.csv shows the chain ran a -> b -> c over the same rows.
var names = new[] { "a", "b", "c" };
foreach (var step in names)
{
    WriteNotebook(Path.Combine(scratch, $"{step}.ipynb"),
        "input_path = ''\noutput_dir = 'out'",
        "import glob, os\nrows = [line for path in sorted(glob.glob(os.path.join(input_path, '*.csv'))) for line in open(path).read().splitlines()[1:]]",
        $"os.makedirs(output_dir, exist_ok=True)\nwith open(os.path.join(output_dir, '{step}.csv'), 'w') as f:\n    f.write('value\\n' + ''.join(f'{step}:{{row}}\\n' for row in rows))");
}

var tiny = Path.Combine(scratch, "tiny.csv");
await File.WriteAllTextAsync(tiny, "value\n1\n2\n3\n");

var startLoad = LoadAverage();
var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

// Warm-up (not counted): publishes the notebooks, uploads tiny.csv once (the pipeline's first step and the runs on
// nbf serve read it from there, as `nbf run --input` would have put it) and lets the disk caches settle.
var seed = $"pbseed-{stamp}";
Invoke(hub, ["run", Path.Combine(scratch, "a.ipynb"), "--input", tiny, "--whole", "--run-id", seed]);
var pipelineFile = Path.Combine(scratch, "chain.pipeline.yaml");
await File.WriteAllTextAsync(pipelineFile, $$"""
    # bench/pipeline: three trivial steps in a chain, each reading the one before
    description: a -> b -> c
    steps:
      a:
        notebook: a.ipynb
        input: {container: inputs, prefix: {{seed}}/}
      b:
        notebook: b.ipynb
        depends_on: [a]
        input: {step: a}
      c:
        notebook: c.ipynb
        depends_on: [b]
        input: {step: b}
    """);

var contenders = new List<string> { "pipeline", "by hand" };
if (withServe) contenders.Add("nbf serve");
var samples = contenders.ToDictionary(c => c, _ => new List<Sample>());
var expected = (string?)null;
for (var round = -1; round < rounds; round++)
{
    // Round -1 is the warm-up; the order rotates each round so no contender always runs first (or after another).
    var order = contenders.Skip((round + 1) % contenders.Count).Concat(contenders.Take((round + 1) % contenders.Count)).ToList();
    foreach (var contender in order)
    {
        var id = $"pb{stamp}-{(round < 0 ? "w" : round.ToString(CultureInfo.InvariantCulture))}";
        var sample = contender switch
        {
            "pipeline" => await PipelineAsync($"{id}-p"),
            "by hand" => await ByHandAsync($"{id}-h"),
            _ => await OnServeAsync(),
        };
        expected ??= sample.Output;
        if (sample.Output != expected) Fail($"{contender}: c.csv differs from the other contenders' ({sample.Output} vs {expected})");
        Console.Error.WriteLine($"round {round}: {contender,-9} wall {sample.Wall:0.00} s, in-run {sample.InRun:0.00} s, kernel work {sample.Kernel:0.00} s{(sample.Graph is { } g ? $", graph {g:0.00} s (summed over the steps: before kernel work {sample.Before:0.00} s, after {sample.After:0.00} s)" : string.Empty)}");
        if (round >= 0) samples[contender].Add(sample);
    }
}

var p = samples["pipeline"];
var h = samples["by hand"];
double Med(List<Sample> list, Func<Sample, double> pick) => Median(list.Select(pick));
var pWall = Med(p, s => s.Wall);
var pRun = Med(p, s => s.InRun);
var pKernel = Med(p, s => s.Kernel);
var pGraph = Med(p, s => s.Graph ?? 0);
var pStepOverhead = Med(p, s => (s.InRun - s.Kernel) / 3);
var pStepOverheadAllIn = Med(p, s => (s.Wall - s.Kernel) / 3);
var hWall = Med(h, s => s.Wall);
var hRun = Med(h, s => s.InRun);
var hRunOverhead = Med(h, s => (s.InRun - s.Kernel) / 3);

Line($"# bench/pipeline results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {rounds} rounds (medians); load average {startLoad} at the start, {LoadAverage()} at the end");
Line(string.Empty);
Line("| contender | wall | in-run (started → ended) | kernel work (3 notebooks) | (in-run − kernel) / 3 |");
Line("|---|---|---|---|---|");
foreach (var contender in contenders)
{
    var list = samples[contender];
    Line($"| {contender} | {Med(list, s => s.Wall):0.00} s | {Med(list, s => s.InRun):0.00} s | {Med(list, s => s.Kernel):0.00} s | {Med(list, s => (s.InRun - s.Kernel) / 3):0.00} s |");
}

Line(string.Empty);
Line($"- pipeline graph time (orchestration's own clock, first step started → last ended): {pGraph:0.00} s; per step, before the kernel work {Med(p, s => s.Before / 3):0.00} s (sub-orchestration start, planning, dispatch), after it {Med(p, s => s.After / 3):0.00} s (merge, manifest, completion)");
Line($"- **pipeline overhead per step** = (in-run − kernel work) / 3 = **{pStepOverhead:0.00} s** (target ≤ 0.5 s: {(pStepOverhead <= 0.5 ? "met" : "not met")})");
Line($"- the same on the orchestration's own clock = (graph − kernel work) / 3 = {Med(p, s => ((s.Graph ?? 0) - s.Kernel) / 3):0.00} s (without the follower's 500 ms polling at either end)");
Line($"- all-in per step, nbf start and exit included = (wall − kernel work) / 3 = {pStepOverheadAllIn:0.00} s; pipeline wall / 3 steps = {pWall / 3:0.00} s");
Line($"- pipeline vs by hand, whole processes: {pWall:0.00} / {hWall:0.00} s = {pWall / hWall:0.00}× (median of each round's ratio {Median(p.Zip(h, (x, y) => x.Wall / y.Wall)):0.00}×); (pipeline − by hand) / 3 = {(pWall - hWall) / 3:+0.00;-0.00} s per step");
Line($"- pipeline vs by hand, in-run only (each process's start counted out the same way): {pRun:0.00} / {hRun:0.00} s = {pRun / hRun:0.00}× (each round's: {Median(p.Zip(h, (x, y) => x.InRun / y.InRun)):0.00}×); per-run overhead by hand {hRunOverhead:0.00} s");
if (withServe)
{
    var s = samples["nbf serve"];
    Line($"- pipeline vs three runs on one warm nbf serve: in-run {pRun:0.00} / {Med(s, x => x.InRun):0.00} s = {pRun / Med(s, x => x.InRun):0.00}×; client walls {Med(s, x => x.Wall):0.00} s (serve's start not counted)");
}

Line($"- every contender's c.csv: {expected?.Replace("\n", " ", StringComparison.Ordinal)}");
var results = Directory.CreateDirectory(Path.Combine(here, "results")).FullName;
await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), report.ToString());
return 0;

// One `nbf run x.pipeline.yaml`: one process, one host, the three steps as sub-orchestrations.
async Task<Sample> PipelineAsync(string runId)
{
    var run = Invoke(hub, ["run", pipelineFile, "--run-id", runId]);
    var manifest = await JsonAsync($"{runId}/manifest.json");
    var started = manifest["started_at"]!.GetValue<DateTimeOffset>();
    var ended = manifest["steps"]!.AsArray().Max(s => s!["ended_at"]!.GetValue<DateTimeOffset>());
    double kernel = 0, before = 0, after = 0;
    foreach (var step in manifest["steps"]!.AsArray())
    {
        // Where a step's time goes on the orchestration's clock: until its chunk's kernel work starts (sub-orchestration
        // start, planning, the chunk activity's dispatch), the kernel work, and after it (merge, manifest, completion).
        var chunks = (await JsonAsync($"{runId}/steps/{step!["name"]!.GetValue<string>()}/manifest.json"))["chunks"]!.AsArray();
        var chunk = chunks.Single()!;
        var chunkStart = chunk["started_at"]!.GetValue<DateTimeOffset>();
        var duration = chunk["duration_seconds"]!.GetValue<double>();
        kernel += duration;
        before += (chunkStart - step["started_at"]!.GetValue<DateTimeOffset>()).TotalSeconds;
        after += (step["ended_at"]!.GetValue<DateTimeOffset>() - chunkStart).TotalSeconds - duration;
    }

    return new Sample(run.Wall, run.InRun(runId), kernel, (ended - started).TotalSeconds, await TextAsync($"{runId}/steps/c/results/c.csv")) { Before = before, After = after };
}

// What a user does without pipelines: three `nbf run --whole` one after another, each over the one before's results.
async Task<Sample> ByHandAsync(string prefix)
{
    double wall = 0, inRun = 0, kernel = 0;
    var input = tiny;
    foreach (var step in names)
    {
        var runId = $"{prefix}{step}";
        var run = Invoke(hub, ["run", Path.Combine(scratch, $"{step}.ipynb"), "--input", input, "--whole", "--run-id", runId]);
        wall += run.Wall;
        inRun += run.InRun(runId);
        kernel += KernelSeconds(await JsonAsync($"{runId}/manifest.json"));
        input = $"runs/{runId}/results/";
    }

    return new Sample(wall, inRun, kernel, null, await TextAsync($"{prefix}c/results/c.csv"));
}

// The same three runs on one long-lived host (`nbf serve`, started before and stopped after, neither counted):
// each `nbf run --api` client still starts a process, but no host, and the kernels are already warm.
async Task<Sample> OnServeAsync()
{
    var port = FreePort();
    var serve = Start(serveHub, ["serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--api-key", ApiKey]);
    var listening = new TaskCompletionSource();
    serve.OutputDataReceived += (_, e) => { if (e.Data?.Contains("listening", StringComparison.Ordinal) == true) listening.TrySetResult(); };
    serve.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("listening", StringComparison.Ordinal) == true) listening.TrySetResult(); };
    serve.BeginOutputReadLine();
    serve.BeginErrorReadLine();
    try
    {
        if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60))) != listening.Task) Fail("nbf serve did not start listening in 60 s");
        await Task.Delay(TimeSpan.FromSeconds(3)); // its kernel pool warms up: the steady state of a running service
        var api = $"http://127.0.0.1:{port}/api";
        double wall = 0, inRun = 0, kernel = 0;
        var input = $"inputs/{seed}/";
        string? last = null;
        foreach (var step in names)
        {
            var run = Invoke(serveHub, ["run", Path.Combine(scratch, $"{step}.ipynb"), "--api", api, "--api-key", ApiKey, "--publish", "--input", input, "--whole"]);
            var runId = run.Stdout.Trim();
            wall += run.Wall;
            inRun += run.InRun(runId);
            kernel += KernelSeconds(await JsonAsync($"{runId}/manifest.json"));
            input = $"runs/{runId}/results/";
            last = runId;
        }

        return new Sample(wall, inRun, kernel, null, await TextAsync($"{last}/results/c.csv"));
    }
    finally
    {
        // SIGTERM, as Ctrl+C would: serve stops its worker and kernels itself.
        using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!serve.WaitForExit(TimeSpan.FromSeconds(30))) serve.Kill(entireProcessTree: true);
        serve.Dispose();
    }
}

static double KernelSeconds(JsonNode manifest) =>
    manifest["chunks"]!.AsArray().Sum(c => c!["duration_seconds"]!.GetValue<double>());

async Task<JsonNode> JsonAsync(string blob) => JsonNode.Parse(await TextAsync(blob))!;

async Task<string> TextAsync(string blob) => (await runs.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToString();

// Runs nbf to the end, timing each stderr line as it arrives (the "started" and "Completed" lines bound the run).
Invocation Invoke(string taskHub, string[] arguments)
{
    var lines = new List<(double At, string Text)>();
    var stdout = new StringBuilder();
    var sw = Stopwatch.StartNew();
    using var process = Start(taskHub, arguments);
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add((sw.Elapsed.TotalSeconds, e.Data)); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    process.WaitForExit();
    var wall = sw.Elapsed.TotalSeconds;
    process.WaitForExit(); // the redirected streams are drained
    if (process.ExitCode != 0) Fail($"nbf {string.Join(' ', arguments)} exited {process.ExitCode}:\n{string.Join('\n', lines.Select(l => l.Text))}");
    lock (lines) return new Invocation(wall, [.. lines], stdout.ToString());
}

Process Start(string taskHub, string[] arguments)
{
    var info = new ProcessStartInfo(nbf) { WorkingDirectory = scratch, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) info.ArgumentList.Add(a);
    info.Environment["NBF_TASK_HUB"] = taskHub;
    info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
    return Process.Start(info)!;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static void WriteNotebook(string path, string parameters, params string[] cells)
{
    static JsonObject Cell(string id, string source, params string[] tags) => new()
    {
        ["cell_type"] = "code",
        ["id"] = id,
        ["metadata"] = tags.Length == 0 ? new JsonObject() : new JsonObject { ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()) },
        ["execution_count"] = null,
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };
    var all = new JsonArray(Cell("params", parameters, "parameters"));
    for (var i = 0; i < cells.Length; i++) all.Add(Cell($"c{i}", cells[i]));
    var notebook = new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
        ["cells"] = all,
    };
    File.WriteAllText(path, notebook.ToJsonString());
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

// The machine is shared: the 1-minute load average says how much else ran beside the bench.
static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static void Fail(string message)
{
    Console.Error.WriteLine($"bench/pipeline: {message}");
    Environment.Exit(1);
}

/// <summary>One contender's round: process wall time, started→ended as its nbf saw it, the notebooks' own time.</summary>
internal sealed record Sample(double Wall, double InRun, double Kernel, double? Graph, string Output)
{
    /// <summary>Pipeline only, summed over its steps: step start → kernel work start, and kernel work end → step end.</summary>
    public double Before { get; init; }

    public double After { get; init; }
}

/// <summary>One nbf process: its wall time and its stderr lines, each with the second it arrived.</summary>
internal sealed partial record Invocation(double Wall, IReadOnlyList<(double At, string Text)> Lines, string Stdout)
{
    /// <summary>From the "run ID started" line to the "run ID Completed" line (pipeline runs say "pipeline run ID ...").</summary>
    public double InRun(string runId)
    {
        var started = Lines.First(l => l.Text.Contains($"run {runId} started", StringComparison.Ordinal)).At;
        var ended = Lines.First(l => Ended().IsMatch(l.Text) && l.Text.Contains($"run {runId} Completed", StringComparison.Ordinal)).At;
        return ended - started;
    }

    [GeneratedRegex(@"run \S+ Completed")]
    private static partial Regex Ended();
}
