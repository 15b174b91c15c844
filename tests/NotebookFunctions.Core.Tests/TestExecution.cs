using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests;

/// <summary>Runs test notebooks (built by the shared TestNotebooks) on a real python3 kernel, and reads what they produced.</summary>
internal static class TestExecution
{
    public static Task<ExecutionResult> RunAsync(Notebook notebook, ExecutionOptions? options = null, IKernelProvider? kernels = null) =>
        new NotebookExecutor(kernels).ExecuteAsync(notebook, options ?? new ExecutionOptions { NotebookName = "test.ipynb" });

    /// <summary>All stream text of a cell, joined.</summary>
    public static string StreamText(Cell cell, string name = "stdout") =>
        string.Concat(cell.Outputs.OfType<JsonObject>()
            .Where(o => o["output_type"]?.GetValue<string>() == "stream" && o["name"]?.GetValue<string>() == name)
            .Select(o => TextLines.Join(o["text"])));

    public static IEnumerable<JsonObject> OutputsOfType(Cell cell, string type) =>
        cell.Outputs.OfType<JsonObject>().Where(o => o["output_type"]?.GetValue<string>() == type);

    /// <summary>The executed cell with the given id (banners shift indices, ids do not move).</summary>
    public static Cell ById(ExecutionResult result, string id) => result.Notebook.Cells.Single(c => c.Id == id);

    public static KernelSpec Python => new KernelSpecFinder().Find("python3");
}
