using System.CommandLine;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf status RUN</c>: where one run stands, with each failed chunk's cell and error.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var command = new Command("status", "Show a run's state, progress and failures.") { run };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(run)!;
            await using var session = await LocalSession.StartAsync(runWorker: false, 1, cancellationToken);
            var state = await session.Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            if (state is null)
            {
                Console.Error.WriteLine($"nbf status: no run '{id}' in the local task hub (nbf runs lists them)");
                return ExitCodes.InvalidInput;
            }

            Console.Out.WriteLine($"run {id}: {state.RuntimeStatus} (created {state.CreatedAt:u}, updated {state.LastUpdatedAt:u})");
            var progress = RunsCommand.Progress(state);
            if (progress.Length > 0) Console.Out.WriteLine($"chunks: {progress}");
            if (state.RuntimeStatus == OrchestrationRuntimeStatus.Completed && state.ReadOutputAs<RunResult>() is { } result)
            {
                Console.Out.WriteLine($"outcome: {result.Status}; {result.Succeeded} of {result.ChunkCount} chunks succeeded");
                foreach (var failed in result.FailedChunks) Console.Out.WriteLine($"  chunk {failed.Index} failed after {failed.Attempts} attempt(s): {failed.Error}");
                if (result.Error is not null && result.ChunkCount == 0) Console.Out.WriteLine($"  {result.Error}");
                Console.Out.WriteLine($"results: runs/{result.RunId}/results/ ({string.Join(", ", result.MergedFiles)}); manifest: runs/{result.Manifest}");
            }
            else if (state.FailureDetails is { } failure)
            {
                Console.Out.WriteLine($"failure: {failure.ErrorType}: {failure.ErrorMessage}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
