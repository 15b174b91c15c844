using System.Diagnostics;
using System.Globalization;
using System.Text;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;

// bench/engine: the engine against its baselines, side by side in one run (the machine is noisy: read the ratios).
//   dotnet run -c Release --project bench/engine -- [--rounds 10] [--repeat 20] [--nbf PATH]
// Baselines: nbclient as a fresh process, `jupyter nbconvert --execute`, the same code as one python3 script (the floor),
// nbclient repeated in one Python process, and jupyter_client's `pass` round trip.

var rounds = Arg("--rounds", 10);
var repeat = Arg("--repeat", 20);
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..")); // bench/engine
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbf = ArgText("--nbf") ?? Path.Combine(root, ".tools", "nbf", "nbf");
var python = "/usr/bin/python3";
var notebook = Path.Combine(here, "pandas20.ipynb");
var script = Path.Combine(here, "pandas20.py");
var helper = Path.Combine(here, "nbclient_run.py");
var data = Path.Combine(here, "data", "sales-10000.csv");
var scratch = Directory.CreateTempSubdirectory("nbf-bench-").FullName;

if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");
if (!File.Exists(data)) Run(python, [Path.Combine(root, "samples", "sales", "generate_sales.py"), data, "--rows", "10000"], here);

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# bench/engine results, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
Line(string.Empty);

// 1. Whole processes, interleaved round by round so drift hits every contender alike.
var contenders = new (string Name, string File, string[] Args, string Cwd)[]
{
    ("(a) nbf run (fresh process)", nbf, ["run", notebook, "-o", Path.Combine(scratch, "a.ipynb")], here),
    ("(b) nbclient (fresh process)", python, [helper, "run", notebook, Path.Combine(scratch, "b.ipynb")], here),
    ("(c) jupyter nbconvert --execute", python, ["-m", "nbconvert", "--to", "notebook", "--execute", "--output", Path.Combine(scratch, "c.ipynb"), notebook], here),
    ("(d) python3 script (floor)", python, [script], here),
};
var times = contenders.ToDictionary(c => c.Name, _ => new List<double>());
foreach (var c in contenders) Run(c.File, c.Args, c.Cwd); // warm file caches once
for (var r = 0; r < rounds; r++)
{
    foreach (var c in contenders.Skip(r % contenders.Length).Concat(contenders.Take(r % contenders.Length)))
        times[c.Name].Add(Run(c.File, c.Args, c.Cwd));
}

Line($"## 20-cell pandas notebook (10k rows), whole process, median of {rounds}");
Line(string.Empty);
Line("| contender | median s | vs (b) nbclient | vs (d) floor |");
Line("|---|---|---|---|");
var nbclientMedian = Median(times[contenders[1].Name]);
var floorMedian = Median(times[contenders[3].Name]);
foreach (var c in contenders)
{
    var m = Median(times[c.Name]);
    Line($"| {c.Name} | {m:0.000} | {m / nbclientMedian:0.00}× | {m / floorMedian:0.00}× |");
}

Line(string.Empty);

// 2. In one long-lived process: warm pool vs nbclient repeated in one Python process.
//    "warm": a host serving a request every 1.5 s, so a warm kernel is waiting (the latency a caller sees);
//    "back-to-back": requests with no gap, where single-use kernels must be started as fast as they are used.
var nb = NotebookReader.Read(notebook);
var warmTimes = await PoolRunsAsync(size: 2, gap: TimeSpan.FromSeconds(1.5));
var sustainedTimes = await PoolRunsAsync(size: 4, gap: TimeSpan.Zero);

var nbclientRepeat = Output(python, [helper, "repeat", notebook, repeat.ToString(CultureInfo.InvariantCulture)], here)
    .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
var nbclientRepeatMedian = Median(nbclientRepeat);
Line($"## {repeat} executions in a row inside one long-lived process (median per execution, acquire to result)");
Line(string.Empty);
Line("| contender | median s | vs (d) floor | vs nbclient in-process |");
Line("|---|---|---|---|");
foreach (var (name, xs) in new[] { ("warm KernelPool, size 2, pre-imports pandas, 1.5 s between runs", warmTimes), ("KernelPool, size 4, back-to-back", sustainedTimes), ("nbclient in one Python process, back-to-back", nbclientRepeat) })
{
    var m = Median(xs);
    Line($"| {name} | {m:0.000} | {m / floorMedian:0.00}× | {m / nbclientRepeatMedian:0.00}× |");
}

Line(string.Empty);

async Task<List<double>> PoolRunsAsync(int size, TimeSpan gap)
{
    var samples = new List<double>();
    await using var pool = new KernelPool(new KernelSpecFinder().Find("python3"), new KernelPoolOptions { Size = size, PreImports = "import pandas, numpy", WorkingDirectory = here });
    var executor = new NotebookExecutor(pool);
    await Task.Delay(TimeSpan.FromSeconds(size * 1.5)); // let the pool fill, as a long-lived host's would be
    for (var i = 0; i < repeat; i++)
    {
        await Task.Delay(gap);
        var sw = Stopwatch.StartNew();
        var result = await executor.ExecuteAsync(nb, new ExecutionOptions { WorkingDirectory = here });
        sw.Stop();
        result.ThrowIfFailed();
        samples.Add(sw.Elapsed.TotalSeconds);
    }

    return samples;
}

// 3. `pass` round trip on a started kernel.
var ours = new List<double>();
await using (var kernel = await Kernel.StartAsync(new KernelSpecFinder().Find("python3")))
{
    for (var i = 0; i < 220; i++)
    {
        var sw = Stopwatch.StartNew();
        var request = kernel.Execute("pass");
        await foreach (var _ in request.IoPub.ReadAllAsync()) { }
        await request.Reply;
        sw.Stop();
        if (i >= 20) ours.Add(sw.Elapsed.TotalMilliseconds);
    }
}

var theirs = Output(python, [helper, "roundtrip", "200"], here)
    .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
Line("## `pass` cell round trip (execute_request to reply and idle), 200 after 20 warm-up");
Line(string.Empty);
Line("| client | median ms | p90 ms |");
Line("|---|---|---|");
Line($"| nbf Kernel (NetMQ) | {Median(ours):0.00} | {Percentile(ours, 0.9):0.00} |");
Line($"| jupyter_client (execute_interactive) | {Median(theirs):0.00} | {Percentile(theirs, 0.9):0.00} |");

var results = Directory.CreateDirectory(Path.Combine(here, "results")).FullName;
await File.WriteAllTextAsync(Path.Combine(results, "latest.md"), report.ToString());
NetMQ.NetMQConfig.Cleanup(block: false);
return 0;

int Arg(string name, int fallback) => ArgText(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double Run(string file, string[] arguments, string cwd)
{
    var sw = Stopwatch.StartNew();
    Output(file, arguments, cwd);
    return sw.Elapsed.TotalSeconds;
}

static string Output(string file, string[] arguments, string cwd)
{
    var info = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments) info.ArgumentList.Add(a);
    info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
    using var p = Process.Start(info)!;
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    if (p.ExitCode != 0) Fail($"{file} {string.Join(' ', arguments)} exited {p.ExitCode}: {stderr.Result}");
    return stdout.Result;
}

static double Median(List<double> xs) => Percentile(xs, 0.5);

static double Percentile(List<double> xs, double q)
{
    var sorted = xs.Order().ToList();
    var pos = (sorted.Count - 1) * q;
    var lo = (int)Math.Floor(pos);
    var hi = (int)Math.Ceiling(pos);
    return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
}

static void Fail(string message)
{
    Console.Error.WriteLine($"bench/engine: {message}");
    Environment.Exit(1);
}
