using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Runs;

/// <summary>How nbf words a run (its outcome, its status, a listing row), from the view the local host and the API both give.</summary>
internal static class RunReport
{
    /// <summary>The lines of a finished run and the exit code its outcome means.</summary>
    public static int Outcome(RunView run, Action<string> say)
    {
        if (run.Result is { } result)
        {
            say($"run {run.Id} {run.Status}: {result.Succeeded} of {result.ChunkCount} chunks succeeded");
            foreach (var failed in result.FailedChunks) say($"  chunk {failed.Index} failed after {failed.Attempts} attempt(s): {failed.Error}");
            if (result.Error is not null && result.ChunkCount == 0) say($"  {result.Error}");
            say($"results: {StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(run.Id)} ({string.Join(", ", result.MergedFiles.DefaultIfEmpty("no merged files"))}); manifest: {StorageLayout.RunsContainer}/{result.Manifest}");
            if (Final(run.Id, result) is { } final) say(final);
        }
        else
        {
            say($"run {run.Id} {run.Status}: {run.Error}");
        }

        return ExitCodeOf(run.Status);
    }

    public static int ExitCodeOf(string status) => status switch
    {
        nameof(RunStatus.Completed) => ExitCodes.Success,
        nameof(RunStatus.CompletedWithFailures) => ExitCodes.PartialFailure,
        _ => ExitCodes.NotebookFailed,
    };

    /// <summary>nbf status: state, times, progress, outcome and failures.</summary>
    public static void Status(RunView run, TextWriter output)
    {
        output.WriteLine($"run {run.Id}: {run.Status} (notebook {run.Notebook ?? "?"}{(run.Version is null ? string.Empty : $"@{run.Version[..Math.Min(12, run.Version.Length)]}")}, created {run.Created:u}, updated {run.LastUpdated:u})");
        if (run.RepairOf is not null) output.WriteLine($"repairs: {run.RepairOf}");
        if (Progress(run) is { Length: > 0 } progress) output.WriteLine($"chunks: {progress}");
        if (run.Result is { } result)
        {
            output.WriteLine($"outcome: {result.Status}; {result.Succeeded} of {result.ChunkCount} chunks succeeded");
            foreach (var failed in result.FailedChunks) output.WriteLine($"  chunk {failed.Index} failed after {failed.Attempts} attempt(s): {failed.Error}");
            if (result.Error is not null && result.ChunkCount == 0) output.WriteLine($"  {result.Error}");
            output.WriteLine($"results: {StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(run.Id)} ({string.Join(", ", result.MergedFiles)}); manifest: {StorageLayout.RunsContainer}/{result.Manifest}");
            if (Final(run.Id, result) is { } final) output.WriteLine(final);
        }
        else
        {
            foreach (var failure in run.Progress?.Failures ?? []) output.WriteLine($"  chunk {failure.Index} failed after {failure.Attempts} attempt(s): {failure.Error}");
            if (run.Error is not null) output.WriteLine($"error: {run.Error}");
        }
    }

    /// <summary>Where the final answer is (the reduce's files), or why there is none.</summary>
    private static string? Final(string runId, RunResult result) => result.Reduce switch
    {
        null => null,
        { Succeeded: true } reduce => $"final: {StorageLayout.RunsContainer}/{StorageLayout.ReduceFilesPrefix(runId)} ({string.Join(", ", reduce.Files.DefaultIfEmpty("no files"))}), {reduce.Scraps} scrap(s), by reduce {reduce.Notebook} in {reduce.DurationSeconds:0.0} s; executed: {StorageLayout.RunsContainer}/{reduce.NotebookBlob}",
        var reduce => $"  {reduce}; executed notebook (failing cell marked): {StorageLayout.RunsContainer}/{reduce.NotebookBlob ?? StorageLayout.ReduceNotebookBlob(runId)}",
    };

    /// <summary>A listing row: id, status, created, updated, chunks.</summary>
    public static string[] Row(RunView run) =>
        [run.Id, run.Status, $"{run.Created:yyyy-MM-dd HH:mm:ss}", $"{run.LastUpdated:yyyy-MM-dd HH:mm:ss}", Progress(run)];

    private static string Progress(RunView run) =>
        run.Progress is { } p ? $"{p.Succeeded + p.Failed}/{p.Planned} done, {p.Failed} failed" : string.Empty;
}
