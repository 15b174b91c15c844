using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Chunks;

// bench/bigrun: big fan-outs. (1) planning N blobs in per-blob mode (the planner nbf and the Functions app use),
// against listing them alone; (2) a run of N trivial chunks (`nbf run --split 1` over N lines): wall time, chunks/s,
// nbf's peak RSS, and the run's own orchestration history (rows in the task hub's history table) against its batches'.
//   dotnet run -c Release --project bench/bigrun -- [--blobs 10000] [--chunks 10000] [--skip-plan] [--skip-run] [--private-azurite] [--nbf PATH]
// Needs ./nbf built (./nbf --help) and Azurite listening (scripts/azurite.sh start).

var blobs = Arg("--blobs", 10000);
var chunks = Arg("--chunks", 10000);
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbfAt = Array.IndexOf(args, "--nbf");
// --nbf PATH: another build of nbf (e.g. published elsewhere while a run of this one still uses .tools/nbf).
var nbf = nbfAt >= 0 && nbfAt + 1 < args.Length ? Path.GetFullPath(args[nbfAt + 1]) : Path.Combine(root, ".tools", "nbf", "nbf");
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");
// --private-azurite: an Azurite of the bench's own, on free ports with an empty data folder (nbf's way of starting a
// second local storage), stopped and removed at the end: a shared one's data folder holds every task hub it ever
// served, and its speed falls with them.
string? privateData = null;
if (args.Contains("--private-azurite"))
{
    privateData = Directory.CreateTempSubdirectory("nbf-bigrun-azurite-").FullName;
    Environment.SetEnvironmentVariable("NBF_AZURITE_DATA", privateData);
    Environment.SetEnvironmentVariable("NBF_AZURITE_PORTS", string.Join(',', Enumerable.Range(0, 3).Select(_ => FreePort())));
}

var Storage = (await NotebookFunctions.Cli.LocalHost.LocalStorage.EnsureAsync(Console.Error.WriteLine)).Connection;
var service = new BlobServiceClient(Storage);
var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# bench/bigrun results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Line(string.Empty);

if (!args.Contains("--skip-plan"))
{
    // The same container is kept between bench runs (named by the count): uploading 10,000 blobs takes longer than planning them.
    var container = service.GetBlobContainerClient($"bench-plan-{blobs}");
    await container.CreateIfNotExistsAsync();
    var have = 0;
    await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "in/" })) have++;
    if (have < blobs)
    {
        var upload = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, blobs), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await container.GetBlobClient($"in/part-{i:D6}.jsonl").UploadAsync(BinaryData.FromString($"{{\"i\": {i}}}\n"), overwrite: true, ct));
        Line(string.Create(CultureInfo.InvariantCulture, $"uploaded {blobs} blobs in {upload.Elapsed.TotalSeconds:0.0} s (once; kept in {container.Name})"));
    }

    var listing = Stopwatch.StartNew();
    var listed = 0;
    await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "in/" })) listed++;
    var listSeconds = listing.Elapsed.TotalSeconds;
    var planning = Stopwatch.StartNew();
    var plan = await new ChunkPlanner(service).PlanAsync(new InputSpec { Container = container.Name, Prefix = "in/", Mode = ChunkMode.PerBlob, MaxChunks = 100_000 });
    var planSeconds = planning.Elapsed.TotalSeconds;
    Line(string.Create(CultureInfo.InvariantCulture, $"per-blob plan of {plan.Count} blobs: **{planSeconds:0.00} s** (target < 10 s); listing them alone {listSeconds:0.00} s ({listed} blobs): planning / listing = {planSeconds / listSeconds:0.00}×"));
}

