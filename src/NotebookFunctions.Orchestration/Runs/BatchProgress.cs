using Microsoft.DurableTask.Client;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// A big run's live progress: its own status counts the chunks of the batches that have finished, and each batch in
/// flight publishes its own; the view adds those in, so a 10,000-chunk run moves chunk by chunk, not batch by batch.
/// </summary>
public static class BatchProgress
{
    public static async Task<RunProgress> WithBatchesAsync(DurableTaskClient client, RunProgress run, CancellationToken cancellationToken)
    {
        if (run.Batches.Count == 0) return run;
        var combined = run;
        foreach (var id in run.Batches)
        {
            // Custom status comes with the inputs and outputs (a batch's: its request and plan's counts, then its counts and record blobs).
            var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            // A batch not started yet, or one that finished since the run's status was written, adds nothing: the run counts what finished.
            if (state is not { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending } || state.SerializedCustomStatus is null) continue;
            RunProgress? batch;
            try
            {
                batch = state.ReadCustomStatusAs<RunProgress>();
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }

            if (batch is null) continue;
            combined = combined with
            {
                Running = combined.Running + batch.Running,
                Succeeded = combined.Succeeded + batch.Succeeded,
                Failed = combined.Failed + batch.Failed,
                Retries = combined.Retries + batch.Retries,
                Failures = [.. combined.Failures.Concat(batch.Failures).Take(RunProgress.MaxFailuresShown)],
                Warnings = [.. combined.Warnings.Concat(batch.Warnings).Distinct()],
            };
        }

        return combined;
    }
}
