using System.Diagnostics;
using System.Globalization;
using System.Text;

// bench/fanout: the durable fan-out against what people do today, side by side in one run (read the ratios).
//   dotnet run -c Release --project bench/fanout -- [--megabytes 200] [--big-megabytes 1024] [--trivial-chunks 1000] [--skip-big] [--skip-trivial]
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
var data = Directory.CreateDirectory(Path.Combine(here, "data")).FullName;
var scratch = Directory.CreateTempSubdirectory("nbf-fanout-").FullName;
var hub = $"bench{DateTime.UtcNow:MMddHHmmss}";
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# bench/fanout results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
Line(string.Empty);

// 1. 200 MB: nbf fan-out vs a sequential nbclient loop over the same pre-split files vs the plain-script floor.
var csv = Path.Combine(data, $"sales-{megabytes}mb.csv");
if (!File.Exists(csv)) Run(python, [generator, csv, "--megabytes", megabytes.ToString(CultureInfo.InvariantCulture)]);
var parts = Path.Combine(scratch, "parts");
Run(python, [baselines, "split", csv, parts, "16"]);
var partFiles = Directory.GetFiles(parts).Order(StringComparer.Ordinal).ToArray();
var half = Path.Combine(scratch, "halves");
Run(python, [baselines, "split", csv, half, (megabytes / 2.0 + 0.5).ToString(CultureInfo.InvariantCulture)]);
var halves = Directory.GetFiles(half).Order(StringComparer.Ordinal).ToArray();

var fanout = Measure(nbf, ["run", notebook, "--input", csv, "--split", "16MB", "--parallel", "2", "--run-id", $"bench-{Guid.NewGuid():N}"[..18]]);
var loop = Measure(python, [baselines, "nbclient", notebook, Path.Combine(scratch, "loop"), .. partFiles]);
var whole = Measure(python, [baselines, "script", notebook, csv, Path.Combine(scratch, "whole")]);
var twoProcesses = MeasureTogether(halves.Select((h, i) => (python, new[] { baselines, "script", notebook, h, Path.Combine(scratch, $"half{i}") })).ToArray());

Line($"## {megabytes} MB CSV ({partFiles.Length} chunks of 16 MB), the sample notebook");
Line(string.Empty);
Line("| contender | seconds | ratio |");
Line("|---|---|---|");
Line($"| (a) nbf run --split 16MB --parallel 2 (durable, Azurite, fresh kernel per chunk) | {fanout.Seconds:0.0} | 1.00× |");
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

var results = Directory.CreateDirectory(Path.Combine(here, "results")).FullName;
await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), report.ToString());
return 0;

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

static void Fail(string message)
{
    Console.Error.WriteLine($"bench/fanout: {message}");
    Environment.Exit(1);
}
