using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>
/// metadata.papermill, as papermill writes it, so papermill and scrapbook readers see this run. Rewritten whole for
/// every run: a notebook last executed by papermill must not keep that run's paths and times beside ours.
/// </summary>
public static class PapermillMetadata
{
    public const string Key = "papermill";

    /// <summary>Starts the record of a run with its parameters (none: an empty object), dropping whatever an earlier run left.</summary>
    public static void Reset(Notebook notebook, JsonObject parameters) => notebook.Metadata[Key] = new JsonObject
    {
        ["default_parameters"] = new JsonObject(),
        ["parameters"] = parameters.DeepClone(),
        ["environment_variables"] = new JsonObject(),
        ["version"] = null,
        ["input_path"] = null,
        ["output_path"] = null,
        ["start_time"] = null,
        ["end_time"] = null,
        ["duration"] = null,
        ["exception"] = null,
    };

    /// <summary>When the run started and ended, and whether it raised.</summary>
    public static void RecordTimes(Notebook notebook, string start, string end, double durationSeconds, bool exception)
    {
        var record = notebook.Metadata.ObjectAt(Key);
        record["start_time"] = start;
        record["end_time"] = end;
        record["duration"] = durationSeconds;
        record["exception"] = exception;
    }

    public static void RecordPaths(Notebook notebook, string? inputPath, string? outputPath)
    {
        var record = notebook.Metadata.ObjectAt(Key);
        record["input_path"] = inputPath;
        record["output_path"] = outputPath;
    }
}
