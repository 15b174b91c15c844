using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Tests.Shared;

/// <summary>
/// The one builder of test notebooks: small nbformat 4.5 python3 notebooks, written as Jupyter writes them.
/// Cell ids are "params" for the parameters cell and "c0", "c1", ... for the code cells after it.
/// </summary>
internal static class TestNotebooks
{
    /// <summary>A parameters cell (when given), then one code cell per source.</summary>
    public static Notebook Build(string? parameters, params string[] cells)
    {
        var all = new List<Cell>();
        if (parameters is not null) all.Add(Tagged(parameters, "params", "parameters"));
        all.AddRange(cells.Select((c, i) => Cell.NewCode(c, $"c{i}")));
        return WithCells([.. all]);
    }

    /// <summary>One code cell per source, no parameters cell.</summary>
    public static Notebook Of(params string[] cells) => Build(null, cells);

    /// <summary>A notebook of exactly these cells.</summary>
    public static Notebook WithCells(params Cell[] cells)
    {
        var root = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)c.Json).ToArray()),
        };
        return NotebookReader.FromJson(root, "test.ipynb");
    }

    public static Cell Tagged(string source, string id, params string[] tags) => Cell.NewCode(source, id, tags);

    /// <summary>The .ipynb text of <see cref="Build"/>.</summary>
    public static string Text(string? parameters, params string[] cells) => Build(parameters, cells).ToText();

    /// <summary>Writes the notebook of <see cref="Build"/> as folder/fileName; returns its full path.</summary>
    public static string Write(string folder, string fileName, string? parameters, params string[] cells)
    {
        var path = Path.Combine(folder, fileName);
        File.WriteAllText(path, Text(parameters, cells));
        return path;
    }
}
