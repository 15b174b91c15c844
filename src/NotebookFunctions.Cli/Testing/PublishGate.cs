using NotebookFunctions.Core.Testing;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Testing;

/// <summary>
/// <c>nbf publish --require-tests</c>: every notebook about to be published (those given, and those a pipeline file
/// names) is tested here first, with the NAME.test.yaml beside it; nothing is published unless each has at least one
/// test and all pass.
/// </summary>
public static class PublishGate
{
    /// <summary>Null when publishing may go on; otherwise the exit code, having said why.</summary>
    public static async Task<int?> CheckAsync(IEnumerable<string> paths, Action<string> say, CancellationToken cancellationToken)
    {
        List<TestSuite> suites;
        try
        {
            suites = [.. Notebooks(paths).Distinct(StringComparer.Ordinal).Select(TestDiscovery.ForNotebook)];
        }
        catch (Exception e) when (e is TestFileException or RunRefusalException)
        {
            say($"--require-tests: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        var (results, totals) = await LocalTestRun.RunOrSayAsync(suites, new LocalTestOptions(), "nbf publish --require-tests", cancellationToken);
        if (totals is null) return ExitCodes.KernelUnavailable;
        if (totals.Interrupted) return ExitCodes.Cancelled;
        var untested = suites.Where(s => results.Where(r => r.Notebook == s.DisplayName).All(r => r.Outcome == TestOutcome.Skipped)).ToList();
        foreach (var suite in untested)
            say($"{suite.DisplayName}: refused: --require-tests, but it has no tests (no saved outputs to compare, no {Path.GetFileNameWithoutExtension(suite.NotebookPath)}.test.yaml with cases)");
        if (!totals.Succeeded) say($"refused: {totals.Failed + totals.Errors} test(s) failed; nothing was published");
        return totals.Succeeded && untested.Count == 0 ? null : ExitCodes.NotebookFailed;
    }

    /// <summary>The notebook files: those given, and the .ipynb files each pipeline file names (relative to it).</summary>
    private static IEnumerable<string> Notebooks(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (!PipelineFile.IsPipeline(path))
            {
                if (!File.Exists(path)) throw new TestFileException(path, string.Empty, "no such file");
                yield return Path.GetFullPath(path);
                continue;
            }

            var named = new List<string>();
            // The same walk the publish does, on a copy: only to learn which files it would publish.
            PipelineFile.PublishNotebookFilesAsync(PipelineFile.Read(path), path, file =>
            {
                named.Add(Path.GetFullPath(file));
                return Task.FromResult<(string, string?)>(("x", null));
            }).GetAwaiter().GetResult();
            foreach (var file in named) yield return file;
        }
    }
}
