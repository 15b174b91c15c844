using System.Diagnostics;
using static NotebookFunctions.Core.Telemetry.NotebookTelemetry;

namespace NotebookFunctions.Core.Telemetry;

/// <summary>What telemetry records of a failing cell; every text already redacted by the caller.</summary>
public sealed record CellFailureRecord(string? CellId, string EName, string EValue, string SourceExcerpt);

/// <summary>
/// One span and one duration measurement per executed cell; a failing cell's span carries the error and the cell.
/// Takes plain values, so telemetry needs nothing of execution (which calls it).
/// </summary>
public static class CellSpans
{
    public static Activity? Start(string? notebook, int index, string? cellId)
    {
        var activity = Source.StartActivity($"cell {index}", ActivityKind.Internal);
        if (activity is null) return null;
        activity.SetTag(Attributes.Notebook, notebook);
        activity.SetTag(Attributes.CellIndex, index);
        activity.SetTag(Attributes.CellId, cellId);
        return activity;
    }

    public static void Finish(Activity? activity, string? notebook, int index, string status, TimeSpan duration, int? executionCount, CellFailureRecord? failure)
    {
        CellDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(Attributes.Status, status));
        if (activity is null) return;
        activity.SetTag(Attributes.ExecutionCount, executionCount);
        activity.SetTag(Attributes.Status, status);
        if (failure is null)
        {
            activity.SetStatus(ActivityStatusCode.Ok);
            return;
        }

        RecordFailure(activity, failure.EName, failure.EValue,
        [
            new(Attributes.Notebook, notebook),
            new(Attributes.CellIndex, index),
            new(Attributes.CellId, failure.CellId),
            new(Attributes.ExecutionCount, executionCount),
            new(Attributes.SourceExcerpt, failure.SourceExcerpt),
        ]);
    }
}
