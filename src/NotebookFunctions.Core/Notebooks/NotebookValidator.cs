using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Checks a notebook's JSON against the parts of the nbformat 4 schema that execution relies on.</summary>
public static partial class NotebookValidator
{
    private static readonly HashSet<string> CellTypes = ["code", "markdown", "raw"];
    private static readonly HashSet<string> OutputTypes = ["execute_result", "display_data", "stream", "error"];

    [GeneratedRegex("^[a-zA-Z0-9-_]{1,64}$")]
    private static partial Regex CellIdPattern();

    /// <summary>Problems with the top level; an empty list when the notebook is nbformat 4 in shape.</summary>
    public static List<NotebookProblem> ValidateTopLevel(JsonObject root)
    {
        var problems = new List<NotebookProblem>();
        var format = root["nbformat"];
        if (format is not JsonValue fv || fv.GetValueKind() != JsonValueKind.Number)
        {
            problems.Add(new("missing or non-integer 'nbformat': this is not a Jupyter notebook", Field: "nbformat"));
            return problems;
        }

        var major = JsonNumbers.AsDouble(fv)!.Value;
        if (major < 4)
        {
            problems.Add(new(
                $"nbformat {major} is not supported; only nbformat 4 is. Convert it with `jupyter nbconvert --to notebook --nbformat 4`.",
                Field: "nbformat"));
            return problems;
        }

        if (major > 4)
        {
            problems.Add(new($"nbformat {major} is newer than this tool supports (4)", Field: "nbformat"));
            return problems;
        }

        if (root["nbformat_minor"] is not JsonValue mv || mv.GetValueKind() != JsonValueKind.Number)
            problems.Add(new("missing or non-integer 'nbformat_minor'", Field: "nbformat_minor"));
        if (root["metadata"] is not JsonObject)
            problems.Add(new("'metadata' must be an object", Field: "metadata"));
        if (root["cells"] is not JsonArray)
            problems.Add(new("'cells' must be a list", Field: "cells"));
        return problems;
    }

    /// <summary>Problems with the cells, each naming the cell by index and id.</summary>
    public static List<NotebookProblem> ValidateCells(JsonArray cells, int formatMinor)
    {
        var problems = new List<NotebookProblem>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
            {
                problems.Add(new("a cell must be an object", i));
                continue;
            }

            var id = cell["id"] is JsonValue idv && idv.GetValueKind() == JsonValueKind.String ? idv.GetValue<string>() : null;
            void Problem(string message, string field) => problems.Add(new(message, i, id, field));

            if (cell.ContainsKey("id"))
            {
                if (id is null || !CellIdPattern().IsMatch(id))
                    Problem("a cell id must be 1 to 64 letters, digits, '-' or '_'", "id");
                else if (seenIds.TryGetValue(id, out var first))
                    Problem($"duplicate cell id, first used by cell {first}", "id");
                else
                    seenIds[id] = i;
            }

            var type = cell["cell_type"] is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : null;
            if (type is null || !CellTypes.Contains(type))
            {
                Problem($"'cell_type' must be one of code, markdown, raw; found {Describe(cell["cell_type"])}", "cell_type");
                continue;
            }

            if (!IsMultiline(cell["source"]))
                Problem($"'source' must be a string or a list of strings; found {Describe(cell["source"])}", "source");
            if (cell["metadata"] is not JsonObject)
                Problem("'metadata' must be an object", "metadata");
            else if (cell["metadata"]!["tags"] is { } tags && (tags is not JsonArray ta || ta.Any(t => t is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
                Problem("'metadata.tags' must be a list of strings", "metadata.tags");

            if (type != "code") continue;
            var count = cell["execution_count"];
            if (count is not null && (count is not JsonValue cv || cv.GetValueKind() != JsonValueKind.Number))
                Problem($"'execution_count' must be an integer or null; found {Describe(count)}", "execution_count");
            if (cell["outputs"] is not JsonArray outputs)
            {
                Problem("a code cell needs an 'outputs' list", "outputs");
                continue;
            }

            for (var o = 0; o < outputs.Count; o++)
            {
                var message = ValidateOutput(outputs[o]);
                if (message is not null) Problem(message, $"outputs[{o}]");
            }
        }

        return problems;
    }

    private static string? ValidateOutput(JsonNode? node)
    {
        if (node is not JsonObject output) return "an output must be an object";
        var type = output["output_type"] is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : null;
        if (type is null || !OutputTypes.Contains(type))
            return $"'output_type' must be one of {string.Join(", ", OutputTypes)}; found {Describe(output["output_type"])}";
        return type switch
        {
            "stream" when output["name"] is not JsonValue || !IsMultiline(output["text"]) => "a stream output needs 'name' and 'text'",
            "error" when output["ename"] is not JsonValue || output["evalue"] is not JsonValue || output["traceback"] is not JsonArray =>
                "an error output needs 'ename', 'evalue' and 'traceback'",
            "display_data" or "execute_result" when output["data"] is not JsonObject => $"a {type} output needs a 'data' object",
            _ => null,
        };
    }

    private static bool IsMultiline(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValueKind() == JsonValueKind.String,
        JsonArray a => a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String),
        _ => false,
    };

    private static string Describe(JsonNode? node) => node is null ? "nothing" : node.GetValueKind() switch
    {
        JsonValueKind.String => $"\"{node.GetValue<string>()}\"",
        var k => k.ToString().ToLowerInvariant(),
    };
}
