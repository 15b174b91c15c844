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
        if (run.Steps is { } steps)
        {
            say($"pipeline run {run.Id} {run.Status}: {steps.Count(s => s.LetsDependantsRun)} of {steps.Count} steps succeeded{(run.Error is null ? string.Empty : $"; {run.Error}")}");
            foreach (var line in StepLines(steps)) say(line);
            foreach (var line in NotificationLines(run)) say(line);
            return ExitCodeOf(run.Status);
        }

        if (run.Result is { } result)
        {
            say($"run {run.Id} {run.Status}: {result.Succeeded} of {result.ChunkCount} chunks succeeded");
            foreach (var line in ResultLines(run.Id, result)) say(line);
            if (DriftNote(run) is { } note) say(note);
            foreach (var line in NotificationLines(run)) say(line);
        }
        else
        {
            say($"run {run.Id} {run.Status}: {run.Error}");
        }

        return ExitCodeOf(run.Status);
    }

    /// <summary>"notify[0] delivered to https://hooks.example.com/… (1 attempt, event nbf_...)": targets by host only.</summary>
    private static IEnumerable<string> NotificationLines(RunView run) =>
        (run.Notifications ?? []).Select(n =>
            $"notify[{n.Index}] {n.Outcome} {(n.Outcome == "delivered" ? "to" : "on")} {n.Target} ({n.Attempts} attempt(s), event {n.EventId}){(n.Outcome == "delivered" || n.LastError is null ? string.Empty : $": {n.LastError}")}");

    public static int ExitCodeOf(string status) => status switch
    {
        nameof(RunStatus.Completed) => ExitCodes.Success,
        nameof(RunStatus.CompletedWithFailures) => ExitCodes.PartialFailure,
        _ => ExitCodes.NotebookFailed,
    };

    /// <summary>nbf status: state, times, progress, outcome and failures.</summary>
    public static void Status(RunView run, TextWriter output)
    {
        if (run.Steps is { } steps)
        {
            output.WriteLine($"pipeline run {run.Id}: {run.Status} (pipeline {run.Pipeline ?? "?"}{(run.Version is null ? string.Empty : $"@{run.Version[..Math.Min(12, run.Version.Length)]}")}, created {run.Created:u}, updated {run.LastUpdated:u})");
            if (run.RepairOf is not null) output.WriteLine($"repairs: {run.RepairOf}");
            output.WriteLine("steps:");
            foreach (var line in StepLines(steps)) output.WriteLine(line);
            if (run.Error is not null) output.WriteLine($"error: {run.Error}");
            foreach (var line in NotificationLines(run)) output.WriteLine(line);
            return;
        }

        output.WriteLine($"run {run.Id}: {run.Status} (notebook {run.Notebook ?? "?"}{(run.Version is null ? string.Empty : $"@{run.Version[..Math.Min(12, run.Version.Length)]}")}, created {run.Created:u}, updated {run.LastUpdated:u})");

        if (run.RepairOf is not null) output.WriteLine($"repairs: {run.RepairOf}");
        if (Progress(run) is { Length: > 0 } progress) output.WriteLine($"chunks: {progress}");
        foreach (var warning in run.Result?.Warnings ?? run.Progress?.Warnings ?? []) output.WriteLine($"warning: {warning}");
        if (DriftNote(run) is { } note) output.WriteLine(note);
        if (run.Result is { } result)
        {
            output.WriteLine($"outcome: {result.Status}; {result.Succeeded} of {result.ChunkCount} chunks succeeded");
            foreach (var line in ResultLines(run.Id, result)) output.WriteLine(line);
            foreach (var line in NotificationLines(run)) output.WriteLine(line);
        }
        else
        {
            foreach (var failure in run.Progress?.Failures ?? []) output.WriteLine($"  chunk {failure.Index} failed after {failure.Attempts} attempt(s): {failure.Error}");
            if (run.Error is not null) output.WriteLine($"error: {run.Error}");
        }
    }

    /// <summary>A finished run's failed chunks, where its results and manifest are, and its final answer: the same in the outcome and in nbf status.</summary>
    private static IEnumerable<string> ResultLines(string runId, RunResult result)
    {
        foreach (var failed in result.FailedChunks) yield return $"  chunk {failed.Index} failed after {failed.Attempts} attempt(s): {failed.Error}";
        if (result.Failed > result.FailedChunks.Count) yield return $"  and {result.Failed - result.FailedChunks.Count} more failed chunk(s): the manifest lists them all";
        if (result.Error is not null && result.ChunkCount == 0) yield return $"  {result.Error}";
        yield return $"results: {StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(runId)} ({string.Join(", ", result.MergedFiles.DefaultIfEmpty("no merged files"))}); manifest: {StorageLayout.RunsContainer}/{result.Manifest}";
        if (Final(runId, result) is { } final) yield return final;
    }

    /// <summary>"note: environment changed since run X ...", when it did.</summary>
    private static string? DriftNote(RunView run) => run.EnvironmentChanged is { } drift ? $"note: {drift}" : null;

    /// <summary>Where the final answer is (the reduce's files), or why there is none.</summary>
    private static string? Final(string runId, RunResult result) => result.Reduce switch
    {
        null => null,
        { Succeeded: true } reduce => $"final: {StorageLayout.RunsContainer}/{StorageLayout.ReduceFilesPrefix(runId)} ({string.Join(", ", reduce.Files.DefaultIfEmpty("no files"))}), {reduce.Scraps} scrap(s), by reduce {reduce.Notebook} in {reduce.DurationSeconds:0.0} s; executed: {StorageLayout.RunsContainer}/{reduce.NotebookBlob}",
        var reduce => $"  {reduce}; executed notebook (failing cell marked): {StorageLayout.RunsContainer}/{reduce.NotebookBlob ?? StorageLayout.ReduceNotebookBlob(runId)}",
    };

    /// <summary>The step graph, one step a line: state, what it waits on, its chunks, where its record is, why it failed.</summary>
    private static IEnumerable<string> StepLines(IReadOnlyList<Orchestration.Pipelines.StepOutcome> steps)
    {
        var width = steps.Max(s => s.Name.Length);
        foreach (var step in steps)
        {
            var after = step.DependsOn.Count == 0 ? string.Empty : $" after {string.Join(", ", step.DependsOn)}";
            var chunks = step.Chunks is { } n ? $", {step.SucceededChunks}/{n} chunks" : string.Empty;
            yield return $"  {step.Name.PadRight(width)}  {step.Status,-21} {step.Notebook}{after}{chunks}; {StorageLayout.RunsContainer}/{step.Record}/";
            if (step.Error is not null && step.Status is "Failed" or "Skipped" or "CompletedWithFailures") yield return $"  {new string(' ', width)}  {step.Error}";
        }
    }

    /// <summary>A listing row: id, status, created, updated, chunks.</summary>
    public static string[] Row(RunView run) =>
        [run.Id, run.Status, $"{run.Created:yyyy-MM-dd HH:mm:ss}", $"{run.LastUpdated:yyyy-MM-dd HH:mm:ss}", Progress(run)];

    private static string Progress(RunView run) =>
        run.Steps is { } steps ? $"pipeline {run.Pipeline}: {steps.Count(s => s.HasEnded)}/{steps.Count} steps done, {steps.Count(s => s.Status is "Failed" or "Skipped")} failed or skipped"
        : run.Progress is { } p ? $"{p.Succeeded + p.Failed}/{p.Planned} done, {p.Failed} failed" : string.Empty;
}
