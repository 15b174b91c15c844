using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;

// bench/fanout: the durable fan-out against what people do today, side by side in one run (read the ratios).
//   dotnet run -c Release --project bench/fanout -- [--megabytes 200] [--big-megabytes 1024] [--trivial-chunks 1000] [--skip-big] [--skip-trivial]
//   dotnet run -c Release --project bench/fanout -- --only-trivial [--trivial-chunks 1000]   (per-chunk overhead only)
//   dotnet run -c Release --project bench/fanout -- --map-reduce [--rounds 3] [--megabytes 200]   (map + reduce only)
//   dotnet run -c Release --project bench/fanout -- --headline [--rounds 3]   (input in storage and in place vs the floor)
// Needs ./nbf built (./nbf --help), Azurite installed (scripts/azurite.sh install; nbf starts it), scripts/setup.sh --dev.

var megabytes = Arg("--megabytes", 200);
var bigMegabytes = Arg("--big-megabytes", 1024);
var trivialChunks = Arg("--trivial-chunks", 1000);
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbf = Path.Combine(root, ".tools", "nbf", "nbf");
var python = "/usr/bin/python3";
var notebook = Path.Combine(root, "samples", "sales", "sales_analysis.ipynb");
var generator = Path.Combine(root, "samples", "sales", "generate_sales.py");
var baselines = Path.Combine(here, "baselines.py");
var data = Directory.CreateDirectory(Path.Combine(root, "samples", "sales", "data")).FullName; // git-ignored
var scratch = Directory.CreateTempSubdirectory("nbf-fanout-").FullName;
var hub = $"bench{DateTime.UtcNow:MMddHHmmss}";
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# bench/fanout results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
Line(string.Empty);

// --only-trivial: the per-chunk overhead alone (section 3), without generating or reading the 200 MB sample.
var onlyTrivial = args.Contains("--only-trivial");

// 1. 200 MB: nbf fan-out vs a sequential nbclient loop over the same pre-split files vs the plain-script floor.
var csv = Path.Combine(data, $"sales-{megabytes}mb.csv");
string[] halves = [];
if (!onlyTrivial)
{
    if (!File.Exists(csv)) Run(python, [generator, csv, "--megabytes", megabytes.ToString(CultureInfo.InvariantCulture)]);
    var half = Path.Combine(scratch, "halves");
    Run(python, [baselines, "split", csv, half, (megabytes / 2.0 + 0.5).ToString(CultureInfo.InvariantCulture)]);
    halves = Directory.GetFiles(half).Order(StringComparer.Ordinal).ToArray();
}

if (args.Contains("--headline"))
{
    await HeadlineAsync(Arg("--rounds", 3));
    await WriteReportAsync();
    return 0;
}

if (args.Contains("--map-reduce"))
{
    await MapReduceAsync(Arg("--rounds", 3));
    await WriteReportAsync();
    return 0;
}

if (!onlyTrivial) FanOutAgainstBaselines();

