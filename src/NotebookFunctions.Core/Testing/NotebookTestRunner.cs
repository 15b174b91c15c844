using System.Diagnostics;
using System.Text;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>What to run beyond each suite's own tests.</summary>
public sealed record TestRunOptions
{
    /// <summary>Also check fan-out equivalence over this many chunks for every case whose input is a line-based file.</summary>
    public int? FanOut { get; init; }

    /// <summary>Regression compares only cells marked to be checked (nbval's --nbval-lax), for every suite.</summary>
    public bool Lax { get; init; }

    /// <summary>An nbval sanitize file for every suite, applied after a suite's own.</summary>
    public string? SanitizeFile { get; init; }
}

/// <summary>
/// Runs every test of the given suites at once, as many kernels at a time as the session allows: each notebook's
/// regression against its saved outputs, its parameter cases, its fan-out checks. Results arrive as each finishes.
/// </summary>
public sealed class NotebookTestRunner(TestSession session, TestRunOptions options)
{
    /// <summary>The skip reason of a test the user stopped (Ctrl+C) before it ended.</summary>
    public const string Interrupted = "interrupted before it ended";

    /// <summary>
    /// All tests of <paramref name="suites"/>; <paramref name="planned"/> is told how many there are before the first
    /// starts, and <paramref name="finished"/> of each result as it is known (for a live summary), from several threads.
    /// </summary>
    public async Task<IReadOnlyList<TestResult>> RunAsync(IReadOnlyList<TestSuite> suites, Action<TestResult>? finished, CancellationToken cancellationToken, Action<int>? planned = null)
    {
        var plan = suites.SelectMany(s => Plan(s, cancellationToken)).ToList();
        planned?.Invoke(plan.Count);
        // As many tests under way as kernels run at once: a test copies its sample (and a fan-out its chunks) before it
        // waits for a kernel, and forty copies of a big sample should not sit in the temp folder together.
        using var underWay = new SemaphoreSlim(session.Parallel, session.Parallel);
        var tests = plan.Select(test => Task.Run(async () =>
        {
            TestResult result;
            try
            {
                await underWay.WaitAsync(cancellationToken);
                try
                {
                    result = await test.Run();
                }
                finally
                {
                    underWay.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = new TestResult(test.Notebook, test.Case, test.Kind, TestOutcome.Skipped, [], TimeSpan.Zero);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One test that breaks in an unforeseen way (a disk full, a vault unreachable) is its own error, not the run's end.
                result = new TestResult(test.Notebook, test.Case, test.Kind, TestOutcome.Error, [new TestFailure($"{e.GetType().Name}: {e.Message}")], TimeSpan.Zero);
            }

            // Stopped by the user, a test neither passed nor failed: it did not run to its end.
            if (cancellationToken.IsCancellationRequested)
                result = result with { Outcome = TestOutcome.Skipped, Failures = [], SkipReason = Interrupted };
            finished?.Invoke(result);
            return result;
        }, CancellationToken.None)).ToList();
        return await Task.WhenAll(tests);
    }

    /// <summary>The tests of one suite; a notebook that cannot be read is one error, and a suite with nothing to run one skip.</summary>
    private sealed record PlannedTest(string Notebook, string Case, TestKind Kind, Func<Task<TestResult>> Run);

    private List<PlannedTest> Plan(TestSuite suite, CancellationToken cancellationToken)
    {
        Notebook notebook;
        string text;
        try
        {
            text = File.ReadAllText(suite.NotebookPath, Encoding.UTF8);
            notebook = NotebookReader.Parse(text, suite.DisplayName);
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException)
        {
            return [new(suite.DisplayName, "notebook", TestKind.Regression,
                () => Task.FromResult(new TestResult(suite.DisplayName, "notebook", TestKind.Regression, TestOutcome.Error, [new TestFailure(e.Message)], TimeSpan.Zero)))];
        }

        // Every execution gets a notebook of its own, parsed from the text: tests run at once, and a JSON tree is not
        // safe to read from several threads (its nodes materialise on first access).
        Notebook Fresh() => NotebookReader.Parse(text, suite.DisplayName);
        var tests = new List<PlannedTest>();
        if (suite.Regression ?? RegressionRunner.HasSavedOutputs(notebook))
            tests.Add(new(suite.DisplayName, RegressionRunner.CaseName, TestKind.Regression, () => new RegressionRunner(session).RunAsync(suite, Fresh(), options, cancellationToken)));
        foreach (var testCase in suite.Cases)
        {
            if (testCase.FanOut is { } fanOut)
            {
                tests.Add(new(suite.DisplayName, testCase.Name, TestKind.FanOut, () => new FanOutCheck(session).RunAsync(suite, Fresh, testCase, fanOut, cancellationToken)));
                continue;
            }

            tests.Add(new(suite.DisplayName, testCase.Name, TestKind.Case, () => new CaseRunner(session).RunAsync(suite, Fresh(), testCase, cancellationToken)));
            // A case that expects an error has no results to compare: --fanout leaves it alone.
            if (options.FanOut is { } chunks && testCase.Expect.Error is null && testCase.Input is { } input && File.Exists(input) && LineFiles.IsLineFile(input))
            {
                var fanned = testCase with { Name = $"{testCase.Name} (fan-out over {chunks})", Expect = new CaseExpectation() };
                tests.Add(new(suite.DisplayName, fanned.Name, TestKind.FanOut, () => new FanOutCheck(session).RunAsync(suite, Fresh, fanned, new FanOutExpectation(chunks, FanOutDefaults.Tolerance), cancellationToken)));
            }
        }

        if (tests.Count == 0)
        {
            var reason = suite.TestFilePath is null
                ? $"no tests: no saved outputs to compare and no {Path.GetFileNameWithoutExtension(suite.NotebookPath)}.test.yaml beside it"
                : $"no tests: no saved outputs to compare (regression) and no cases in {Path.GetFileName(suite.TestFilePath)}";
            tests.Add(new(suite.DisplayName, "notebook", TestKind.Regression,
                () => Task.FromResult(new TestResult(suite.DisplayName, "notebook", TestKind.Regression, TestOutcome.Skipped, [], TimeSpan.Zero) { SkipReason = reason })));
        }

        return tests;
    }
}

/// <summary>Totals of a test run, and its exit code (0: all passed, 1: failures or errors).</summary>
public sealed record TestTotals(int Passed, int Failed, int Errors, int Skipped, TimeSpan Duration)
{
    /// <summary>Stopped by the user (Ctrl+C) before every test ended: not a pass, whatever ended.</summary>
    public bool Interrupted { get; init; }

