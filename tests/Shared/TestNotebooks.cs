using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Tests.Shared;

/// <summary>Small nbformat 4.5 python3 notebooks for tests, written as Jupyter writes them.</summary>
internal static class TestNotebooks
{
    /// <summary>A parameters cell (when given), then one code cell per source.</summary>
    public static string Text(string? parameters, params string[] cells)
    {
        var all = new List<Cell>();
        if (parameters is not null) all.Add(Cell.NewCode(parameters, "params", "parameters"));
        all.AddRange(cells.Select((c, i) => Cell.NewCode(c, $"c{i}")));
        var root = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
            ["cells"] = new JsonArray(all.Select(c => (JsonNode)c.Json).ToArray()),
        };
        return NotebookReader.FromJson(root, "test").ToText();
    }
}
