using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>
/// Builds notebooks as an author saved them: cells with the execution counts and outputs the file holds, whatever a
/// run would give today. Then runs them the way `nbf test` does (prepared, on a real kernel, errors allowed).
/// </summary>
internal static class SavedNotebooks
{
    /// <summary>A saved code cell: its source, its In [n] (null when never run) and its outputs.</summary>
    public static Cell Code(string id, int? count, string source, params JsonObject[] outputs) => Tagged(id, count, source, [], outputs);

    public static Cell Tagged(string id, int? count, string source, string[] tags, params JsonObject[] outputs)
    {
        var cell = Cell.NewCode(source, id, tags);
        cell.ExecutionCount = count;
        foreach (var output in outputs) cell.Outputs.Add(output);
        return cell;
    }

    public static JsonObject Stream(string text, string name = "stdout") =>
        new() { ["output_type"] = "stream", ["name"] = name, ["text"] = TextLines.Split(text) };

    /// <summary>An execute_result with one text/plain value, as Jupyter saves the value of a cell's last line.</summary>
    public static JsonObject Result(string text, int count = 1) =>
        new() { ["output_type"] = "execute_result", ["execution_count"] = count, ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/plain"] = TextLines.Split(text) } };

    public static JsonObject Display(params (string Mime, JsonNode Value)[] data) =>
        new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Mime, (JsonNode?)d.Value))) };

    public static JsonObject Error(string ename, string evalue, params string[] traceback) =>
        new() { ["output_type"] = "error", ["ename"] = ename, ["evalue"] = evalue, ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)t).ToArray()) };

    public static JsonArray Outputs(params JsonObject[] outputs) => new(outputs.Select(o => (JsonNode?)o).ToArray());

    /// <summary>Runs the saved notebook top to bottom as a regression check does; returns the executed notebook.</summary>
    public static async Task<Notebook> RunAsync(Notebook saved)
    {
        var result = await TestExecution.RunAsync(RegressionCheck.PrepareForRun(saved), new ExecutionOptions
        {
            NotebookName = "regression.ipynb",
            AllowErrors = true,
            CellTimeout = TimeSpan.FromSeconds(60),
        });
        return result.Notebook;
    }

    /// <summary>Runs and compares.</summary>
    public static async Task<IReadOnlyList<RegressionMismatch>> CheckAsync(Notebook saved, RegressionOptions? options = null) =>
        RegressionCheck.Compare(saved, await RunAsync(saved), options ?? new RegressionOptions());

    public static SanitizeRules Rules(string text) => SanitizeRules.Parse(text, "test.cfg");
}
