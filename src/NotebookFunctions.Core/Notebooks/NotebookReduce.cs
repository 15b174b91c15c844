using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>A reduce notebook as a map notebook names it: a published name (or a file beside it), an optional version, parameters.</summary>
/// <param name="Notebook">A published notebook's name, or a relative path to a .ipynb file beside the map notebook.</param>
/// <param name="Version">A pinned published version (sha256); the latest when null.</param>
/// <param name="Parameters">Values for the reduce's parameters cell.</param>
public sealed record NotebookReduce(string Notebook, string? Version, JsonObject? Parameters)
{
    /// <summary>Where in a notebook its own reduce is named.</summary>
    public const string MetadataPath = "metadata.notebook_functions.reduce";

    /// <summary>Whether <see cref="Notebook"/> names a file (published by nbf under the file's name) rather than a published name.</summary>
    public bool IsFile => Notebook.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The reduce named in <c>metadata.notebook_functions.reduce</c>: a string ("sales-totals" or "sales_totals.ipynb"),
    /// or {"notebook", "version"?, "parameters"?}. Null when the notebook names none; anything else is refused, naming the field.
    /// </summary>
    public static NotebookReduce? Of(Notebook notebook, string source)
    {
        var node = notebook.Metadata["notebook_functions"] is JsonObject own ? own["reduce"] : null;
        switch (node)
        {
            case null:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0:
                return new NotebookReduce(value.GetValue<string>(), null, null);
            case JsonObject reduce:
                var unknown = reduce.Select(p => p.Key).FirstOrDefault(k => k is not ("notebook" or "version" or "parameters"));
                if (unknown is not null) throw Problem(source, $"unknown member '{unknown}'; a reduce has 'notebook', 'version' and 'parameters'");
                if (reduce["notebook"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || name.GetValue<string>().Length == 0)
                    throw Problem(source, "'notebook' must name the reduce notebook (a published name, or a .ipynb file beside this one)");
                if (reduce["version"] is { } version && (version is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                    throw Problem(source, "'version' must be a published version (a sha256 string)");
                if (reduce["parameters"] is { } parameters && parameters is not JsonObject)
                    throw Problem(source, "'parameters' must be an object of name: value");
                return new NotebookReduce(name.GetValue<string>(), reduce["version"]?.GetValue<string>(), (JsonObject?)reduce["parameters"]?.DeepClone());
            default:
                throw Problem(source, "must be the reduce notebook's name, or {\"notebook\", \"version\", \"parameters\"}");
        }
    }

    private static NotebookFormatException Problem(string source, string message) => new(source, [new NotebookProblem(message, Field: MetadataPath)]);
}
