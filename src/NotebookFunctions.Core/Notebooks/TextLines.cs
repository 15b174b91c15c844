using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>nbformat's "multiline string": a string, or a list of lines kept with their line endings.</summary>
public static class TextLines
{
    /// <summary>Joins a multiline string node (string or list of strings) into one string.</summary>
    public static string Join(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return string.Empty;
            case JsonArray array:
                var sb = new StringBuilder();
                foreach (var item in array)
                {
                    sb.Append(item?.GetValue<string>());
                }

                return sb.ToString();
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>();
            default:
                throw new InvalidOperationException($"expected a string or a list of strings, found {node.GetValueKind()}");
        }
    }

    /// <summary>Splits as Python's <c>str.splitlines(True)</c>, the form nbformat writes sources and texts in.</summary>
    public static JsonArray Split(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsLineBreak(c)) continue;
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }

        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    private static bool IsLineBreak(char c) =>
        c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';
}
