using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Turns parameter values into source code of one kernel language, and reads a parameters cell back.</summary>
public interface IParameterTranslator
{
    /// <summary>The language name as kernelspecs spell it.</summary>
    string Language { get; }

    /// <summary>A literal for the value.</summary>
    string Translate(JsonNode? value);

    /// <summary>A comment line.</summary>
    string Comment(string text);

    /// <summary>An assignment statement.</summary>
    string Assign(string name, string literal);

    /// <summary>The declarations of a parameters cell.</summary>
    IReadOnlyList<NotebookParameter> Inspect(string source);

    /// <summary>The whole injected cell: a comment line, then one assignment per parameter, in order.</summary>
    string Codify(JsonObject parameters, string comment = "Parameters")
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Comment(comment)).Append('\n');
        foreach (var (name, value) in parameters) sb.Append(Assign(name, Translate(value))).Append('\n');
        return sb.ToString();
    }
}
