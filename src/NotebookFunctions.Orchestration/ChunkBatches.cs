using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// A big run's chunks in batches (<see cref="ChunkBatching"/>), each a sub-orchestration, with the
/// run's parallelism shared between the batches in flight. Two batches run side by side whenever the run may have two
/// chunks out, so the stragglers of one never leave the slots idle; more when the parallelism is bigger than a batch.
/// The run's history gets each batch's counts, first failures and the blob of its records: nothing per chunk.
/// </summary>
internal static class ChunkBatches
{
    public static async Task<FanIn> RunAsync(TaskOrchestrationContext context, string runId, RunRequest request, PlannedRun plan, int parallel, IReadOnlyList<string> warnings)
    {
        var size = plan.BatchSize;
        var count = (plan.ToRun + size - 1) / size;
        var atOnce = parallel == 1 ? 1 : Math.Min(count, Math.Max(2, (parallel + size - 1) / size));
        // Shares that add up to at most the run's parallelism.
        var share = Math.Max(1, parallel / atOnce);
        var outcomes = new BatchOutcome?[count];
        var inFlight = new Dictionary<Task<BatchOutcome>, int>();
        var (next, retries, succeeded, failed) = (0, 0, 0, 0);
        var stop = false;
        string? memoryWarning = null;
        string? error = null;
        var failures = new List<ChunkFailure>();

        void Report() => context.SetCustomStatus(new RunProgress(plan.ToRun, 0, succeeded, failed, retries)
        {
            Failures = failures.ToList(),
            Warnings = memoryWarning is null ? warnings : [.. warnings, memoryWarning],
            Batches = inFlight.Values.Order().Select(b => ChunkBatchOrchestrator.InstanceId(context.InstanceId, b)).ToList(),
        });

        while ((next < count && !stop) || inFlight.Count > 0)
        {
            while (!stop && next < count && inFlight.Count < atOnce)
            {
                var input = new ChunkBatchInput(runId, request, plan with { Chunks = [] }, next, share);
                inFlight[context.CallSubOrchestratorAsync<BatchOutcome>(nameof(ChunkBatchOrchestrator), input, new SubOrchestrationOptions(new TaskOptions(), ChunkBatchOrchestrator.InstanceId(context.InstanceId, next)))] = next;
                next++;
            }

            Report();
            var done = await Task.WhenAny(inFlight.Keys);
            var batch = inFlight[done];
            inFlight.Remove(done);
            BatchOutcome outcome;
            try
            {
                outcome = outcomes[batch] = await done;
            }
            catch (TaskFailedException e)
            {
                // The batch's own orchestration failed (its plan unreadable, storage gone past the retries): its
                // chunks' records are not to be had. The run stops starting batches, lets those out end, merges what
                // they stored, and fails saying which batch and why.
                var input = new ChunkBatchInput(runId, request, plan, batch, share);
                error ??= $"batch {batch} (chunks {input.First + 1} to {input.First + input.Count} of the plan) failed: {e.FailureDetails.ErrorMessage}";
                stop = true;
                continue;
            }

            retries += outcome.Retries;
            succeeded += outcome.Succeeded;
            failed += outcome.Failed;
            memoryWarning ??= outcome.MemoryWarning;
            failures.AddRange(outcome.FirstFailures.Take(RunProgress.MaxFailuresShown - failures.Count).Select(r => new ChunkFailure(r.Index, r.Attempts, r.Error)));
            // Fail-fast: no new batch starts; the batches already out stop at their own first failure.
            if (outcome.Failed > 0 && request.OnChunkFailure == FailurePolicy.FailFast) stop = true;
        }

        Report();
        var ended = outcomes.OfType<BatchOutcome>().ToList();
        // The first failures of the whole run by index: batches hold consecutive chunks, so batch order is index order.
        var firstFailures = ended.SelectMany(o => o.FirstFailures).Take(FanIn.FailuresKept).ToList();
        return new FanIn([.. ended.SelectMany(o => o.Records)], succeeded, failed, firstFailures, retries, memoryWarning) { Error = error };
    }
}
