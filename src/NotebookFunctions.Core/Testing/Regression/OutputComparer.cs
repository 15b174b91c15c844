using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Testing;

/// <summary>How one cell's new outputs differ from its saved ones.</summary>
/// <param name="Summary">One line: which output and field, and the two values when they are short.</param>
/// <param name="Diff">A unified diff of the two texts (after sanitizing), at most about 40 lines; empty for non-text values.</param>
public sealed record OutputDifference(string Summary, string Diff);

/// <summary>
/// Compares one code cell's saved outputs with its new ones as nbval does. Both lists become fields keyed by stream
/// name, mime type, "ename" and "evalue" (see <see cref="OutputFields"/>); they are equal when they have the same keys,
/// the same number of values under each key, and equal values in order under each key. So the order between
/// different keys does not matter (a print before or after a displayed value), the order within one key does. Text
/// is compared after the sanitize rules, exactly otherwise: nbval normalises no whitespace, not even in HTML. JSON
/// values are compared as JSON; images by presence and mime type.
/// </summary>
public sealed class OutputComparer
{
    private const int ShortValue = 60;
    private readonly SanitizeRules? _sanitize;

    public OutputComparer(SanitizeRules? sanitize = null) => _sanitize = sanitize;

    /// <summary>The first difference, or null when nbval would find the outputs equal.</summary>
    public OutputDifference? Compare(JsonArray saved, JsonArray fresh)
    {
        var expected = OutputFields.Of(saved);
        var actual = OutputFields.Of(fresh);

        // Every key either side has, in the order it first appears: saved outputs first, so the first difference
        // reported is the first one a reader meets going down the saved cell.
        var keys = expected.Concat(actual).Select(f => f.Key).Distinct(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var e = expected.Where(f => f.Key == key).ToList();
            var a = actual.Where(f => f.Key == key).ToList();
            for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
            {
                if (i >= a.Count) return Missing(e[i], e.Count, a.Count);
                if (i >= e.Count) return Unexpected(a[i], e.Count, a.Count);
                if (Differ(e[i], a[i]) is { } difference) return difference;
            }
        }

        return null;
    }

    private OutputDifference? Differ(OutputField expected, OutputField actual)
    {
        if (expected.PresenceOnly && actual.PresenceOnly) return null;
        var where = Where(expected.Key, expected.Output, actual.Output);
        if (expected.Text is { } et && actual.Text is { } at)
        {
            var (left, right) = (Sanitize(et), Sanitize(at));
            if (left == right) return null;
            var shown = IsShort(left) && IsShort(right) && Quote(left) != Quote(right) ? $": expected {Quote(left)}, got {Quote(right)}" : " differs";
            return new OutputDifference(where + shown, LineDiff.Unified(left, right));
        }

        if (expected.Json is { } ej && actual.Json is { } aj)
        {
            if (JsonNode.DeepEquals(ej, aj)) return null;
            return new OutputDifference(where + " differs", LineDiff.Unified(ej.ToJsonString(), aj.ToJsonString()));
        }

        return new OutputDifference(where + " differs: saved as " + Kind(expected) + ", this run gave " + Kind(actual), string.Empty);
    }

    private OutputDifference Missing(OutputField field, int savedCount, int newCount)
    {
        var summary = newCount == 0
            ? $"{field.Key} of output {field.Output}: in the saved outputs, not in this run"
            : $"{field.Key} of output {field.Output}: not in this run ({savedCount} {field.Key} outputs saved, {newCount} in this run)";
        return new OutputDifference(summary, Body(field) is { } text ? LineDiff.Unified(text, string.Empty) : string.Empty);
    }

    private OutputDifference Unexpected(OutputField field, int savedCount, int newCount)
    {
        var summary = savedCount == 0
            ? $"{field.Key} of output {field.Output} in this run: new, not in the saved outputs"
            : $"{field.Key} of output {field.Output} in this run: not in the saved outputs ({savedCount} {field.Key} outputs saved, {newCount} in this run)";
        return new OutputDifference(summary, Body(field) is { } text ? LineDiff.Unified(string.Empty, text) : string.Empty);
    }

    private string? Body(OutputField field) => field.Text is { } text ? Sanitize(text) : field.Json?.ToJsonString();

    private string Sanitize(string text) => _sanitize?.Apply(text) ?? text;

    private static string Where(string key, int savedOutput, int newOutput) =>
        savedOutput == newOutput ? $"{key} of output {savedOutput}" : $"{key} of output {savedOutput} (output {newOutput} in this run)";

    private static string Kind(OutputField field) => field.PresenceOnly ? "an image" : field.Text is not null ? "text" : "JSON";

    /// <summary>One line (a final newline aside) and short: worth showing in the summary itself.</summary>
    private static bool IsShort(string text)
    {
        var body = text.EndsWith('\n') ? text[..^1] : text;
        return body.Length <= ShortValue && !body.Contains('\n') && !body.Contains('\r');
    }

    private static string Quote(string text) => "'" + (text.EndsWith('\n') ? text[..^1] : text) + "'";
}