    public bool Succeeded => Failed == 0 && Errors == 0 && !Interrupted;

    public static TestTotals Of(IReadOnlyList<TestResult> results, TimeSpan duration) => new(
        results.Count(r => r.Outcome == TestOutcome.Passed),
        results.Count(r => r.Outcome == TestOutcome.Failed),
        results.Count(r => r.Outcome == TestOutcome.Error),
        results.Count(r => r.Outcome == TestOutcome.Skipped),
        duration);
}

/// <summary>Re-executes a notebook top to bottom and compares every code cell's outputs with the saved ones (nbval's job).</summary>
public sealed class RegressionRunner(TestSession session)
{
    public const string CaseName = "regression";

    public static bool HasSavedOutputs(Notebook notebook) => notebook.Cells.Any(c => c.IsCode && c.Outputs.Count > 0);

    public async Task<TestResult> RunAsync(TestSuite suite, Notebook saved, TestRunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TestResult Result(TestOutcome outcome, List<TestFailure> failures) => new(suite.DisplayName, CaseName, TestKind.Regression, outcome, failures, clock.Elapsed);
        SanitizeRules? rules;
        try
        {
            rules = SanitizeRules.Combine(
                suite.SanitizeFile is null ? null : SanitizeRules.Load(suite.SanitizeFile),
                options.SanitizeFile is null ? null : SanitizeRules.Load(options.SanitizeFile));
        }
        catch (SanitizeFileException e)
        {
            return Result(TestOutcome.Error, [new TestFailure(e.Message)]);
        }

        // As nbval runs it: in the notebook's folder, every cell in order, errors recorded and the run going on.
        var result = await session.ExecuteAsync(RegressionCheck.PrepareForRun(saved), new Execution.ExecutionOptions
        {
            NotebookName = suite.DisplayName,
            WorkingDirectory = Path.GetDirectoryName(suite.NotebookPath),
            AllowErrors = true,
        }, cancellationToken);
        await session.KeepAsync(suite, CaseName, result, Secrets.SecretRedactor.None);
        if (result.Failure is { Kind: not Execution.FailureKind.CellError } stopped)
        {
            var failure = new SampleOutcome(result, null).Failure(Secrets.SecretRedactor.None)!;
            return Result(stopped.Kind == Execution.FailureKind.KernelStart ? TestOutcome.Error : TestOutcome.Failed, [failure]);
        }

        IReadOnlyList<RegressionMismatch> mismatches;
        try
        {
            mismatches = RegressionCheck.Compare(saved, result.Notebook, new RegressionOptions { Lax = suite.Lax || options.Lax, Sanitize = rules });
        }
        catch (SanitizeFileException e)
        {
            // A pattern that ran past its time on an output: the sanitize file's fault, said as such.
            return Result(TestOutcome.Error, [new TestFailure(e.Message)]);
        }

        var failures = mismatches.Select(m => new TestFailure(m.Summary, m.CellIndex, m.CellId, m.ExecutionCount, m.Diff)).ToList();
        // Its own time, not the time it waited for a kernel slot.
        return Result(failures.Count == 0 ? TestOutcome.Passed : TestOutcome.Failed, failures) with { Duration = result.Duration };
    }
}