void FanOutAgainstBaselines()
{
    var parts = Path.Combine(scratch, "parts");
    Run(python, [baselines, "split", csv, parts, "16"]);
    var partFiles = Directory.GetFiles(parts).Order(StringComparer.Ordinal).ToArray();

    var fanout = Measure(nbf, ["run", notebook, "--input", csv, "--split", "16MB", "--parallel", "2", "--run-id", $"bench-{Guid.NewGuid():N}"[..18]]);
    // The same with the input copied to storage first, as every local run did before inputs were read in place.
    var uploaded = Measure(nbf, ["run", notebook, "--input", csv, "--split", "16MB", "--parallel", "2", "--upload", "--run-id", $"bench-{Guid.NewGuid():N}"[..18]]);
    var loop = Measure(python, [baselines, "nbclient", notebook, Path.Combine(scratch, "loop"), .. partFiles]);
    var whole = Measure(python, [baselines, "script", notebook, csv, Path.Combine(scratch, "whole")]);
    var twoProcesses = MeasureTogether(halves.Select((h, i) => (python, new[] { baselines, "script", notebook, h, Path.Combine(scratch, $"half{i}") })).ToArray());

    Line($"## {megabytes} MB CSV ({partFiles.Length} chunks of 16 MB), the sample notebook");
    Line(string.Empty);
    Line("| contender | seconds | ratio |");
    Line("|---|---|---|");
    Line($"| (a) nbf run --split 16MB --parallel 2 (durable, Azurite, fresh kernel per chunk, the file read in place) | {fanout.Seconds:0.0} | 1.00× |");
    Line($"| (a-up) the same with --upload (the file copied to Azurite first, then read back by the chunks) | {uploaded.Seconds:0.0} | (a) is {uploaded.Seconds / fanout.Seconds:0.00}× faster |");
    Line($"| (b) nbclient over the pre-split files, one after another | {loop.Seconds:0.0} | (a) is {loop.Seconds / fanout.Seconds:0.00}× faster |");
    Line($"| (c) plain python3 script over the whole file | {whole.Seconds:0.0} | (a) / (c) = {fanout.Seconds / whole.Seconds:0.00}× |");
    Line($"| (c) plain python3 script over 2 halves in 2 processes | {twoProcesses:0.0} | (a) / (c2) = {fanout.Seconds / twoProcesses:0.00}× |");
    Line($"| nbf host process peak RSS | {fanout.PeakRssMb:0} MB | |");
    Line(string.Empty);

    // 2. Host memory does not grow with the input.
    if (!args.Contains("--skip-big"))
    {
        var big = Path.Combine(data, $"sales-{bigMegabytes}mb.csv");
        if (!File.Exists(big)) Run(python, [generator, big, "--megabytes", bigMegabytes.ToString(CultureInfo.InvariantCulture)]);
        var bigRun = Measure(nbf, ["run", notebook, "--input", big, "--split", "16MB", "--parallel", "2", "--run-id", $"bench-{Guid.NewGuid():N}"[..18]]);
        Line($"## {bigMegabytes} MB CSV: host memory");
        Line(string.Empty);
        Line($"nbf host process peak RSS {bigRun.PeakRssMb:0} MB over {bigRun.Seconds:0.0} s (the {megabytes} MB run peaked at {fanout.PeakRssMb:0} MB; kernels are separate processes).");
        Line(string.Empty);
    }
}

// 3. Many tiny chunks: orchestration overhead per chunk.
if (!args.Contains("--skip-trivial"))
{
    var trivialNotebook = Path.Combine(scratch, "trivial.ipynb");
    await File.WriteAllTextAsync(trivialNotebook, """
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
         "cells": [{"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "execution_count": null, "outputs": [], "source": "input_path = ''\noutput_dir = ''"},
                   {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": null, "outputs": [], "source": "n = sum(1 for _ in open(input_path))"}]}
        """);
    var lines = Path.Combine(scratch, "lines.jsonl");
    await File.WriteAllLinesAsync(lines, Enumerable.Range(0, trivialChunks).Select(i => $"{{\"i\": {i}}}"));
    var trivial = Measure(nbf, ["run", trivialNotebook, "--input", lines, "--split", "1", "--parallel", "2", "--run-id", $"bench-{Guid.NewGuid():N}"[..18]]);
    var perChunk = trivial.Seconds / trivialChunks;
    Line($"## {trivialChunks} chunks of a trivial notebook");
    Line(string.Empty);
    Line($"completed in {trivial.Seconds:0.0} s: {trivialChunks / trivial.Seconds:0.00} chunks/s, {perChunk * 1000:0} ms per chunk with 2 in parallel; host peak RSS {trivial.PeakRssMb:0} MB.");
}

await WriteReportAsync();
return 0;

async Task WriteReportAsync()
{
    var results = Directory.CreateDirectory(Path.Combine(here, "results")).FullName;
    await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), report.ToString());
}

