using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>One notebook cell: typed access over its JSON object, which keeps every key it was read with.</summary>
public sealed class Cell
{
    public Cell(JsonObject json) => Json = json;

    /// <summary>The cell's JSON, including keys this model does not know.</summary>
    public JsonObject Json { get; }

    public string CellType => Json["cell_type"]?.GetValue<string>() ?? string.Empty;

    public bool IsCode => CellType == "code";

    public string? Id => Json["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The source as one string; set writes it as a list of lines, as nbformat does.</summary>
    public string Source
    {
        get => TextLines.Join(Json["source"]);
        set => Json["source"] = TextLines.Split(value);
    }

    public JsonObject Metadata => Json.ObjectAt("metadata");

    public IReadOnlyList<string> Tags =>
        Json["metadata"]?["tags"] is JsonArray tags
            ? tags.Where(t => t is JsonValue v && v.GetValueKind() == JsonValueKind.String).Select(t => t!.GetValue<string>()).ToList()
            : [];

    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);

    /// <summary>Outputs of a code cell; created empty when missing.</summary>
    public JsonArray Outputs => Json.ArrayAt("outputs");

    public int? ExecutionCount
    {
        get => JsonNumbers.AsInt(Json["execution_count"]);
        set => Json["execution_count"] = value is null ? null : JsonValue.Create(value.Value);
    }

    /// <summary>A short name for messages: "cell 3 (id 'a1b2')".</summary>
    public string Describe(int index) => Id is null ? $"cell {index}" : $"cell {index} (id '{Id}')";

    /// <summary>A new code cell in nbformat 4's shape.</summary>
    public static Cell NewCode(string source, string? id, params string[] tags) => Create(new JsonObject
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["metadata"] = new JsonObject(),
        ["outputs"] = new JsonArray(),
        ["source"] = TextLines.Split(source),
    }, id, tags);

    /// <summary>A new markdown cell in nbformat 4's shape.</summary>
    public static Cell NewMarkdown(string source, string? id, params string[] tags) => Create(new JsonObject
    {
        ["cell_type"] = "markdown",
        ["metadata"] = new JsonObject(),
        ["source"] = TextLines.Split(source),
    }, id, tags);

    private static Cell Create(JsonObject json, string? id, string[] tags)
    {
        if (id is not null) json["id"] = id;
        var cell = new Cell(json);
        if (tags.Length > 0) cell.Metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        return cell;
    }
}
