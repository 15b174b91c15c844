using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Secrets;

/// <summary>A credential found in a notebook: where (cell, line, part) and which rule, with the value masked.</summary>
public sealed record SecretFinding(string Rule, string Description, int? CellIndex, string? CellId, string Location, int Line, string Masked)
{
    public override string ToString()
    {
        var cell = CellIndex is null ? "notebook" : CellId is null ? $"cell {CellIndex}" : $"cell {CellIndex} (id '{CellId}')";
        return $"{cell}, {Location} line {Line}: {Description} ({Rule}): {Masked}";
    }
}

/// <summary>
/// Finds hardcoded credentials in a notebook's cell sources, saved outputs and metadata. A reviewed false positive is
/// allowed by a comment on its line containing <see cref="AllowMarker"/>.
/// </summary>
public static class SecretScanner
{
    public const string AllowMarker = "nbf: allow-secret";

    public static List<SecretFinding> Scan(Notebook notebook)
    {
        var findings = new List<SecretFinding>();
        ScanText(JsonText(notebook.Metadata), null, null, "metadata", findings);
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            ScanText(cell.Source, i, cell.Id, "source", findings);
            if (cell.Json["outputs"] is JsonArray outputs) ScanText(OutputText(outputs), i, cell.Id, "outputs", findings);
            if (cell.Json["metadata"] is JsonObject metadata && metadata.Count > 0) ScanText(JsonText(metadata), i, cell.Id, "metadata", findings);
        }

        return findings;
    }

    /// <summary>Scans free text line by line (a cell source, a log, an output).</summary>
    public static void ScanText(string text, int? cellIndex, string? cellId, string location, List<SecretFinding> findings)
    {
        if (text.Length == 0) return;
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Contains(AllowMarker, StringComparison.Ordinal)) continue;
            foreach (var rule in SecretRules.All)
            {
                foreach (System.Text.RegularExpressions.Match match in rule.Pattern.Matches(line))
                {
                    var value = match.Groups["secret"].Value;
                    if (rule.MinEntropy > 0 && ShannonEntropy(value) < rule.MinEntropy) continue;
                    if (rule.SkipPlaceholders && SecretRules.IsPlaceholder(value)) continue;
                    findings.Add(new SecretFinding(rule.Id, rule.Description, cellIndex, cellId, location, n + 1, Mask(value)));
                }
            }
        }
    }

    /// <summary>Shows enough to recognise the value and no more: the first 4 characters, then asterisks.</summary>
    public static string Mask(string value) =>
        value.Length <= 8 ? new string('*', value.Length) : value[..4] + new string('*', Math.Min(value.Length - 4, 16));

    /// <summary>Bits per character: random keys score ~4–6, words and placeholders lower.</summary>
    public static double ShannonEntropy(string value)
    {
        if (value.Length == 0) return 0;
        return value.GroupBy(c => c).Select(g => (double)g.Count() / value.Length).Sum(p => -p * Math.Log2(p));
    }

    private static string OutputText(JsonArray outputs)
    {
        var text = new System.Text.StringBuilder();
        foreach (var output in outputs.OfType<JsonObject>())
        {
            if (output["text"] is { } stream) text.Append(TextLines.Join(stream)).Append('\n');
            if (output["data"] is JsonObject data)
            {
                foreach (var (_, value) in data) text.Append(value is JsonArray or JsonValue ? TextLines.Join(value) : value?.ToJsonString()).Append('\n');
            }

            if (output["evalue"] is JsonValue evalue) text.Append(evalue.ToString()).Append('\n');
            if (output["traceback"] is JsonArray traceback) text.AppendJoin('\n', traceback.Select(t => t?.ToString())).Append('\n');
        }

        return text.ToString();
    }

    private static string JsonText(JsonObject node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