// 4. Map + reduce: nbf run now also runs the reduce notebook the map names (sales_totals.ipynb), for one row per region.
// Against the 2-process floor plus the same reduce in plain python over the two partial summaries; rounds interleaved.
async Task MapReduceAsync(int rounds)
{
    var blobs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");
    // (a0): the same notebook without metadata.notebook_functions.reduce, so what the reduce adds shows as (a) − (a0).
    var mapOnly = await MapOnlyNotebookAsync();
    // The reference: whole-file totals summed in integer cents (untimed).
    var exactCsv = Path.Combine(scratch, "exact.csv");
    Run(python, [baselines, "exact", csv, exactCsv]);
    var exact = ReadTotals(await File.ReadAllTextAsync(exactCsv));

    var contenders = new[] { "a", "a0", "c2+r", "c" };
    var seconds = contenders.ToDictionary(c => c, _ => new List<double>());
    var floorOnly = new List<double>();
    var reduceOnly = new List<double>();
    var reduceKernel = new List<double>();
    var reduceWait = new List<double>();
    var rss = new List<double>();
    var mismatches = new List<string>();
    var chunks = 0;
    void Check(string who, Dictionary<string, (long, long, decimal)> totals)
    {
        if (!totals.OrderBy(t => t.Key, StringComparer.Ordinal).SequenceEqual(exact.OrderBy(t => t.Key, StringComparer.Ordinal)))
            mismatches.Add($"{who}: {string.Join("; ", totals.Select(t => $"{t.Key} {t.Value}"))}");
    }

    var stamp = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
    for (var round = 0; round < rounds; round++)
    {
        foreach (var contender in contenders.Skip(round % contenders.Length).Concat(contenders.Take(round % contenders.Length)))
        {
            switch (contender)
            {
                case "a":
                {
                    var id = $"mr{stamp}-{round}";
                    var run = Measure(nbf, ["run", notebook, "--input", csv, "--split", "16MB", "--parallel", "2", "--run-id", id]);
                    seconds[contender].Add(run.Seconds);
                    rss.Add(run.PeakRssMb);
                    Check($"(a) round {round}", ReadTotals((await blobs.GetBlobClient($"{id}/reduce/files/totals_by_region.csv").DownloadContentAsync()).Value.Content.ToString()));
                    var manifest = JsonNode.Parse((await blobs.GetBlobClient($"{id}/manifest.json").DownloadContentAsync()).Value.Content.ToString())!;
                    var lastChunkEnd = manifest["chunks"]!.AsArray().Max(c => c!["started_at"]!.GetValue<DateTimeOffset>().AddSeconds(c["duration_seconds"]!.GetValue<double>()));
                    chunks = manifest["chunks"]!.AsArray().Count;
                    var reduce = manifest["reduce"]!;
                    reduceKernel.Add(reduce["duration_seconds"]!.GetValue<double>());
                    reduceWait.Add((reduce["started_at"]!.GetValue<DateTimeOffset>() - lastChunkEnd).TotalSeconds);
                    break;
                }
                case "a0":
                    seconds[contender].Add(Measure(nbf, ["run", mapOnly, "--input", csv, "--split", "16MB", "--parallel", "2", "--run-id", $"mo{stamp}-{round}"]).Seconds);
                    break;
                case "c2+r":
                {
                    var outs = halves.Select((_, i) => Path.Combine(scratch, $"mr-half{i}")).ToArray();
                    var floor = MeasureTogether(halves.Select((h, i) => (python, new[] { baselines, "script", notebook, h, outs[i] })).ToArray());
                    var totalsDir = Path.Combine(scratch, "mr-floor-totals");
                    var reduce = Measure(python, [baselines, "reduce", totalsDir, .. outs]).Seconds;
                    floorOnly.Add(floor);
                    reduceOnly.Add(reduce);
                    seconds[contender].Add(floor + reduce);
                    Check($"(c2+r) round {round}", ReadTotals(await File.ReadAllTextAsync(Path.Combine(totalsDir, "totals_by_region.csv"))));
                    break;
                }
                default:
                {
                    var whole = Path.Combine(scratch, "mr-whole");
                    seconds[contender].Add(Measure(python, [baselines, "script", notebook, csv, whole]).Seconds);
                    Check($"(c) round {round}", ReadTotals(await File.ReadAllTextAsync(Path.Combine(whole, "summary_by_region.csv"))));
                    break;
                }
            }

            Console.Error.WriteLine($"round {round}: {contender} {seconds[contender][^1]:0.0} s");
        }
    }

    // Ratios within each round as well: on a shared machine the load moves between rounds more than within one.
    string Ratios(List<double> x, List<double> y) => string.Join(", ", x.Zip(y, (u, v) => (u / v).ToString("0.00", CultureInfo.InvariantCulture)));
    string Each(List<double> list) => string.Join(", ", list.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
    var a = Median(seconds["a"]);
    var a0 = Median(seconds["a0"]);
    var floorAndReduce = Median(seconds["c2+r"]);
    var floor2 = Median(floorOnly);
    var wholeScript = Median(seconds["c"]);
    Line($"## {megabytes} MB CSV, map + reduce: {chunks} chunks of 16 MB, then the reduce (sales_totals.ipynb); {rounds} rounds, medians");
    Line(string.Empty);
    Line("| contender | seconds, median (each round) | ratio |");
    Line("|---|---|---|");
    Line($"| (a) nbf run --split 16MB --parallel 2, map + reduce | {a:0.0} ({Each(seconds["a"])}) | 1.00× |");
    Line($"| (a0) the same, map only (the notebook without its reduce) | {a0:0.0} ({Each(seconds["a0"])}) | (a) − (a0) = {a - a0:+0.0;-0.0} s |");
    Line($"| (c2) plain python3 over 2 halves in 2 processes | {floor2:0.0} ({Each(floorOnly)}) | (a0) / (c2) = {a0 / floor2:0.00}× (rounds: {Ratios(seconds["a0"], floorOnly)}) |");
    Line($"| (c2+r) (c2), then the reduce in plain python3 over the 2 partial summaries | {floorAndReduce:0.0} ({Each(seconds["c2+r"])}); reduce alone {Median(reduceOnly):0.00} | **(a) / (c2+r) = {a / floorAndReduce:0.00}×** (rounds: {Ratios(seconds["a"], seconds["c2+r"])}) |");
    Line($"| (c) plain python3 over the whole file | {wholeScript:0.0} ({Each(seconds["c"])}) | (a) / (c) = {a / wholeScript:0.00}× |");
    Line($"| nbf host process peak RSS, (a) | {Median(rss):0} MB | |");
    Line(string.Empty);
    Line($"Inside (a): the reduce's kernel work {Median(reduceKernel):0.00} s, started {Median(reduceWait):0.00} s after the last chunk ended (medians).");
    Line($"Load average at the end: {LoadAverage()}.");
    Line(mismatches.Count == 0
        ? $"Totals: every round's (a) totals_by_region.csv, (c2+r) and (c) equal the whole-file totals summed in integer cents, to the cent ({exact.Count} regions; orders, units, revenue)."
        : $"Totals DIFFER from the whole-file totals in integer cents ({string.Join(", ", exact.Select(t => $"{t.Key} {t.Value}"))}): {string.Join(" | ", mismatches)}");
    Line(string.Empty);
}

// 5. The headline (issue 17): the map over data already in storage (the production case) and over the local file read
// in place, against the 2-process floor, rounds interleaved. The map alone on both sides: the floor runs no reduce.
async Task HeadlineAsync(int rounds)
{
    var mapOnly = await MapOnlyNotebookAsync();
    // The 200 MB in storage once, as a team's data would be: uploaded here untimed, then read by every (s) round.
    var container = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("bench-input");
    await container.CreateIfNotExistsAsync();
    var blob = container.GetBlobClient($"sales-{megabytes}mb/sales.csv");
    if (!await blob.ExistsAsync() || (await blob.GetPropertiesAsync()).Value.ContentLength != new FileInfo(csv).Length)
        await blob.UploadAsync(csv, overwrite: true);

    // (w): a backend already up, as a deployed one is; one untimed run first, as a backend has run before.
    await using var warm = await WarmBackend.StartAsync(nbf, here, $"warm{DateTime.UtcNow:MMddHHmmss}");
    await warm.PublishAsync("bench-sales-map", mapOnly);
    await warm.RunAsync("bench-sales-map", "bench-input", $"sales-{megabytes}mb/", "16MB", 2);

    var contenders = new[] { "w", "s", "l", "c2", "c" };
    var seconds = contenders.ToDictionary(c => c, _ => new List<double>());
    var rss = contenders.ToDictionary(c => c, _ => new List<double>());
    var stamp = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
    for (var round = 0; round < rounds; round++)
    {
        foreach (var contender in contenders.Skip(round % contenders.Length).Concat(contenders.Take(round % contenders.Length)))
        {
            (double Seconds, double PeakRssMb) run = contender == "w" ? (await warm.RunAsync("bench-sales-map", "bench-input", $"sales-{megabytes}mb/", "16MB", 2), 0) : contender switch
            {
                "s" => Measure(nbf, ["run", mapOnly, "--input", $"bench-input/sales-{megabytes}mb/", "--split", "16MB", "--parallel", "2", "--run-id", $"hs{stamp}-{round}"]),
                "l" => Measure(nbf, ["run", mapOnly, "--input", csv, "--split", "16MB", "--parallel", "2", "--run-id", $"hl{stamp}-{round}"]),
                "c2" => (MeasureTogether(halves.Select((h, i) => (python, new[] { baselines, "script", notebook, h, Path.Combine(scratch, $"hh{i}") })).ToArray()), 0),
                _ => Measure(python, [baselines, "script", notebook, csv, Path.Combine(scratch, "hw")]),
            };
            seconds[contender].Add(run.Seconds);
            rss[contender].Add(run.PeakRssMb);
            Console.Error.WriteLine($"round {round}: {contender} {run.Seconds:0.0} s");
        }
    }

    string Ratios(List<double> x, List<double> y) => string.Join(", ", x.Zip(y, (u, v) => (u / v).ToString("0.00", CultureInfo.InvariantCulture)));
    string Each(List<double> list) => string.Join(", ", list.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
    var floor = Median(seconds["c2"]);
    Line($"## Headline: {megabytes} MB, map only, `--split 16MB --parallel 2`; {rounds} rounds interleaved, medians");
    Line(string.Empty);
    Line("| contender | seconds, median (each round) | vs (c2) floor (each round) |");
    Line("|---|---|---|");
    Line($"| (w) a backend already up (`nbf serve`): POST /api/runs over the input in storage, until GET says it ended | {Median(seconds["w"]):0.0} ({Each(seconds["w"])}) | **{Median(seconds["w"]) / floor:0.00}×** ({Ratios(seconds["w"], seconds["c2"])}) |");
    Line($"| (s) nbf run, the input already in storage (`--input container/prefix`): a host started and stopped in each | {Median(seconds["s"]):0.0} ({Each(seconds["s"])}) | **{Median(seconds["s"]) / floor:0.00}×** ({Ratios(seconds["s"], seconds["c2"])}) |");
    Line($"| (l) nbf run, the local file read in place | {Median(seconds["l"]):0.0} ({Each(seconds["l"])}) | **{Median(seconds["l"]) / floor:0.00}×** ({Ratios(seconds["l"], seconds["c2"])}) |");
    Line($"| (c2) plain python3 over 2 halves in 2 processes (the floor) | {floor:0.0} ({Each(seconds["c2"])}) | 1.00× |");
    Line($"| (c) plain python3 over the whole file | {Median(seconds["c"]):0.0} ({Each(seconds["c"])}) | {Median(seconds["c"]) / floor:0.00}× |");
    Line($"| nbf host peak RSS, (s) / (l); the backend of (w) over all its runs | {Median(rss["s"]):0} / {Median(rss["l"]):0}; {PeakRss(warm.Pid):0} MB | |");
    Line(string.Empty);
    Line($"Load average at the end: {LoadAverage()}.");
    Line(string.Empty);
}

// The sample notebook without metadata.notebook_functions.reduce: the map alone.
async Task<string> MapOnlyNotebookAsync()
{
    var mapOnly = Path.Combine(Directory.CreateDirectory(Path.Combine(scratch, "map-only")).FullName, "sales_analysis.ipynb");
    var json = JsonNode.Parse(await File.ReadAllTextAsync(notebook))!;
    json["metadata"]!.AsObject().Remove("notebook_functions");
    await File.WriteAllTextAsync(mapOnly, json.ToJsonString());
    return mapOnly;
}

// region,orders,units,revenue -> region: (orders, units, revenue); revenue as a decimal, so 1.5 and 1.50 are one value.
static Dictionary<string, (long, long, decimal)> ReadTotals(string text) =>
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
        .Select(line => line.Split(','))
        .ToDictionary(f => f[0], f => (long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture), decimal.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture)), StringComparer.Ordinal);

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

