using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// A big run's chunks in batches (<see cref="ChunkBatching"/>), each a sub-orchestration, with the
/// run's parallelism shared between the batches in flight. Two batches run side by side whenever the run may have two
/// chunks out, so the stragglers of one never leave the slots idle; more when the parallelism is bigger than a batch.
/// </summary>
internal static class ChunkBatches
{
    public static async Task<FanOutOutcome> RunAsync(TaskOrchestrationContext context, string runId, RunRequest request, ChunkPlan plan, int size, int parallel, IReadOnlyList<string> warnings)
    {
        var chunks = plan.Chunks;
        var count = (chunks.Count + size - 1) / size;
        var atOnce = parallel == 1 ? 1 : Math.Min(count, Math.Max(2, (parallel + size - 1) / size));
        // Shares that add up to at most the run's parallelism.
        var share = Math.Max(1, parallel / atOnce);
        var largest = chunks.Max(Core.Chunks.ChunkSizeAdvice.BytesOf);
        var results = new ChunkResult?[chunks.Count];
        var inFlight = new Dictionary<Task<FanOutOutcome>, int>();
        var (next, retries, succeeded, failed) = (0, 0, 0, 0);
        var stop = false;
        string? memoryWarning = null;
        var failures = new List<ChunkFailure>();

        void Report() => context.SetCustomStatus(new RunProgress(chunks.Count, 0, succeeded, failed, retries)
        {
            Failures = failures.ToList(),
            Warnings = memoryWarning is null ? warnings : [.. warnings, memoryWarning],
            Batches = inFlight.Values.Order().Select(b => ChunkBatchOrchestrator.InstanceId(context.InstanceId, b)).ToList(),
        });

        while ((next < count && !stop) || inFlight.Count > 0)
        {
            while (!stop && next < count && inFlight.Count < atOnce)
            {
                var slice = plan with { Chunks = chunks.Skip(next * size).Take(size).ToList(), Reused = [], Warnings = [], TotalChunks = plan.ChunkCount, LargestChunkBytes = largest };
                var input = new ChunkBatchInput(runId, request, slice, share, CaptureEnvironment: next == 0);
                inFlight[context.CallSubOrchestratorAsync<FanOutOutcome>(nameof(ChunkBatchOrchestrator), input, new SubOrchestrationOptions(new TaskOptions(), ChunkBatchOrchestrator.InstanceId(context.InstanceId, next)))] = next;
                next++;
            }

            Report();
            var done = await Task.WhenAny(inFlight.Keys);
            var batch = inFlight[done];
            inFlight.Remove(done);
            var outcome = await done;
            retries += outcome.Retries;
            memoryWarning ??= outcome.MemoryWarning;
            for (var i = 0; i < outcome.Results.Count; i++)
            {
                if (outcome.Results[i] is not { } result) continue;
                results[(batch * size) + i] = result;
                if (result.Succeeded)
                {
                    succeeded++;
                    continue;
                }

                failed++;
                if (failures.Count < RunProgress.MaxFailuresShown) failures.Add(new ChunkFailure(result.Index, result.Attempts, result.Error));
                // Fail-fast: no new batch starts; the batches already out stop at their own first failure.
                if (request.OnChunkFailure == FailurePolicy.FailFast) stop = true;
            }
        }

        Report();
        return new FanOutOutcome(results, retries, memoryWarning);
    }
}
