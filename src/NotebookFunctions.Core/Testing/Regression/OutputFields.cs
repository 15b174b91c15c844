using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// One compared value of a cell's outputs, in nbval's terms: a stream's text under its name ("stdout"), one mime type of
/// a display or result ("text/plain"), or an error's "ename" or "evalue".
/// </summary>
/// <param name="Key">The name nbval compares it under.</param>
/// <param name="Output">1-based position of the output it came from, for messages.</param>
/// <param name="Text">The text, when the value is text.</param>
/// <param name="Json">The value, when it is JSON (application/json and application/*+json).</param>
/// <param name="PresenceOnly">An image: only that it is there, and its mime type, are compared.</param>
internal sealed record OutputField(string Key, int Output, string? Text, JsonNode? Json, bool PresenceOnly);

/// <summary>
/// Turns a cell's outputs into the fields nbval compares, dropping what it does not compare: output types (a display
/// and a result of the same data are equal), execution counts, metadata, tracebacks, widget model ids.
/// </summary>
internal static partial class OutputFields
{
    /// <summary>
    /// Compared for presence and type only. nbval leaves PNG and JPEG out entirely (their bytes change with library
    /// versions) and compares SVG as text (which holds random ids and dates); we compare all three the same way, so a
    /// plot that disappears, or changes format, still fails.
    /// </summary>
    public static readonly IReadOnlySet<string> ImageTypes = new HashSet<string>(StringComparer.Ordinal) { "image/png", "image/jpeg", "image/svg+xml" };

    // Widget views carry a model id that is new on every run (nbval skips it too).
    private const string WidgetView = "application/vnd.jupyter.widget-view+json";

    public static List<OutputField> Of(JsonArray outputs)
    {
        var fields = new List<OutputField>();
        foreach (var (position, output, streamText) in Coalesce(outputs))
        {
            switch (Str(output["output_type"]))
            {
                case "stream":
                    fields.Add(new OutputField(Str(output["name"]) ?? "stdout", position, streamText, null, false));
                    break;
                case "display_data" or "execute_result" when output["data"] is JsonObject data:
                    foreach (var (mime, value) in data)
                    {
                        if (mime == WidgetView) continue;
                        if (ImageTypes.Contains(mime)) fields.Add(new OutputField(mime, position, null, null, true));
                        else if (AsText(value) is { } text && !(NbformatShape.IsJsonMime(mime) && value is JsonArray)) fields.Add(new OutputField(mime, position, text, null, false));
                        else fields.Add(new OutputField(mime, position, null, value, false));
                    }

                    break;
                case "error":
                    fields.Add(new OutputField("ename", position, Str(output["ename"]) ?? string.Empty, null, false));
                    fields.Add(new OutputField("evalue", position, Str(output["evalue"]) ?? string.Empty, null, false));
                    break;
            }
        }

        return fields;
    }

    /// <summary>
    /// nbval's coalescing: every stream output is merged into the first one of the same name, wherever they are in the
    /// list (not only neighbours), so how a kernel happened to flush stdout and stderr does not matter. Each merged
    /// text then has its overwritten characters removed, as a terminal or Jupyter shows them.
    /// </summary>
    private static List<(int Position, JsonObject Output, string? StreamText)> Coalesce(JsonArray outputs)
    {
        var result = new List<(int, JsonObject, string?)>();
        var streams = new Dictionary<string, (int Index, StringBuilder Text)>(StringComparer.Ordinal);
        for (var i = 0; i < outputs.Count; i++)
        {
            if (outputs[i] is not JsonObject output) continue;
            if (Str(output["output_type"]) != "stream")
            {
                result.Add((i + 1, output, null));
                continue;
            }

            var name = Str(output["name"]) ?? "stdout";
            var text = AsText(output["text"]) ?? string.Empty;
            if (streams.TryGetValue(name, out var first))
            {
                first.Text.Append(text);
                continue;
            }

            streams[name] = (result.Count, new StringBuilder(text));
            result.Add((i + 1, output, null));
        }

        foreach (var (index, text) in streams.Values)
        {
            var (position, output, _) = result[index];
            result[index] = (position, output, Overwrite(text.ToString()));
        }

        return result;
    }

    /// <summary>
    /// Backspaces erase the character before them, then text before a carriage return that is not ending its line is
    /// dropped (progress bars). The carriage-return rule is nbval's. Its backspace step never takes effect (its loop
    /// condition is false from the start, and its pattern's \b is a word boundary); we apply what it means to do, as
    /// JupyterLab does before saving, so a saved, already-erased text equals a fresh raw one.
    /// </summary>
    private static string Overwrite(string text)
    {
        if (text.Contains('\b'))
        {
            string before;
            do
            {
                before = text;
                text = Backspace().Replace(text, string.Empty);
            }
            while (text.Length < before.Length);
        }

        return text.Contains('\r') ? CarriageReturn().Replace(text, string.Empty) : text;
    }

    /// <summary>A multiline string (a string or a list of strings), else null: nbformat joins these for every non-JSON mime.</summary>
    private static string? AsText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray a when a.All(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String) => TextLines.Join(a),
        _ => null,
    };

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex("[^\n]\b")]
    private static partial Regex Backspace();

    [GeneratedRegex("^.*\r(?=[^\n])", RegexOptions.Multiline)]
    private static partial Regex CarriageReturn();
}