(double Seconds, double PeakRssMb) Measure(string file, string[] arguments)
{
    var sw = Stopwatch.StartNew();
    using var p = Start(file, arguments);
    double peak = 0;
    while (!p.WaitForExit(200)) peak = Math.Max(peak, PeakRss(p.Id));
    if (p.ExitCode != 0) Fail($"{file} {string.Join(' ', arguments.Take(4))} exited {p.ExitCode}");
    return (sw.Elapsed.TotalSeconds, peak);
}

double MeasureTogether((string File, string[] Args)[] commands)
{
    var sw = Stopwatch.StartNew();
    var processes = commands.Select(c => Start(c.File, c.Args)).ToList();
    foreach (var p in processes)
    {
        p.WaitForExit();
        if (p.ExitCode != 0) Fail($"a floor process exited {p.ExitCode}");
        p.Dispose();
    }

    return sw.Elapsed.TotalSeconds;
}

Process Start(string file, string[] arguments)
{
    var info = new ProcessStartInfo(file) { WorkingDirectory = here, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) info.ArgumentList.Add(a);
    info.Environment["NBF_TASK_HUB"] = hub;
    info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
    var p = Process.Start(info)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, _) => { };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

static void Run(string file, string[] arguments)
{
    var info = new ProcessStartInfo(file) { UseShellExecute = false };
    foreach (var a in arguments) info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    p.WaitForExit();
    if (p.ExitCode != 0) Fail($"{file} {string.Join(' ', arguments)} exited {p.ExitCode}");
}

static double PeakRss(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        // "VmHWM:\t  123456 kB": the number is the first field after the label, whatever the spacing.
        return line is null ? 0 : double.Parse(line[6..].Trim().Split(' ', '\t')[0], CultureInfo.InvariantCulture) / 1024;
    }
    catch (IOException)
    {
        return 0;
    }
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
    Console.Error.WriteLine($"bench/fanout: {message}");
    Environment.Exit(1);
}
