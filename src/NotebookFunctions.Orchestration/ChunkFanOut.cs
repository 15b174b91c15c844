using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// What a fan-out over some of a run's chunks came to: each chunk's last attempt (null: never scheduled), the retries,
/// and the chunk-size warning its first telling chunk gave (null when none).
/// </summary>
public sealed record FanOutOutcome(IReadOnlyList<ChunkResult?> Results, int Retries, string? MemoryWarning);

/// <summary>
/// Runs chunks of a plan with at most N in flight, each retried per the run's policy with durable timers between
/// attempts, stopping scheduling at the first failure under fail-fast. One loop for a whole small run (in the run's
/// orchestration) and for each batch of a big one (<see cref="ChunkBatchOrchestrator"/>).
/// </summary>
internal static class ChunkFanOut
{
    /// <summary>
    /// Runs <paramref name="plan"/>'s chunks (the run's, or a batch's slice), at most
    /// <paramref name="parallel"/> at once; the first records the kernel's environment when
    /// <paramref name="captureEnvironment"/>; <paramref name="report"/> gets the progress (with the run's
    /// <paramref name="warnings"/>) whenever it changes.
    /// </summary>
    public static async Task<FanOutOutcome> RunAsync(
        TaskOrchestrationContext context, string runId, RunRequest request, PlannedRun plan, int parallel, bool captureEnvironment, IReadOnlyList<string> warnings, Action<RunProgress> report)
    {
        var chunks = plan.Chunks;
        var results = new ChunkResult?[chunks.Count];
        var inFlight = new Dictionary<Task<ChunkResult>, int>();
        var next = 0;
        var retries = 0;
        var succeeded = 0;
        var failedCount = 0;
        var stopScheduling = false;
        var memoryJudged = request.MemoryLimitMB is null;
        string? memoryWarning = null;

        // Counters, not scans: this runs after every chunk of every replay, and runs can have thousands of chunks.
        var failures = new List<ChunkFailure>();
        void Report() => report(new RunProgress(chunks.Count, inFlight.Count, succeeded, failedCount, retries) { Failures = failures.ToList(), Warnings = memoryWarning is null ? warnings : [.. warnings, memoryWarning] });

        Report();
        while ((next < chunks.Count && !stopScheduling) || inFlight.Count > 0)
        {
            while (!stopScheduling && next < chunks.Count && inFlight.Count < parallel)
            {
                inFlight[RunChunkAsync(context, runId, request, plan, next, captureEnvironment && next == 0, () => retries++)] = next;
                next++;
            }

            Report();
            var done = await Task.WhenAny(inFlight.Keys);
            var index = inFlight[done];
            inFlight.Remove(done);
            results[index] = await done;
            if (!memoryJudged && MemoryAdvice(request, plan, results[index]!) is { } judged)
            {
                memoryJudged = true;
                if (judged.Length > 0) memoryWarning = judged;
            }

            if (results[index]!.Succeeded)
            {
                succeeded++;
            }
            else
            {
                failedCount++;
                if (failures.Count < RunProgress.MaxFailuresShown) failures.Add(new ChunkFailure(results[index]!.Index, results[index]!.Attempts, results[index]!.Error));
                if (request.OnChunkFailure == FailurePolicy.FailFast) stopScheduling = true;
            }
        }

        Report();
        return new FanOutOutcome(results, retries, memoryWarning);
    }

    /// <summary>
    /// From the first chunk that tells (it finished with a peak, or ran out of memory): the warning when the plan's
    /// largest chunk will not fit the memory limit, an empty text when it will, null when this chunk cannot tell.
    /// </summary>
    private static string? MemoryAdvice(RunRequest request, PlannedRun plan, ChunkResult result)
    {
        var outOfMemory = result.Error?.Kind == ChunkError.OutOfMemory;
        if (request.MemoryLimitMB is not { } limit || result.InputBytes is not { } bytes || (!outOfMemory && (!result.Succeeded || result.PeakMemoryMB is null))) return null;
        return Core.Chunks.ChunkSizeAdvice.Judge(limit, (result.Index, bytes, result.BaselineMemoryMB ?? 0, result.PeakMemoryMB ?? limit, outOfMemory), plan.LargestChunkBytes, request.Input.Mode == Core.Chunks.ChunkMode.Split) ?? string.Empty;
    }

    /// <summary>
    /// Runs one chunk, retrying it per policy with durable timers between attempts. <paramref name="index"/> is the
    /// chunk's position in this plan, not its index in the input (a repair's plan holds some of the original's chunks).
    /// </summary>
    private static async Task<ChunkResult> RunChunkAsync(TaskOrchestrationContext context, string runId, RunRequest request, PlannedRun plan, int index, bool captureEnvironment, Action countRetry)
    {
        var attempts = Math.Max(1, request.Retry.MaxAttempts);
        ChunkResult? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                countRetry();
                await context.CreateTimer(request.Retry.DelayBefore(attempt), CancellationToken.None);
            }

            try
            {
                last = await context.CallActivityAsync<ChunkResult>(
                    nameof(ExecuteChunk), new ExecuteChunkInput(runId, plan.Chunks[index], plan.ChunkCount, attempt, captureEnvironment, plan.TraceParent));
            }
            catch (TaskFailedException e)
            {
                // The activity itself failed (storage, kernel start): recorded like a failed notebook, and retried alike.
                last = new ChunkResult
                {
                    Index = plan.Chunks[index].Index,
                    Succeeded = false,
                    Error = new ChunkError("Infrastructure", null, null, null, e.FailureDetails.ErrorType, e.FailureDetails.ErrorMessage),
                };
            }

            last = last with { Attempts = attempt };
            if (last.Succeeded || last.Error?.Kind == ChunkError.InputChanged) return last;
        }

        return last!;
    }
}
