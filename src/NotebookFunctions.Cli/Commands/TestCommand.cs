using System.CommandLine;
using NotebookFunctions.Cli.Testing;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Cli.Commands;

/// <summary>
/// <c>nbf test PATH...</c>: each notebook re-executed against its saved outputs (nbval-compatible), the cases of its
/// NAME.test.yaml run over their sample inputs, fan-out equivalence where asked. Exit 0 when all passed, 1 on
/// failures, 2 on bad input (paths, test files, options).
/// </summary>
public static class TestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks, test files (NAME.test.yaml) or folders searched for notebooks.", Arity = ArgumentArity.OneOrMore };
        var parallel = new Option<int>("--parallel") { Description = "Kernels running at once (1 to 64).", DefaultValueFactory = _ => 2 };
        var junit = new Option<string?>("--junit") { Description = "Write JUnit XML (for CI) to this file." };
        var fanOut = new Option<int?>("--fanout") { Description = $"Also check every case with a line-based input for fan-out equivalence over K chunks (2 to {TestSuiteReader.MaxFanOutChunks})." };
        var lax = new Option<bool>("--lax") { Description = "Regression compares only cells marked nbval-check-output (nbval's --nbval-lax)." };
        var sanitize = new Option<string?>("--sanitize-with") { Description = "An nbval sanitize file (regex/replace sections) applied to outputs before comparing." };
        var keep = new Option<string?>("--keep") { Description = "Write every test's executed notebook under this folder (NOTEBOOK/CASE.ipynb)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds any one execution may take (a case's maxSeconds can only shorten it).", DefaultValueFactory = _ => 600 };
        var command = new Command("test", "Test notebooks: regression against saved outputs (nbval-compatible), parameter cases from NAME.test.yaml, fan-out equivalence. Exit 1 on failures.")
        {
            paths, parallel, junit, fanOut, lax, sanitize, keep, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf test: {text}");
            if ((Problem(parse.GetValue(parallel), parse.GetValue(fanOut), parse.GetValue(sanitize), parse.GetValue(timeout))
                 ?? OutputProblem("--junit", parse.GetValue(junit), folder: false) ?? OutputProblem("--keep", parse.GetValue(keep), folder: true)) is { } problem)
            {
                Say(problem);
                return ExitCodes.InvalidInput;
            }

            List<TestSuite> suites;
            try
            {
                suites = TestDiscovery.Find(parse.GetValue(paths)!);
            }
            catch (TestFileException e)
            {
                Say(e.Message);
                return ExitCodes.InvalidInput;
            }

            if (suites.Count == 0)
            {
                Say("no notebooks found");
                return ExitCodes.InvalidInput;
            }

            var (_, totals) = await LocalTestRun.RunOrSayAsync(suites, new LocalTestOptions
            {
                Parallel = parse.GetValue(parallel),
                JUnitFile = parse.GetValue(junit),
                KeepFolder = parse.GetValue(keep),
                CaseTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Run = new TestRunOptions { FanOut = parse.GetValue(fanOut), Lax = parse.GetValue(lax), SanitizeFile = parse.GetValue(sanitize) is { } file ? Path.GetFullPath(file) : null },
            }, "nbf test", cancellationToken);
            if (totals is null) return ExitCodes.KernelUnavailable;
            return totals.Interrupted ? ExitCodes.Cancelled : totals.Succeeded ? ExitCodes.Success : ExitCodes.NotebookFailed;
        });
        return command;
    }

    /// <summary>
    /// Where results are written must be checked before the tests run, not found unwritable after: a folder (or a file)
    /// where a file (or a folder) is wanted, a missing parent that cannot be made, and the system's special files
    /// (/dev, /proc, /sys), which a report must never replace.
    /// </summary>
    private static string? OutputProblem(string option, string? path, bool folder)
    {
        if (path is null) return null;
        var full = Path.GetFullPath(path);
        if (new[] { "/dev/", "/proc/", "/sys/" }.Any(p => full.StartsWith(p, StringComparison.Ordinal)))
            return $"{option}: '{path}' is a system path; give a file of your own";
        if (folder ? File.Exists(full) : Directory.Exists(full)) return $"{option}: '{path}' is a {(folder ? "file" : "folder")}; give a {(folder ? "folder" : "file")}";
        var parent = folder ? full : Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(parent);
            var probe = Path.Combine(parent, $".nbf-write-{Guid.NewGuid():N}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{option}: cannot write to '{parent}': {e.Message}";
        }

        return null;
    }

    /// <summary>Options out of range, named; null when all are fine.</summary>
    private static string? Problem(int parallel, int? fanOut, string? sanitize, double timeout)
    {
        if (parallel is < 1 or > 64) return $"--parallel must be 1 to 64, not {parallel}";
        if (fanOut is { } k && (k < 2 || k > TestSuiteReader.MaxFanOutChunks)) return $"--fanout must be 2 to {TestSuiteReader.MaxFanOutChunks} chunks, not {k}";
        if (sanitize is not null)
        {
            try
            {
                SanitizeRules.Load(sanitize);
            }
            catch (SanitizeFileException e)
            {
                return $"--sanitize-with: {e.Message}";
            }
        }

        if (!double.IsFinite(timeout) || timeout <= 0 || timeout > 24 * 3600) return "--timeout must be more than 0 and at most 86400 seconds";
        return null;
    }
}
