using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;

// bench/workers: scale-out on one task hub. Sleep-bound chunks (each sleeps --nap seconds) run by 1, 2 and 4
// `nbf worker` processes (--slots chunks each), the run started detached so only the workers run it; then two
// workers with one SIGKILLed mid-run. Throughput is read from the manifest (first chunk start to last chunk end) and
// from submission to the manifest's appearance; the ratio to linear is against the 1-worker run of the same bench.
//   dotnet run -c Release --project bench/workers -- [--chunks 48] [--nap 2] [--slots 2] [--workers 1,2,4] [--skip-kill]
// Needs ./nbf built (./nbf --help) and Azurite listening (scripts/azurite.sh start).

var chunks = Arg("--chunks", 48);
var nap = Arg("--nap", 2);
var slots = Arg("--slots", 2);
var counts = (ArgText("--workers") ?? "1,2,4").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbf = Path.Combine(root, ".tools", "nbf", "nbf");
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");
var scratch = Directory.CreateTempSubdirectory("nbf-workers-").FullName;
var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");

var notebook = Path.Combine(scratch, "sleepy.ipynb");
await File.WriteAllTextAsync(notebook, Notebook());
var lines = Path.Combine(scratch, "lines.jsonl");
await File.WriteAllLinesAsync(lines, Enumerable.Range(0, chunks).Select(i => $"{{\"i\": {i}}}"));

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# bench/workers results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Line($"{chunks} chunks, each sleeping {nap} s; each worker runs {slots} at once; the run is started detached (parallel = workers × slots).");
Line(string.Empty);
Line("| workers | slots | submit → manifest | first start → last end | chunks/s (window) | vs linear | vs the slots' ideal | workers seen | CPU s per chunk: nbf / kernels / Azurite | idle CPU of the workers |");
Line("|---|---|---|---|---|---|---|---|---|---|");
double? single = null;
foreach (var count in counts)
{
    var (total, window, seen, _, cpu) = await RunAsync(count, kill: false);
    var throughput = chunks / window;
    single ??= throughput / count;
    var ideal = count * slots / (double)nap;
    Line(string.Create(CultureInfo.InvariantCulture, $"| {count} | {count * slots} | {total:0.0} s | {window:0.0} s | {throughput:0.00} | {throughput / (single.Value * count):0.00}× | {throughput / ideal:0.00}× | {seen} | {cpu.Nbf / chunks:0.000} / {cpu.Kernels / chunks:0.000} / {cpu.Azurite / chunks:0.000} | {cpu.IdlePerSecond:0.00} core |"));
}

if (!args.Contains("--skip-kill"))
{
    var (total, window, seen, rows, _) = await RunAsync(2, kill: true);
    Line(string.Empty);
    Line(string.Create(CultureInfo.InvariantCulture, $"Two workers, one SIGKILLed {nap * 3} s into the run: completed in {total:0.0} s (window {window:0.0} s), workers seen {seen}; merged rows {rows} of {chunks} (each once: {(rows == chunks ? "yes" : "NO")})."));
}

Directory.CreateDirectory(Path.Combine(here, "results"));
await File.WriteAllTextAsync(Path.Combine(here, "results", $"workers-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md"), report.ToString());
Directory.Delete(scratch, recursive: true);
return 0;

