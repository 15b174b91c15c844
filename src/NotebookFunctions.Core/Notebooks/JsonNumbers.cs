using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Reads numbers from nodes whether they were parsed (JsonElement) or created in code (int, long, double).</summary>
public static class JsonNumbers
{
    public static double? AsDouble(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    public static int? AsInt(JsonNode? node) =>
        AsDouble(node) is { } d && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    /// <summary>A whole number that fits a long (no fraction, no exponent past it), else null.</summary>
    public static long? AsLong(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
            ? whole
            : AsDouble(node) is { } d && d == Math.Floor(d) && d is >= -9e15 and <= 9e15 ? (long)d : null;
}
