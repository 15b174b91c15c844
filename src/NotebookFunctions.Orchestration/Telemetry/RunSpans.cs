using System.Diagnostics;
using NotebookFunctions.Orchestration.Models;
using static NotebookFunctions.Core.Telemetry.NotebookTelemetry;

namespace NotebookFunctions.Orchestration.Telemetry;

/// <summary>
/// The run's spans across activities (each may run on another host): the run span is a producer that ends once the
/// chunks are planned and dispatched; its W3C id travels in the plan, so every chunk attempt (a consumer) and the
/// merge are its children, and one trace holds run → chunk → cell.
/// </summary>
public static class RunSpans
{
    public static Activity? StartRun(string runId, RunRequest request)
    {
        var activity = Source.StartActivity($"run {request.Notebook}", ActivityKind.Producer, parentContext: default);
        activity?.SetTag(Attributes.RunId, runId);
        activity?.SetTag(Attributes.Notebook, request.Notebook);
        activity?.SetTag(Attributes.Version, request.Version);
        return activity;
    }

    public static Activity? StartChunk(ExecuteChunkInput input, RunRequest request)
    {
        var activity = Source.StartActivity($"chunk {input.Chunk.Index}", ActivityKind.Consumer, Parent(input.TraceParent));
        if (activity is null) return null;
        activity.SetTag(Attributes.RunId, input.RunId);
        activity.SetTag(Attributes.Notebook, request.Notebook);
        activity.SetTag(Attributes.Version, request.Version);
        activity.SetTag(Attributes.ChunkIndex, input.Chunk.Index);
        activity.SetTag(Attributes.ChunkCount, input.ChunkCount);
        activity.SetTag(Attributes.Attempt, input.Attempt);
        return activity;
    }

    /// <summary>Ends a chunk attempt's span and records its duration, failure and retry counts.</summary>
    public static void FinishChunk(Activity? activity, ExecuteChunkInput input, RunRequest request, ChunkResult result)
    {
        var status = new KeyValuePair<string, object?>(Attributes.Status, result.Succeeded ? "Succeeded" : "Failed");
        var notebook = new KeyValuePair<string, object?>(Attributes.Notebook, request.Notebook);
        ChunkDuration.Record(result.DurationSeconds, status, notebook);
        if (input.Attempt > 1) ChunkRetries.Add(1, notebook);
        if (!result.Succeeded) ChunksFailed.Add(1, notebook);
        if (activity is null) return;
        activity.SetTag(Attributes.Status, status.Value);
        if (result.PeakMemoryMB is { } peak) activity.SetTag(Attributes.PeakMemoryMB, peak);
        if (request.MemoryLimitMB is { } limit) activity.SetTag(Attributes.MemoryLimitMB, limit);
        if (result.Error is { } error)
        {
            // Out of memory is its own kind, so a query can count it apart from cells that raised and kernels that died.
            activity.SetTag(Attributes.FailureKind, error.Kind);
            // Already redacted by the activity: error records never hold a secret's value.
            RecordFailure(activity, error.EName, error.EValue,
            [
                new(Attributes.RunId, input.RunId),
                new(Attributes.Notebook, request.Notebook),
                new(Attributes.ChunkIndex, input.Chunk.Index),
                new(Attributes.CellIndex, error.CellIndex),
                new(Attributes.CellId, error.CellId),
                new(Attributes.ExecutionCount, error.ExecutionCount),
                new(Attributes.FailureKind, error.Kind),
            ]);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    public static Activity? StartMerge(MergeInput input)
    {
        var activity = Source.StartActivity("merge", ActivityKind.Consumer, Parent(input.TraceParent));
        activity?.SetTag(Attributes.RunId, input.RunId);
        activity?.SetTag(Attributes.Notebook, input.Request.Notebook);
        activity?.SetTag(Attributes.Version, input.Request.Version);
        return activity;
    }

    /// <summary>Ends the merge span with the run's outcome and records the run's duration.</summary>
    public static void FinishMerge(Activity? activity, MergeInput input, Activities.ChunkRecords records)
    {
        RunDuration.Record((DateTime.UtcNow - input.StartedAt).TotalSeconds,
            new KeyValuePair<string, object?>(Attributes.Status, input.Status.ToString()),
            new KeyValuePair<string, object?>(Attributes.Notebook, input.Request.Notebook));
        if (activity is null) return;
        activity.SetTag(Attributes.Status, input.Status.ToString());
        activity.SetTag(Attributes.ChunkCount, records.Chunks.Count);
        if (input.Status == RunStatus.Failed)
        {
            var firstFailure = records.Failed.FirstOrDefault();
            RecordFailure(activity, "RunFailed", input.PlanError ?? input.FanOutError ?? (firstFailure is null ? "the run failed" : $"chunk {firstFailure.Index}: {firstFailure.Error}"),
                [new(Attributes.RunId, input.RunId), new(Attributes.Notebook, input.Request.Notebook)]);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    public static Activity? StartReduce(ExecuteReduceInput input, ReduceRequest reduce)
    {
        var activity = Source.StartActivity($"reduce {reduce.Notebook}", ActivityKind.Consumer, Parent(input.TraceParent));
        activity?.SetTag(Attributes.RunId, input.RunId);
        activity?.SetTag(Attributes.Notebook, reduce.Notebook);
        activity?.SetTag(Attributes.Version, reduce.Version);
        activity?.SetTag(Attributes.ChunkCount, input.ChunkCount);
        activity?.SetTag(Attributes.Attempt, input.Attempt);
        return activity;
    }

    /// <summary>Ends a reduce attempt's span; a failure names the reduce's cell, as a chunk's does.</summary>
    public static void FinishReduce(Activity? activity, ExecuteReduceInput input, ReduceResult result)
    {
        if (activity is null) return;
        activity.SetTag(Attributes.Status, result.Succeeded ? "Succeeded" : "Failed");
        if (result.Error is { } error)
        {
            RecordFailure(activity, error.EName, error.EValue,
            [
                new(Attributes.RunId, input.RunId),
                new(Attributes.Notebook, result.Notebook),
                new(Attributes.CellIndex, error.CellIndex),
                new(Attributes.CellId, error.CellId),
                new(Attributes.ExecutionCount, error.ExecutionCount),
            ]);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    private static ActivityContext Parent(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}