if (!args.Contains("--skip-run"))
{
    var scratch = Directory.CreateTempSubdirectory("nbf-bigrun-").FullName;
    var notebook = Path.Combine(scratch, "trivial.ipynb");
    await File.WriteAllTextAsync(notebook, """
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
         "cells": [{"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "execution_count": null, "outputs": [], "source": "input_path = 'x'\noutput_dir = 'o'"},
                   {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": null, "outputs": [], "source": "import os, shutil\nshutil.copy(input_path, os.path.join(output_dir, 'rows.jsonl'))"}]}
        """);
    var lines = Path.Combine(scratch, "lines.jsonl");
    await File.WriteAllLinesAsync(lines, Enumerable.Range(0, chunks).Select(i => $"{{\"i\": {i}}}"));
    var hub = $"bigrun{DateTime.UtcNow:MMddHHmmss}";
    var runId = $"big-{Guid.NewGuid():N}"[..16];
    var info = new ProcessStartInfo(nbf) { WorkingDirectory = scratch, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
    foreach (var a in new[] { "run", notebook, "--input", lines, "--split", "1", "--parallel", "2", "--run-id", runId }) info.ArgumentList.Add(a);
    info.Environment["NBF_TASK_HUB"] = hub;
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    _ = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    double peak = 0;
    // RSS now and then (VmRSS), to tell a peak from growth: one sample per minute.
    var timeline = new List<string>();
    var nextSample = TimeSpan.FromMinutes(1);
    while (!process.WaitForExit(500))
    {
        peak = Math.Max(peak, PeakRssMb(process.Id));
        if (clock.Elapsed < nextSample) continue;
        nextSample += TimeSpan.FromMinutes(1);
        timeline.Add(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMinutes:0}m {(NotebookFunctions.Core.Kernels.ProcessMemory.ResidentBytes(process.Id) ?? 0) / 1048576.0:0}"));
    }

    var seconds = clock.Elapsed.TotalSeconds;
    if (process.ExitCode != 0) Fail($"nbf run exited {process.ExitCode}: {(await stderr)[^Math.Min(2000, (await stderr).Length)..]}");
    var runs = service.GetBlobContainerClient("runs");
    var manifest = JsonNode.Parse((await runs.GetBlobClient($"{runId}/manifest.json").DownloadContentAsync()).Value.Content.ToString())!;
    var merged = (await runs.GetBlobClient($"{runId}/results/rows.jsonl").DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    var history = new TableClient(Storage, $"{hub}History");
    var runEvents = await HistoryAsync(history, runId);
    var batchEvents = await HistoryAsync(history, $"{runId}@batch-0");
    Line(string.Create(CultureInfo.InvariantCulture, $"run of {chunks} trivial chunks (--split 1 --parallel 2): {manifest["status"]} in **{seconds:0.0} s, {chunks / seconds:0.00} chunks/s**; merged rows {merged} of {chunks}; nbf peak RSS **{peak:0} MB** (target < 400 MB)"));
    Line($"nbf RSS (MB) by minute: {string.Join(", ", timeline)}");
    Line(string.Create(CultureInfo.InvariantCulture, $"history rows: the run's own {runEvents.Rows}, its first batch's {batchEvents.Rows} (a run in one orchestration holds two or more per chunk: {2 * chunks}+)"));
    Line(string.Create(CultureInfo.InvariantCulture, $"history payload: the run's own {runEvents.Bytes / 1024.0:0} KB (largest row {runEvents.Largest / 1024.0:0} KB, {runEvents.Offloaded} offloaded to blobs), its first batch's {batchEvents.Bytes / 1024.0:0} KB (largest row {batchEvents.Largest / 1024.0:0} KB)"));
    Directory.Delete(scratch, recursive: true);
}

if (privateData is not null)
{
    await NotebookFunctions.Cli.LocalHost.AzuriteService.StopAsync(CancellationToken.None);
    Directory.Delete(privateData, recursive: true);
}

Directory.CreateDirectory(Path.Combine(here, "results"));
await File.WriteAllTextAsync(Path.Combine(here, "results", $"bigrun-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md"), report.ToString());
return 0;

// An orchestration's history rows, the characters of their text columns (inputs, results, status), the largest row's,
// and how many rows had a payload too big for a row (the backend then stores it in a blob, named in a ...BlobName column).
static async Task<(int Rows, long Bytes, long Largest, int Offloaded)> HistoryAsync(TableClient table, string instanceId)
{
    var (rows, bytes, largest, offloaded) = (0, 0L, 0L, 0);
    await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
    {
        rows++;
        var size = entity.Select(p => p.Value).OfType<string>().Sum(v => (long)v.Length);
        bytes += size;
        largest = Math.Max(largest, size);
        if (entity.Keys.Any(k => k.EndsWith("BlobName", StringComparison.Ordinal))) offloaded++;
    }

    return (rows, bytes, largest, offloaded);
}

// The engine's own /proc reader (VmHWM), in MB.
static double PeakRssMb(int pid) => (NotebookFunctions.Core.Kernels.ProcessMemory.PeakResidentBytes(pid) ?? 0) / 1048576.0;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static void Fail(string message)
{
    Console.Error.WriteLine($"bench/bigrun: {message}");
    Environment.Exit(1);
}
