using System.Text.Json;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Orchestration.Models;
using Spectre.Console;

namespace NotebookFunctions.Cli.Commands;

/// <summary>Follows a run until it ends: a live progress bar on a terminal, one line per change otherwise (logs, CI).</summary>
internal static class RunFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Shows a run's chunk progress until it ends; returns the exit code its outcome means.</summary>
    public static async Task<int> FollowAsync(DurableTaskClient client, string runId, Action<string> say, CancellationToken cancellationToken)
    {
        OrchestrationMetadata final;
        if (Console.IsErrorRedirected)
        {
            final = await PollAsync(client, runId, p => say($"chunks: {p.Succeeded + p.Failed}/{p.Planned} done, {p.Running} running, {p.Failed} failed, {p.Retries} retries"), cancellationToken);
        }
        else
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            OrchestrationMetadata? last = null;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask($"run {Markup.Escape(runId)}: planning", maxValue: 1);
                    last = await PollAsync(client, runId, p =>
                    {
                        bar.MaxValue = Math.Max(1, p.Planned);
                        bar.Value = p.Succeeded + p.Failed;
                        bar.Description = $"{p.Succeeded + p.Failed}/{p.Planned} chunks, {p.Running} running, {p.Failed} failed, {p.Retries} retries";
                    }, cancellationToken);
                    bar.Value = bar.MaxValue;
                });
            final = last!;
        }

        if (final.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
            return FanOutRun.Report(final.ReadOutputAs<RunResult>()!, say);
        say($"run {runId} {final.RuntimeStatus}: {final.FailureDetails?.ErrorMessage}");
        return ExitCodes.NotebookFailed;
    }

    /// <summary>Polls the run, reporting each new progress, until it is completed, failed or terminated.</summary>
    private static async Task<OrchestrationMetadata> PollAsync(DurableTaskClient client, string runId, Action<RunProgress> onProgress, CancellationToken cancellationToken)
    {
        string? lastProgress = null;
        while (true)
        {
            var state = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken)
                ?? throw new InvalidOperationException($"run {runId} disappeared from the task hub");
            if (state.SerializedCustomStatus is { } status && status != lastProgress)
            {
                lastProgress = status;
                if (JsonSerializer.Deserialize<RunProgress>(status) is { } progress) onProgress(progress);
            }

            if (state.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
                return state;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
