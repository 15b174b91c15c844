using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Kernels.Memory;

// bench/memory: what a kernel memory limit and memory following (per-cell peaks, a 200 ms sampler) cost per chunk.
//   dotnet run -c Release --project bench/memory -- [--rounds 10] [--megabytes 16]
// One 16 MB chunk of the sales sample (what --split 16MB gives each kernel of the 200 MB fan-out), run by
// samples/sales/sales_analysis.ipynb on kernels from one warm pool, three ways interleaved round by round:
//   off      memory not followed, no limit (what a run cost before this existed)
//   followed per-cell peaks and the sampler, no limit (every run now)
//   limited  followed, under a 2 GB limit (prlimit on the kernel, host budget reserved)
// Then the pieces on their own: one sample, one per-cell reset, one prlimit, one budget reservation.

var rounds = Arg("--rounds", 10);
var megabytes = Arg("--megabytes", 16);
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var work = Directory.CreateTempSubdirectory("nbf-bench-memory-").FullName;
var chunk = Path.Combine(work, "chunk.csv");
Run("/usr/bin/python3", [Path.Combine(root, "samples", "sales", "generate_sales.py"), chunk, "--megabytes", megabytes.ToString(CultureInfo.InvariantCulture)]);
var notebookPath = Path.Combine(root, "samples", "sales", "sales_analysis.ipynb");

var spec = new KernelSpecFinder().Find("python3");
await using var pool = new KernelPool(spec, new KernelPoolOptions { Size = 2, PreImports = "import pandas, numpy", WorkingDirectory = work });
var runner = new NotebookRunner(new NotebookExecutor(pool));
var modes = new (string Name, ExecutionOptions Options)[]
{
    ("off", new ExecutionOptions { RecordMemory = false }),
    ("followed", new ExecutionOptions()),
    ("limited", new ExecutionOptions { MemoryLimitBytes = 2048L << 20 }),
};
var seconds = modes.ToDictionary(m => m.Name, _ => new List<double>());
var peaks = new List<double>();
await RunOnceAsync(modes[0].Options); // warm-up: page cache, pool
for (var round = 0; round < rounds; round++)
{
    foreach (var (name, options) in modes.Skip(round % modes.Length).Concat(modes.Take(round % modes.Length)))
    {
        var (elapsed, result) = await RunOnceAsync(options);
        seconds[name].Add(elapsed);
        if (result.PeakMemoryBytes is { } p && name != "off") peaks.Add(p / 1048576.0);
        Console.Error.WriteLine($"round {round}: {name} {elapsed:0.000} s");
    }
}

// The pieces, on a live kernel.
var kernel = await Kernel.StartAsync(spec);
var pid = kernel.ProcessId;
var sample = PerCall(20_000, () => ProcessMemory.PeakResidentBytes(pid));
var reset = PerCall(20_000, () => ProcessMemory.ResetPeak(pid));
var limit = PerCall(20_000, () => KernelMemoryLimits.Apply(pid, 4096L << 20));
var budget = new HostMemoryBudget(1L << 40);
var reserve = PerCall(20_000, () => budget.ReserveAsync(1 << 30, CancellationToken.None).Result.Dispose());
await kernel.DisposeAsync();

var report = new StringBuilder();
var off = Median(seconds["off"]);
report.AppendLine(CultureInfo.InvariantCulture, $"# bench/memory, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {megabytes} MB chunk, median of {rounds}, mechanism: {KernelMemoryLimits.Describe(KernelMemoryLimits.Mechanism)}");
report.AppendLine();
report.AppendLine("| way | seconds per chunk, median | ratio to off |");
report.AppendLine("|---|---|---|");
foreach (var (name, _) in modes)
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(seconds[name]):0.000} (each: {string.Join(", ", seconds[name].Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))}) | {Median(seconds[name]) / off:0.000}x |");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"kernel peak per chunk: median {Median(peaks):0} MB");
report.AppendLine();
report.AppendLine("| piece | microseconds per call |");
report.AppendLine("|---|---|");
report.AppendLine(CultureInfo.InvariantCulture, $"| one sample (VmHWM from /proc/PID/status) | {sample:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| one per-cell reset (clear_refs) | {reset:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| one limit (prlimit RLIMIT_DATA) | {limit:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| one host budget reservation and release | {reserve:0.0} |");
var cells = 12;
var perChunkMicro = (cells * (reset + sample)) + (off / 0.2 * sample) + limit + reserve;
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"By the pieces, one {off:0.00} s chunk of ~{cells} cells pays {perChunkMicro / 1000:0.000} ms: {perChunkMicro / 1e6 / off * 100:0.000}% of its time.");
Directory.CreateDirectory(Path.Combine(here, "results"));
File.WriteAllText(Path.Combine(here, "results", "latest.md"), report.ToString());
Console.Out.Write(report.ToString());
Directory.Delete(work, recursive: true);
return;

async Task<(double Seconds, ExecutionResult Result)> RunOnceAsync(ExecutionOptions options)
{
    var output = Directory.CreateDirectory(Path.Combine(work, $"out-{Guid.NewGuid():N}")).FullName;
    var clock = Stopwatch.StartNew();
    var result = await runner.RunAsync(new NotebookRunRequest
    {
        NotebookPath = notebookPath,
        Parameters = new JsonObject { ["input_path"] = chunk, ["output_dir"] = output },
        WorkingDirectory = work,
        // A stuck execution fails the bench instead of hanging it.
        Options = options with { Timeout = TimeSpan.FromSeconds(120) },
    });
    var elapsed = clock.Elapsed.TotalSeconds;
    result.ThrowIfFailed();
    return (elapsed, result);
}

static double PerCall(int calls, Action action)
{
    action();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < calls; i++) action();
    return clock.Elapsed.TotalMilliseconds * 1000 / calls;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static void Run(string file, string[] args)
{
    using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
    process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}");
}

int Arg(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
