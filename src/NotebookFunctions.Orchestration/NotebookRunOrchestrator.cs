using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// Plans chunks, runs the notebook on each with at most N in flight, retries failed chunks with durable timers,
/// then merges. Deterministic: all I/O happens in activities; time and ids come from the context.
/// </summary>
public sealed class NotebookRunOrchestrator : TaskOrchestrator<RunRequest, RunResult>
{
    public override async Task<RunResult> RunAsync(TaskOrchestrationContext context, RunRequest request)
    {
        var runId = context.InstanceId;
        var startedAt = context.CurrentUtcDateTime;
        ChunkPlan plan;
        try
        {
            plan = await context.CallActivityAsync<ChunkPlan>(nameof(PlanChunks), new PlanChunksInput(runId, request));
        }
        catch (TaskFailedException e)
        {
            var error = e.FailureDetails.ErrorMessage;
            var merged = await context.CallActivityAsync<MergeOutput>(nameof(MergeResults), new MergeInput(runId, request, [], [], RunStatus.Failed, startedAt, error));
            return new RunResult(runId, RunStatus.Failed, 0, 0, 0, [], [], merged.Manifest, error);
        }

        var chunks = plan.Chunks;
        var results = new ChunkResult?[chunks.Count];
        var inFlight = new Dictionary<Task<ChunkResult>, int>();
        var next = 0;
        var retries = 0;
        var succeeded = 0;
        var failedCount = 0;
        var stopScheduling = false;
        var parallel = Math.Max(1, request.MaxParallelChunks);

        // Counters, not scans: this runs after every chunk of every replay, and runs can have thousands of chunks.
        var failures = new List<ChunkFailure>();
        void Report() => context.SetCustomStatus(new RunProgress(chunks.Count, inFlight.Count, succeeded, failedCount, retries) { Failures = failures.ToList() });

        Report();
        while ((next < chunks.Count && !stopScheduling) || inFlight.Count > 0)
        {
            while (!stopScheduling && next < chunks.Count && inFlight.Count < parallel)
            {
                inFlight[RunChunkAsync(context, runId, request, plan, next, () => retries++)] = next;
                next++;
            }

            Report();
            var done = await Task.WhenAny(inFlight.Keys);
            var index = inFlight[done];
            inFlight.Remove(done);
            results[index] = await done;
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
        var finished = results.Where(r => r is not null).Select(r => r!).ToList();
        var failed = finished.Where(r => !r.Succeeded).ToList();
        var status = failed.Count == 0 && finished.Count == chunks.Count ? RunStatus.Completed
            : request.OnChunkFailure == FailurePolicy.Continue && failed.Count < chunks.Count ? RunStatus.CompletedWithFailures
            : RunStatus.Failed;
        var output = await context.CallActivityAsync<MergeOutput>(nameof(MergeResults), new MergeInput(runId, request, chunks, finished, status, startedAt, null, plan.TraceParent));
        var summary = failed.Count == 0 ? null : $"{failed.Count} of {chunks.Count} chunks failed; first: chunk {failed[0].Index}: {failed[0].Error}";
        return new RunResult(runId, status, chunks.Count, finished.Count(r => r.Succeeded), failed.Count, failed, output.MergedFiles, output.Manifest, summary);
    }

    /// <summary>
    /// Runs one chunk, retrying it per policy with durable timers between attempts. <paramref name="index"/> is the
    /// chunk's position in this run's plan, not its index in the input (a repair's plan holds some of the original's chunks).
    /// </summary>
    private static async Task<ChunkResult> RunChunkAsync(TaskOrchestrationContext context, string runId, RunRequest request, ChunkPlan plan, int index, Action countRetry)
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
                    nameof(ExecuteChunk), new ExecuteChunkInput(runId, plan.Chunks[index], plan.ChunkCount, attempt, CaptureEnvironment: index == 0, plan.TraceParent));
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
            if (last.Succeeded) return last;
        }

        return last!;
    }
}
