using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>What an executed notebook records about its run in metadata.notebook_functions.</summary>
public static class ExecutionMetadata
{
    public const string Key = "notebook_functions";

    public static void Record(Notebook notebook, ExecutionOptions options, JsonObject kernelInfo, DateTimeOffset start, DateTimeOffset end, ExecutionFailure? failure)
    {
        var record = notebook.Metadata.ObjectAt(Key);
        record["start_time"] = JupyterDate(start);
        record["end_time"] = JupyterDate(end);
        record["duration"] = Math.Round((end - start).TotalSeconds, 6);
        PapermillMetadata.RecordTimes(notebook, JupyterDate(start), JupyterDate(end), Math.Round((end - start).TotalSeconds, 6), failure is not null);
        record["status"] = failure is null ? "succeeded" : "failed";
        record["exception"] = failure is null ? null : new JsonObject
        {
            ["kind"] = failure.Kind.ToString(),
            ["cell_index"] = failure.CellIndex,
            ["cell_id"] = failure.CellId,
            ["execution_count"] = failure.ExecutionCount,
            ["ename"] = failure.EName,
            ["evalue"] = failure.EValue,
        };
        record["kernel"] = new JsonObject
        {
            ["name"] = options.KernelName ?? notebook.KernelName ?? Kernels.KernelSpecFinder.DefaultKernelName,
            ["implementation"] = kernelInfo["implementation"]?.DeepClone(),
            ["implementation_version"] = kernelInfo["implementation_version"]?.DeepClone(),
            ["language"] = kernelInfo["language_info"]?["name"]?.DeepClone(),
            ["language_version"] = kernelInfo["language_info"]?["version"]?.DeepClone(),
        };
    }

    private static string JupyterDate(DateTimeOffset t) => Kernels.JupyterMessage.FormatDate(t);
}
