using System.Diagnostics;
using System.Globalization;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Cli.Testing;

/// <summary>How <c>nbf test</c> (and <c>nbf publish --require-tests</c>) runs suites here.</summary>
public sealed record LocalTestOptions
{
    public int Parallel { get; init; } = 2;

    public TestRunOptions Run { get; init; } = new();

    public string? JUnitFile { get; init; }

    /// <summary>Where executed notebooks are written, one per test.</summary>
    public string? KeepFolder { get; init; }

    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Runs suites on this machine over a warm kernel pool (one kernel per test, never reused), printing a line as each
/// test ends, then one line per failure (notebook, case, cell, what differed) with its detail, then the totals.
/// </summary>
public static class LocalTestRun
{
    /// <summary>Lines of a failure's detail (a diff, a traceback) printed under it, of which the first ones from its head.</summary>
    private const int DetailLines = 40;

    private const int DetailHead = 8;

    /// <summary>
    /// A line as it may reach a terminal: colour codes and any other escape or control character a notebook printed
    /// (a title change, a cursor move) are dropped; tabs stay.
    /// </summary>
    public static string Printable(string text) =>
        string.Concat(Ansi.Strip(text).Where(c => !char.IsControl(c) || c == '\t'));

    /// <summary><see cref="RunAsync"/>, or null (having said why) when no kernel can be started here at all.</summary>
    public static async Task<(IReadOnlyList<TestResult> Results, TestTotals? Totals)> RunOrSayAsync(IReadOnlyList<TestSuite> suites, LocalTestOptions options, string who, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(suites, options, who, cancellationToken);
        }
        catch (KernelStartException e)
        {
            Console.Error.WriteLine($"{who}: no kernel to test with: {e.Message}");
            return ([], null);
        }
    }

    public static async Task<(IReadOnlyList<TestResult> Results, TestTotals Totals)> RunAsync(IReadOnlyList<TestSuite> suites, LocalTestOptions options, string who, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        await using var pool = new KernelPool(new KernelSpecFinder().Find(null), new KernelPoolOptions { Size = options.Parallel, PreImports = "import pandas" });
        using var session = new TestSession(new NotebookExecutor(pool), SecretSources.ForLocalHost(), options.Parallel)
        {
            CaseTimeout = options.CaseTimeout,
            KeepFolder = options.KeepFolder,
        };
        var done = 0;
        var total = 0;
        var gate = new object();
        Console.Error.WriteLine($"{who}: {suites.Count} notebook(s), {options.Parallel} kernel(s) at a time");
        // Interrupted (Ctrl+C, SIGTERM), each test stops its kernel, removes its work folder and ends as skipped.
        var results = await new NotebookTestRunner(session, options.Run).RunAsync(suites, Finished, cancellationToken, planned => total = planned);
        var interrupted = cancellationToken.IsCancellationRequested;
        if (interrupted) Console.Error.WriteLine($"{who}: interrupted; {results.Count(r => r.SkipReason != NotebookTestRunner.Interrupted)} of {total} test(s) had ended");

        void Finished(TestResult result)
        {
            lock (gate)
            {
                done++;
                var mark = result.Outcome switch { TestOutcome.Passed => "pass", TestOutcome.Failed => "FAIL", TestOutcome.Error => "ERROR", _ => "skip" };
                var note = result.Outcome == TestOutcome.Skipped ? $" ({result.SkipReason})" : string.Create(CultureInfo.InvariantCulture, $" {result.Duration.TotalSeconds:0.0} s");
                Console.Error.WriteLine(Printable($"  [{done}/{total}] {mark,-5} {result.Title}{note}"));
            }
        }

        var totals = TestTotals.Of(results, clock.Elapsed) with { Interrupted = interrupted };

        foreach (var result in results.Where(r => r.Outcome is TestOutcome.Failed or TestOutcome.Error).OrderBy(r => r.Notebook, StringComparer.Ordinal).ThenBy(r => r.Case, StringComparer.Ordinal))
        {
            foreach (var failure in result.Failures)
            {
                Console.Out.WriteLine(Printable($"{(result.Outcome == TestOutcome.Failed ? "FAIL" : "ERROR")} {result.Title} {failure.Summary}"));
                // A diff says most at its head, a traceback at its tail: both are kept, the middle cut (--keep has it all).
                var lines = failure.Detail.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var shown = lines.Length <= DetailLines ? lines : [.. lines.Take(DetailHead), $"... ({lines.Length - DetailLines} more lines)", .. lines.TakeLast(DetailLines - DetailHead)];
                foreach (var line in shown) Console.Out.WriteLine(Printable($"    {line}"));
            }
        }

        if (options.JUnitFile is { } junit)
        {
            await JUnitReport.WriteAsync(junit, results, totals.Duration, started);
            Console.Error.WriteLine($"{who}: JUnit XML written to {junit}");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{who}: {totals.Passed} passed, {totals.Failed} failed, {totals.Errors} error(s), {totals.Skipped} skipped in {totals.Duration.TotalSeconds:0.0} s"));
        return (results, totals);
    }
}
