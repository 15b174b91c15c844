using System.Diagnostics;
using NotebookFunctions.Core.Notebooks;
using static NotebookFunctions.Core.Telemetry.NotebookTelemetry;

namespace NotebookFunctions.Core.Execution;

/// <summary>One span and one duration measurement per executed cell; a failing cell's span carries the error and the cell.</summary>
internal static class CellSpans
{
    public static Activity? Start(ExecutionOptions options, Notebook notebook, int index)
    {
        var activity = Source.StartActivity($"cell {index}", ActivityKind.Internal);
        if (activity is null) return null;
        activity.SetTag(Attributes.Notebook, options.NotebookName);
        activity.SetTag(Attributes.CellIndex, index);
        activity.SetTag(Attributes.CellId, notebook.Cells[index].Id);
        return activity;
    }

    public static void Finish(Activity? activity, ExecutionOptions options, CellResult result, ExecutionFailure? failure, string source)
    {
        var status = result.Status.ToString();
        CellDuration.Record(result.Duration.TotalSeconds, new KeyValuePair<string, object?>(Attributes.Status, status));
        if (activity is null) return;
        activity.SetTag(Attributes.ExecutionCount, result.ExecutionCount);
        activity.SetTag(Attributes.Status, status);
        if (failure is null)
        {
            activity.SetStatus(ActivityStatusCode.Ok);
            return;
        }

        var redact = options.Redactor;
        RecordFailure(activity, redact.Redact(failure.EName), redact.Redact(failure.EValue),
        [
            new(Attributes.Notebook, options.NotebookName),
            new(Attributes.CellIndex, result.CellIndex),
            new(Attributes.CellId, failure.CellId),
            new(Attributes.ExecutionCount, result.ExecutionCount),
            new(Attributes.SourceExcerpt, redact.Redact(Excerpt(source))),
        ]);
    }
}
