using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;
using Spectre.Console;

namespace NotebookFunctions.Cli.Runs;

/// <summary>Follows a run until it ends: a live progress bar on a terminal, one line per change otherwise (logs, CI).</summary>
internal static class RunFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Shows a run's chunk progress until it ends; returns the exit code its outcome means.</summary>
    public static async Task<int> FollowAsync(IRunBackend backend, string runId, Action<string> say, CancellationToken cancellationToken)
    {
        RunView final;
        if (Console.IsErrorRedirected)
        {
            final = await PollAsync(backend, runId, p => say($"chunks: {p.Succeeded + p.Failed}/{p.Planned} done, {p.Running} running, {p.Failed} failed, {p.Retries} retries"), w => say($"warning: {w}"), cancellationToken);
        }
        else
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            RunView? last = null;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask($"run {Markup.Escape(runId)}: planning", maxValue: 1);
                    last = await PollAsync(backend, runId, p =>
                    {
                        bar.MaxValue = Math.Max(1, p.Planned);
                        bar.Value = p.Succeeded + p.Failed;
                        bar.Description = $"{p.Succeeded + p.Failed}/{p.Planned} chunks, {p.Running} running, {p.Failed} failed, {p.Retries} retries";
                    }, w => console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}"), cancellationToken);
                    bar.Value = bar.MaxValue;
                });
            final = last!;
        }

        return RunReport.Outcome(final, say);
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) for a run to end, without showing progress: after a cancel.</summary>
    public static async Task<RunView> WaitAsync(IRunBackend backend, string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await PollAsync(backend, runId, _ => { }, _ => { }, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await backend.GetAsync(runId, cancellationToken);
        }
    }

    /// <summary>
    /// Polls the run's progress, reporting each new progress and each new warning (once), until it has ended; then
    /// returns its whole view (chunks included) once, for the report.
    /// </summary>
    private static async Task<RunView> PollAsync(IRunBackend backend, string runId, Action<RunProgress> onProgress, Action<string> onWarning, CancellationToken cancellationToken)
    {
        RunProgress? lastProgress = null;
        var warned = 0;
        while (true)
        {
            var view = await backend.ProgressAsync(runId, cancellationToken);
            if (view.Progress is { } progress && !SameProgress(progress, lastProgress))
            {
                lastProgress = progress;
                onProgress(progress);
            }

            // Warnings only grow while a run goes on; the final result holds them all.
            var warnings = view.Result?.Warnings ?? view.Progress?.Warnings ?? [];
            for (; warned < warnings.Count; warned++) onWarning(warnings[warned]);

            if (view.HasEnded) return await backend.GetAsync(runId, cancellationToken);
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static bool SameProgress(RunProgress a, RunProgress? b) =>
        b is not null && a.Planned == b.Planned && a.Running == b.Running && a.Succeeded == b.Succeeded && a.Failed == b.Failed && a.Retries == b.Retries;
}
