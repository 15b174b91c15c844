using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Puts new outputs into the shape nbformat writes: stream texts and text-like mime data as lists of lines.</summary>
public static class NbformatShape
{
    /// <summary>Splits one code cell's output strings into lines, leaving JSON mime data as JSON.</summary>
    public static void SplitOutputLines(Cell cell)
    {
        if (!cell.IsCode) return;
        foreach (var node in cell.Outputs)
        {
            if (node is not JsonObject output) continue;
            var type = output["output_type"]?.GetValue<string>();
            if (type == "stream" && output["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String)
            {
                output["text"] = TextLines.Split(text.GetValue<string>());
            }
            else if (type is "display_data" or "execute_result" && output["data"] is JsonObject data)
            {
                foreach (var key in data.Select(p => p.Key).ToList())
                {
                    if (!IsJsonMime(key) && data[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        data[key] = TextLines.Split(v.GetValue<string>());
                }
            }
        }
    }

    /// <summary>application/json and application/*+json hold JSON values, not text.</summary>
    public static bool IsJsonMime(string mime) =>
        mime == "application/json" || (mime.StartsWith("application/", StringComparison.Ordinal) && mime.EndsWith("+json", StringComparison.Ordinal));
}
