using System.Diagnostics;
using System.Globalization;
using System.Text;

// bench/notebooktests: `nbf test` over a folder of 20 small notebooks with saved outputs, against running them one
// after another with nbclient (the floor of what nbval does without parallel workers: it executes, then compares).
//   dotnet run -c Release --project bench/notebooktests -- [--rounds 3] [--notebooks 20] [--parallel 2] [--nbf PATH]
// Both contenders are whole processes, interleaved round by round; the machine is noisy: read the ratio.

var rounds = Arg("--rounds", 3);
var count = Arg("--notebooks", 20);
var parallel = Arg("--parallel", 2);
var here = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..")); // bench/notebooktests
var root = Path.GetFullPath(Path.Combine(here, "..", ".."));
var nbf = ArgText("--nbf") ?? Path.Combine(root, ".tools", "nbf", "nbf");
var python = "/usr/bin/python3";
var baseline = Path.Combine(here, "nbclient_folder.py");
var folder = Directory.CreateTempSubdirectory("nbf-bench-tests-").FullName;
if (!File.Exists(nbf)) Fail($"nbf not built at {nbf}: run ./nbf --help once first");

// Twenty small pandas notebooks, each different, saved with their outputs (made by nbclient, as an author's Jupyter would).
for (var i = 0; i < count; i++)
    File.WriteAllText(Path.Combine(folder, $"nb{i:00}.ipynb"), Notebook(i));
Run(python, [baseline, "--save", folder], folder);

var contenders = new (string Name, string File, string[] Args)[]
{
    ($"(a) nbf test --parallel {parallel}", nbf, ["test", folder, "--parallel", parallel.ToString(CultureInfo.InvariantCulture)]),
    ("(b) nbclient, one after another", python, [baseline, folder]),
};
var times = contenders.ToDictionary(c => c.Name, _ => new List<double>());
for (var r = 0; r < rounds; r++)
{
    foreach (var c in contenders.Skip(r % contenders.Length).Concat(contenders.Take(r % contenders.Length)))
        times[c.Name].Add(Run(c.File, c.Args, folder));
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# bench/notebooktests, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {count} notebooks, median of {rounds}");
report.AppendLine();
report.AppendLine("| contender | median s | per notebook s | (b) / this |");
report.AppendLine("|---|---|---|---|");
var b = Median(times[contenders[1].Name]);
foreach (var c in contenders)
{
    var m = Median(times[c.Name]);
    report.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {m:0.00} | {m / count:0.000} | {b / m:0.00}x |");
}

Console.Write(report);
Directory.Delete(folder, recursive: true);

static string Notebook(int seed)
{
    string Code(string source, string id) => $$"""
        {"cell_type": "code", "execution_count": null, "id": "{{id}}", "metadata": {}, "outputs": [], "source": {{System.Text.Json.JsonSerializer.Serialize(source)}}}
        """;
    var cells = new[]
    {
        Code("import pandas as pd\nimport numpy as np", "imports"),
        Code($"rng = np.random.default_rng({seed})\nframe = pd.DataFrame({{'key': rng.integers(0, 8, 5000), 'value': rng.normal(size=5000)}})", "data"),
        Code("summary = frame.groupby('key')['value'].agg(['count', 'sum']).round(6)\nsummary", "summary"),
        Code("print(len(frame), round(float(frame['value'].sum()), 6))", "total"),
        Code("frame.describe().round(4)", "describe"),
    };
    return "{\"cells\": [" + string.Join(",\n", cells) + "], "
        + "\"metadata\": {\"kernelspec\": {\"name\": \"python3\", \"display_name\": \"Python 3\", \"language\": \"python\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}";
}

static double Run(string file, string[] args, string cwd)
{
    var info = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) info.ArgumentList.Add(a);
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    clock.Stop();
    if (process.ExitCode != 0) Fail($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{output.Result}\n{error.Result}");
    return clock.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

int Arg(string name, int fallback) => ArgText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static void Fail(string message)
{
    Console.Error.WriteLine(message);
    Environment.Exit(1);
}