async Task<(double Total, double Window, string Seen, int Rows, CpuUse Cpu)> RunAsync(int count, bool kill)
{
    var hub = $"bw{DateTime.UtcNow:MMddHHmmss}n{count}{(kill ? "k" : string.Empty)}";
    var workers = new List<Process>();
    try
    {
        for (var i = 0; i < count; i++)
        {
            var worker = Start(hub, ["worker", "--parallel", slots.ToString(CultureInfo.InvariantCulture)], $"w{i}");
            workers.Add(worker);
        }

        foreach (var worker in workers)
        {
            var ready = await worker.StandardOutput.ReadLineAsync();
            if (ready is null || !ready.StartsWith("worker ", StringComparison.Ordinal)) Fail($"a worker did not start: {ready}");
        }

        // What the idle workers cost (queue polling, lease renewal) over a few seconds before the run, then the CPU
        // of the run itself: each worker's own process, its kernels (the fork server and every kernel it reaped),
        // and Azurite's, which shares these cores.
        var idleFrom = Cpu.Snapshot(workers);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleTo = Cpu.Snapshot(workers);
        var idlePerSecond = (idleTo.Nbf + idleTo.Kernels - idleFrom.Nbf - idleFrom.Kernels) / 5.0;
        var runId = $"bw-{Guid.NewGuid():N}"[..16];
        var cpuFrom = Cpu.Snapshot(workers);
        var clock = Stopwatch.StartNew();
        using (var start = Start(hub, ["run", notebook, "--input", lines, "--split", "1", "--parallel", (count * slots).ToString(CultureInfo.InvariantCulture), "--detach", "--run-id", runId, "-p", $"nap={nap}"], null))
        {
            await start.WaitForExitAsync();
            if (start.ExitCode != 0) Fail($"nbf run --detach exited {start.ExitCode}: {await start.StandardError.ReadToEndAsync()}");
        }

        var killed = false;
        var manifestBlob = runs.GetBlobClient($"{runId}/manifest.json");
        while (!(await manifestBlob.ExistsAsync()).Value)
        {
            if (kill && !killed && clock.Elapsed.TotalSeconds > nap * 3)
            {
                workers[^1].Kill(entireProcessTree: false);
                killed = true;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(15)) Fail($"run {runId} did not finish in 15 minutes");
            await Task.Delay(100);
        }

        var total = clock.Elapsed.TotalSeconds;
        var cpuTo = Cpu.Snapshot(workers);
        var cpu = new CpuUse(cpuTo.Nbf - cpuFrom.Nbf, cpuTo.Kernels - cpuFrom.Kernels, cpuTo.Azurite - cpuFrom.Azurite, idlePerSecond);
        var manifest = JsonNode.Parse((await manifestBlob.DownloadContentAsync()).Value.Content.ToString())!;
        if (manifest["status"]!.GetValue<string>() != "Completed") Fail($"run {runId} ended {manifest["status"]}");
        var done = manifest["chunks"]!.AsArray().Select(c => (Start: DateTimeOffset.Parse(c!["started_at"]!.GetValue<string>(), CultureInfo.InvariantCulture), Seconds: c["duration_seconds"]!.GetValue<double>(), Worker: c["worker"]!.GetValue<string>())).ToList();
        var window = (done.Max(c => c.Start.AddSeconds(c.Seconds)) - done.Min(c => c.Start)).TotalSeconds;
        var seen = string.Join(" ", done.GroupBy(c => c.Worker).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
        var merged = runs.GetBlobClient($"{runId}/results/rows.jsonl");
        var rows = (await merged.ExistsAsync()).Value ? (await merged.DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : -1;
        return (total, window, seen, rows, cpu);
    }
    finally
    {
        foreach (var worker in workers.Where(w => !w.HasExited))
        {
            Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!worker.WaitForExit(TimeSpan.FromSeconds(30))) worker.Kill(entireProcessTree: true);
        }

        foreach (var worker in workers) worker.Dispose();
    }
}

Process Start(string hub, string[] arguments, string? workerId)
{
    var info = new ProcessStartInfo(nbf) { WorkingDirectory = scratch, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) info.ArgumentList.Add(a);
    info.Environment["NBF_TASK_HUB"] = hub;
    if (workerId is not null) info.Environment["NBF_WORKER_ID"] = workerId;
    var p = Process.Start(info)!;
    // Workers' stderr is drained so they never block on a full pipe; their stdout's first line says they are ready.
    _ = p.StandardError.ReadToEndAsync();
    return p;
}

static string Notebook()
{
    JsonObject Code(string id, string source, bool parameters = false) => new()
    {
        ["cell_type"] = "code", ["id"] = id, ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = source,
        ["metadata"] = parameters ? new JsonObject { ["tags"] = new JsonArray("parameters") } : new JsonObject(),
    };
    return new JsonObject
    {
        ["nbformat"] = 4, ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
        ["cells"] = new JsonArray(
            Code("p", "input_path = 'in.jsonl'\noutput_dir = 'out'\nnap = 2.0", parameters: true),
            Code("s", "import os, shutil, time\ntime.sleep(nap)\nshutil.copy(input_path, os.path.join(output_dir, 'rows.jsonl'))")),
    }.ToJsonString();
}

int Arg(string name, int fallback) => ArgText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static void Fail(string message)
{
    Console.Error.WriteLine($"bench/workers: {message}");
    Environment.Exit(1);
}
