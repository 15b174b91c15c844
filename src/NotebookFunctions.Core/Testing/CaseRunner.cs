using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Runs one parameter case: the sample input copied into a work folder and handed over as input_path exactly as a
/// chunk gets it, the case's parameters and secrets, a fresh kernel, then every expectation checked (outcome, scraps,
/// files, time, memory). All differences are reported, not only the first.
/// </summary>
public sealed class CaseRunner(TestSession context)
{
    public async Task<TestResult> RunAsync(TestSuite suite, Notebook notebook, TestCase testCase, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var work = ChunkWorkFolders.Create("test");
        try
        {
            var (environment, redactor) = await context.ResolveSecretsAsync(testCase.Secrets, cancellationToken);
            var (inputPath, outputDir) = SampleInputs.Prepare(work, testCase.Input);
            // A case's own time limit stops it a little after it has failed anyway; --timeout caps every execution.
            var limit = testCase.Expect.MaxSeconds is { } max ? Min(TimeSpan.FromSeconds(max * 2 + 10), context.CaseTimeout) : context.CaseTimeout;
            var execution = new SampleExecution
            {
                Notebook = notebook,
                Label = $"{suite.DisplayName} [{testCase.Name}]",
                Parameters = testCase.Parameters,
                Reserved = SampleInputs.Reserved(inputPath, outputDir, 0, 1, $"test-{TestSession.SafeName(testCase.Name)}"),
                WorkFolder = work,
                Environment = environment,
                Timeout = limit,
                Redactor = redactor,
            };
            var outcome = await context.RunAsync(execution, cancellationToken);
            await context.KeepAsync(suite, testCase.Name, outcome.Result, redactor);
            var failures = Outcome(testCase.Expect, outcome, redactor);
            var ranAsExpected = failures.Count == 0;
            if (ranAsExpected)
            {
                failures.AddRange(ScrapChecks.Check(ScrapReader.Read(outcome.Result.Notebook), testCase.Expect.Scraps));
                foreach (var file in testCase.Expect.Files) failures.AddRange(await FileChecks.CheckAsync(outputDir, file, cancellationToken));
            }

            failures.AddRange(Limits(testCase.Expect, outcome.Result));
            // A kernel that did not start is an error of the run, not a difference the notebook made.
            var kind = outcome.Result.Failure?.Kind == FailureKind.KernelStart ? TestOutcome.Error : failures.Count == 0 ? TestOutcome.Passed : TestOutcome.Failed;
            // A scrap, a column name or a row may hold a secret's value: nothing leaves with it (console, JUnit, API).
            return new TestResult(suite.DisplayName, testCase.Name, TestKind.Case, kind,
                [.. failures.Select(f => Redact(f, redactor))], outcome.Result.Duration);
        }
        catch (Exception e) when (e is ParameterException or SecretNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The result is titled with the notebook and case already; the parameter check's message starts with both.
            var label = $"{suite.DisplayName} [{testCase.Name}]: ";
            var message = e.Message.StartsWith(label, StringComparison.Ordinal) ? e.Message[label.Length..] : e.Message;
            return new TestResult(suite.DisplayName, testCase.Name, TestKind.Case, TestOutcome.Error, [new TestFailure(message)], clock.Elapsed);
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
        }
    }

    public static TestFailure Redact(TestFailure failure, SecretRedactor redactor) =>
        failure with { Message = redactor.Redact(failure.Message), Detail = redactor.Redact(failure.Detail) };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Success when success was expected; the named exception (in the named cell) when a failure was.</summary>
    private static List<TestFailure> Outcome(CaseExpectation expect, SampleOutcome outcome, SecretRedactor redactor)
    {
        var failure = outcome.Result.Failure;
        if (expect.Error is not { } wanted)
            return failure is null ? [] : [outcome.Failure(redactor)!];
        if (failure is null)
            return [new TestFailure($"ran to the end, but {wanted.Name} was expected{InCell(wanted)}")];
        var actual = outcome.Failure(redactor)!;
        var problems = new List<TestFailure>();
        if (failure.Kind != FailureKind.CellError || failure.EName != wanted.Name)
            problems.Add(actual with { Message = $"{actual.Message}; {wanted.Name} was expected{InCell(wanted)}" });
        else if ((wanted.CellIndex is { } index && actual.CellIndex != index) || (wanted.CellId is { } id && actual.CellId != id))
            problems.Add(actual with { Message = $"{actual.Message}, but in this cell; it was expected{InCell(wanted)}" });
        return problems;
    }

    private static string InCell(ExpectedError wanted) =>
        wanted.CellIndex is { } index ? $" in cell {index}" : wanted.CellId is { } id ? $" in the cell with id '{id}'" : string.Empty;

    private static IEnumerable<TestFailure> Limits(CaseExpectation expect, ExecutionResult result)
    {
        if (expect.MaxSeconds is { } seconds && result.Duration.TotalSeconds > seconds)
            yield return new TestFailure(string.Create(CultureInfo.InvariantCulture, $"took {result.Duration.TotalSeconds:0.0} s, more than the {seconds:0.###} s allowed"));
        if (expect.MaxMemoryMB is { } megabytes)
        {
            if (result.Failure?.Kind == FailureKind.KernelDied)
                yield return new TestFailure("the kernel died before its peak memory could be read (killed for lack of memory?), so maxMemoryMB is not met");
            else if (result.PeakMemoryBytes is not { } peak)
                yield return new TestFailure("the kernel's memory could not be measured on this host (no /proc), so maxMemoryMB cannot be checked");
            else if (peak / 1048576.0 > megabytes)
                yield return new TestFailure(string.Create(CultureInfo.InvariantCulture, $"the kernel peaked at {peak / 1048576.0:0} MB, more than the {megabytes:0.###} MB allowed"));
        }
    }
}

/// <summary>A case's sample input put where a chunk finds its own, and the reserved parameters a run would set.</summary>
public static class SampleInputs
{
    /// <summary>
    /// A file is copied to WORK/input/NAME and input_path names it (a one-chunk split run hands over the whole file); a
    /// folder's files are copied under WORK/input, which input_path names (a whole-mode run); no input: the empty folder.
    /// Copies, so that a notebook that writes into its input cannot change the sample.
    /// </summary>
    public static (string InputPath, string OutputDir) Prepare(string work, string? input)
    {
        var inputDir = Directory.CreateDirectory(Path.Combine(work, "input")).FullName;
        var outputDir = Directory.CreateDirectory(Path.Combine(work, "output")).FullName;
        if (input is null) return (inputDir, outputDir);
        if (File.Exists(input))
        {
            var target = Path.Combine(inputDir, Path.GetFileName(input));
            File.Copy(input, target);
            return (target, outputDir);
        }

        foreach (var file in LocalPaths.Files(input))
        {
            var target = Path.Combine(inputDir, Path.GetRelativePath(input, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return (inputDir, outputDir);
    }

    public static JsonObject Reserved(string inputPath, string outputDir, int chunkIndex, int chunkCount, string runId) => new()
    {
        [ReservedParameters.InputPath] = inputPath,
        [ReservedParameters.OutputDir] = outputDir,
        [ReservedParameters.ChunkIndex] = chunkIndex,
        [ReservedParameters.ChunkCount] = chunkCount,
        [ReservedParameters.RunId] = runId,
    };
}
