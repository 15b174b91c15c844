using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// Plans chunks, runs the notebook on each with at most N in flight, retries failed chunks with durable timers,
/// then merges, and runs the reduce (when the run has one) over the merged results for the final answer. Deterministic: all I/O happens in activities; time and ids come from the context.
/// </summary>
public sealed class NotebookRunOrchestrator : TaskOrchestrator<RunRequest, RunResult>
{
    public override async Task<RunResult> RunAsync(TaskOrchestrationContext context, RunRequest request)
    {
        var startedAt = context.CurrentUtcDateTime;
        var result = await RunToEndAsync(context, request);
        if (request.Notify.Count == 0) return result;
        // The run has ended and its manifest is written: the notifications tell of it, and cannot change it.
        var notice = Notifications.NotificationDelivery.NoticeOf(request, result, startedAt, context.CurrentUtcDateTime);
        return result with { Notifications = await Notifications.NotificationDelivery.DeliverAsync(context, request.Notify, notice) };
    }

    private static async Task<RunResult> RunToEndAsync(TaskOrchestrationContext context, RunRequest request)
    {
        // A pipeline step keeps its record under the pipeline run's; its instance id is only the engine's handle.
        var runId = request.Record ?? context.InstanceId;
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
            // A failed plan has no merge and no reduce: its manifest is written at once.
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
        // The host's memory may allow fewer kernels at once than asked for: the plan says so, and the run keeps to it.
        var parallel = Math.Max(1, Math.Min(request.MaxParallelChunks, plan.KernelsAtOnce ?? int.MaxValue));
        var warnings = plan.Warnings.ToList();
        var memoryJudged = request.MemoryLimitMB is null;

        // Counters, not scans: this runs after every chunk of every replay, and runs can have thousands of chunks.
        var failures = new List<ChunkFailure>();
        void Report() => context.SetCustomStatus(new RunProgress(chunks.Count, inFlight.Count, succeeded, failedCount, retries) { Failures = failures.ToList(), Warnings = warnings.ToList() });

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
            if (!memoryJudged && MemoryAdvice(request, chunks, results[index]!) is { } judged)
            {
                memoryJudged = true;
                if (judged.Length > 0) warnings.Add(judged);
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
        var finished = results.Where(r => r is not null).Select(r => r!).ToList();
        var failed = finished.Where(r => !r.Succeeded).ToList();
        // A repair's kept chunks count as the whole run's: it ends as the run would have had these chunks succeeded.
        var whole = chunks.Count + plan.Reused.Count;
        var status = failed.Count == 0 && finished.Count == chunks.Count ? RunStatus.Completed
            : request.OnChunkFailure == FailurePolicy.Continue && failed.Count < whole ? RunStatus.CompletedWithFailures
            : RunStatus.Failed;
        var reduceFollows = request.Reduce is not null && status != RunStatus.Failed;
        var mergeInput = new MergeInput(runId, request, chunks, finished, status, startedAt, null, plan.TraceParent) { Reused = plan.Reused, ReduceFollows = reduceFollows, Warnings = warnings };
        var output = await context.CallActivityAsync<MergeOutput>(nameof(MergeResults), mergeInput);
        var summary = failed.Count == 0 ? null : $"{failed.Count} of {whole} chunks failed; first: chunk {failed[0].Index}: {failed[0].Error}";
        ReduceResult? reduce = null;
        if (reduceFollows)
        {
            var sources = mergeInput.Succeeded.Select(r => new ChunkSource(r.Index, r.Run ?? runId)).ToList();
            reduce = await RunReduceAsync(context, runId, request, new ExecuteReduceInput(runId, plan.ChunkCount, sources, failed.Select(f => f.Index).Order().ToList(), 1, plan.TraceParent));
            if (!reduce.Succeeded)
            {
                status = RunStatus.Failed;
                summary = reduce.ToString();
            }

            var manifest = await context.CallActivityAsync<string>(nameof(RecordRun), new RecordRunInput(mergeInput with { Status = status }, output.MergedFiles, reduce));
            output = output with { Manifest = manifest };
        }

        return new RunResult(runId, status, whole, finished.Count(r => r.Succeeded) + plan.Reused.Count, failed.Count, failed, output.MergedFiles, output.Manifest, summary) { Reduce = reduce, Warnings = warnings };
    }

    /// <summary>
    /// From the first chunk that tells (it finished with a peak, or ran out of memory): the warning when the plan's
    /// largest chunk will not fit the memory limit, an empty text when it will, null when this chunk cannot tell.
    /// </summary>
    private static string? MemoryAdvice(RunRequest request, IReadOnlyList<Core.Chunks.ChunkSpec> chunks, ChunkResult result)
    {
        var outOfMemory = result.Error?.Kind == ChunkError.OutOfMemory;
        if (request.MemoryLimitMB is not { } limit || result.InputBytes is not { } bytes || (!outOfMemory && (!result.Succeeded || result.PeakMemoryMB is null))) return null;
        var largest = chunks.Max(Core.Chunks.ChunkSizeAdvice.BytesOf);
        return Core.Chunks.ChunkSizeAdvice.Judge(limit, (result.Index, bytes, result.BaselineMemoryMB ?? 0, result.PeakMemoryMB ?? limit, outOfMemory), largest, request.Input.Mode == Core.Chunks.ChunkMode.Split) ?? string.Empty;
    }

    /// <summary>The reduce, retried per the run's policy like a chunk (a kernel that dies can be bad luck; a cell that raises will raise again).</summary>
    private static async Task<ReduceResult> RunReduceAsync(TaskOrchestrationContext context, string runId, RunRequest request, ExecuteReduceInput input)
    {
        var attempts = Math.Max(1, request.Retry.MaxAttempts);
        ReduceResult? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1) await context.CreateTimer(request.Retry.DelayBefore(attempt), CancellationToken.None);
            try
            {
                last = await context.CallActivityAsync<ReduceResult>(nameof(ExecuteReduce), input with { Attempt = attempt });
            }
            catch (TaskFailedException e)
            {
                last = new ReduceResult
                {
                    Notebook = request.Reduce!.Notebook,
                    Version = request.Reduce.Version,
                    Succeeded = false,
                    Error = new ChunkError("Infrastructure", null, null, null, e.FailureDetails.ErrorType, e.FailureDetails.ErrorMessage),
                };
            }

            last = last with { Attempts = attempt };
            if (last.Succeeded) return last;
        }

        return last!;
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
