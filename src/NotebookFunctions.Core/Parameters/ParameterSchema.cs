using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Parameters;

/// <summary>A notebook's parameters, read from its cell tagged <c>parameters</c>: names, types, defaults, help.</summary>
public sealed class ParameterSchema
{
    /// <summary>The tag marking the defaults cell.</summary>
    public const string ParametersTag = CellTags.Parameters;

    /// <summary>The tag of the cell papermill (and we) inject.</summary>
    public const string InjectedTag = CellTags.InjectedParameters;

    private ParameterSchema(IReadOnlyList<NotebookParameter> parameters, int? cellIndex, string language)
    {
        Parameters = parameters;
        CellIndex = cellIndex;
        Language = language;
    }

    public IReadOnlyList<NotebookParameter> Parameters { get; }

    /// <summary>Index of the parameters cell, or null when the notebook has none.</summary>
    public int? CellIndex { get; }

    public string Language { get; }

    public bool HasParametersCell => CellIndex is not null;

    public NotebookParameter? this[string name] => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>The schema as JSON, as `nbf inspect --json` and the API show it.</summary>
    public JsonObject ToJson() => new()
    {
        ["language"] = Language,
        ["parameters_cell"] = CellIndex,
        ["parameters"] = new JsonArray(Parameters.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["type"] = p.TypeName,
            ["default"] = p.Default,
            ["help"] = p.Help,
            ["nullable"] = p.Nullable,
            // What a form needs without knowing Python or C#: the kind of input, and the default as JSON when it is a literal.
            ["kind"] = p.Kind.ToString().ToLowerInvariant(),
            // Set by the run for every chunk (input_path, output_dir, ...): a caller never gives it.
            ["reserved"] = ReservedParameters.Names.Contains(p.Name),
            ["defaultValue"] = DefaultValue(p),
        }).ToArray()),
    };

    /// <summary>The default as the JSON value a form prefills: a literal's value, a date call's ISO text (what a date is sent as), else none.</summary>
    private JsonNode? DefaultValue(NotebookParameter parameter)
    {
        if (Language != "python") return null;
        if (PythonDateCall.Read(parameter.Default) is { } date) return JsonValue.Create(date.Iso);
        return PythonLiteral.TryParse(parameter.Default, out var value) ? value : null;
    }

    /// <summary>A schema as <see cref="ToJson"/> wrote it (what the API serves), for typing values against a notebook not at hand.</summary>
    public static ParameterSchema FromJson(JsonObject json) => new(
        (json["parameters"] as JsonArray ?? []).OfType<JsonObject>().Select((p, i) => new NotebookParameter(
            p["name"]?.GetValue<string>() ?? string.Empty,
            p["type"]?.GetValue<string>() ?? "unknown",
            p["default"]?.GetValue<string>() ?? string.Empty,
            p["help"]?.GetValue<string>() ?? string.Empty,
            i + 1)).ToList(),
        json["parameters_cell"]?.GetValue<int>(),
        json["language"]?.GetValue<string>() ?? "python");

    /// <summary>Reads the schema with the translator of the notebook's kernel.</summary>
    public static ParameterSchema Infer(Notebook notebook, string? kernelName = null)
    {
        var translator = Translators.For(kernelName ?? notebook.KernelName, notebook.Language);
        var index = notebook.Cells.FindIndex(c => c.HasTag(ParametersTag));
        if (index < 0) return new ParameterSchema([], null, translator.Language);
        return new ParameterSchema(translator.Inspect(notebook.Cells[index].Source), index, translator.Language);
    }
}
