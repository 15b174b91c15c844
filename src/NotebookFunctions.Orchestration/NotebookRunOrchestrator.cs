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
        PlannedRun plan;
        try
        {
            plan = await context.CallActivityAsync<PlannedRun>(nameof(PlanChunks), new PlanChunksInput(runId, request));
        }
        catch (TaskFailedException e)
        {
            var error = e.FailureDetails.ErrorMessage;
            var merged = await context.CallActivityAsync<MergeOutput>(nameof(MergeResults), new MergeInput(runId, request, [], RunStatus.Failed, startedAt, error));
            // A failed plan has no merge and no reduce: its manifest is written at once.
            return new RunResult(runId, RunStatus.Failed, 0, 0, 0, [], [], merged.Manifest, error);
        }

        // The host's memory may allow fewer kernels at once than asked for: the plan says so, and the run keeps to it.
        var parallel = Math.Max(1, Math.Min(request.MaxParallelChunks, plan.KernelsAtOnce ?? int.MaxValue));
        var warnings = plan.Warnings.ToList();
        var fanIn = plan.Batched
            ? await ChunkBatches.RunAsync(context, runId, request, plan, parallel, warnings)
            : await FanInStore.StoreAsync(context, runId, 0, await ChunkFanOut.RunAsync(context, runId, request, plan, parallel, captureEnvironment: true, warnings, progress => context.SetCustomStatus(progress)));
        if (fanIn.MemoryWarning is { } memoryWarning) warnings.Add(memoryWarning);

        // A repair's kept chunks count as the whole run's: it ends as the run would have had these chunks succeeded.
        var whole = plan.Whole;
        var status = fanIn.Error is not null ? RunStatus.Failed
            : fanIn.Failed == 0 && fanIn.Finished == plan.ToRun ? RunStatus.Completed
            : request.OnChunkFailure == FailurePolicy.Continue && fanIn.Failed < whole ? RunStatus.CompletedWithFailures
            : RunStatus.Failed;
        var reduceFollows = request.Reduce is not null && status != RunStatus.Failed;
        var mergeInput = new MergeInput(runId, request, fanIn.Records, status, startedAt, null, plan.TraceParent) { FanOutError = fanIn.Error, ReduceFollows = reduceFollows, Warnings = warnings };
        var output = await context.CallActivityAsync<MergeOutput>(nameof(MergeResults), mergeInput);
        var firstFailed = fanIn.FirstFailures.FirstOrDefault();
        var summary = fanIn.Error ?? (firstFailed is null ? null : $"{fanIn.Failed} of {whole} chunks failed; first: chunk {firstFailed.Index}: {firstFailed.Error}");
        ReduceResult? reduce = null;
        if (reduceFollows)
        {
            reduce = await RunReduceAsync(context, runId, request, new ExecuteReduceInput(runId, plan.ChunkCount, fanIn.Records, 1, plan.TraceParent));
            if (!reduce.Succeeded)
            {
                status = RunStatus.Failed;
                summary = reduce.ToString();
            }

            var manifest = await context.CallActivityAsync<string>(nameof(RecordRun), new RecordRunInput(mergeInput with { Status = status }, output.MergedFiles, reduce));
            output = output with { Manifest = manifest };
        }

        return new RunResult(runId, status, whole, fanIn.Succeeded + plan.Kept, fanIn.Failed, fanIn.FirstFailures, output.MergedFiles, output.Manifest, summary) { Reduce = reduce, Warnings = warnings };
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
}
