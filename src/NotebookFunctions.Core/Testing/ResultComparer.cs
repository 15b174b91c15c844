using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Compares the final results of two runs of the same notebook (over the whole sample, and fanned out over chunks):
/// the same files, tables with the same header and rows, numbers equal within a relative tolerance (sums in another
/// order differ in the last bits), JSON by value, anything else byte for byte. Says which file, row and value differ.
/// </summary>
public static class ResultComparer
{
    /// <summary>How many differing rows or values one file reports.</summary>
    private const int Shown = 5;

    /// <summary>Every difference between the results over the whole sample (<paramref name="whole"/>) and over <paramref name="chunks"/> chunks (<paramref name="fanned"/>).</summary>
    public static async Task<List<TestFailure>> CompareAsync(string whole, string fanned, int chunks, double tolerance, CancellationToken cancellationToken)
    {
        var over = $"over {chunks} chunks";
        var failures = new List<TestFailure>();
        var a = Files(whole);
        var b = Files(fanned);
        foreach (var missing in a.Except(b, StringComparer.Ordinal))
            failures.Add(new TestFailure($"'{missing}' is written over the whole sample, but not {over}"));
        foreach (var extra in b.Except(a, StringComparer.Ordinal))
            failures.Add(new TestFailure($"'{extra}' is written {over}, but not over the whole sample"));
        foreach (var name in a.Intersect(b, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var left = Path.Combine(whole, name);
            var right = Path.Combine(fanned, name);
            var failure = Path.GetExtension(name).ToLowerInvariant() switch
            {
                ".csv" or ".tsv" => await CompareTablesAsync(name, left, right, over, tolerance, cancellationToken),
                ".jsonl" or ".ndjson" => await CompareJsonLinesAsync(name, left, right, over, tolerance, cancellationToken),
                ".json" => await CompareJsonAsync(name, left, right, over, tolerance, cancellationToken),
                _ => await CompareBytesAsync(name, left, right, over, cancellationToken),
            };
            if (failure is not null) failures.Add(failure);
        }

        return failures;
    }

    /// <summary>Scraps of the two runs' final notebooks (the reduce's): the same names, values equal within the tolerance.</summary>
    public static List<TestFailure> CompareScraps(JsonObject whole, JsonObject fanned, int chunks, double tolerance)
    {
        var failures = new List<TestFailure>();
        foreach (var (name, value) in whole)
        {
            if (!fanned.TryGetPropertyValue(name, out var other))
                failures.Add(new TestFailure($"scrap '{name}' is glued over the whole sample, but not over {chunks} chunks"));
            else if (!JsonValues.Equal(value, other, tolerance))
                failures.Add(new TestFailure($"scrap '{name}' is {ScrapChecks.Show(value)} over the whole sample, {ScrapChecks.Show(other)} over {chunks} chunks"));
        }

        foreach (var (name, _) in fanned.Where(p => !whole.ContainsKey(p.Key)))
            failures.Add(new TestFailure($"scrap '{name}' is glued over {chunks} chunks, but not over the whole sample"));
        return failures;
    }

    private static List<string> Files(string folder) => Directory.Exists(folder)
        ? LocalPaths.RelativeFiles(folder)
        : [];

    private static async Task<TestFailure?> CompareTablesAsync(string name, string left, string right, string over, double tolerance, CancellationToken cancellationToken)
    {
        var a = await ReadTableAsync(left);
        var b = await ReadTableAsync(right);
        var headerA = a.Count > 0 ? a[0] : [];
        var headerB = b.Count > 0 ? b[0] : [];
        if (!headerA.SequenceEqual(headerB))
            return new TestFailure($"'{name}' has columns [{string.Join(", ", headerB)}] {over}, [{string.Join(", ", headerA)}] over the whole sample");
        if (a.Count != b.Count)
        {
            var detail = $"over the whole sample:\n{Rows(a)}\n{over}:\n{Rows(b)}";
            return new TestFailure($"'{name}' has {b.Count - 1} row(s) {over}, {a.Count - 1} over the whole sample", Detail: detail);
        }

        var differences = new List<string>();
        var count = 0;
        for (var row = 1; row < a.Count; row++)
        {
            for (var column = 0; column < Math.Max(a[row].Length, b[row].Length); column++)
            {
                var x = column < a[row].Length ? a[row][column] : string.Empty;
                var y = column < b[row].Length ? b[row][column] : string.Empty;
                if (CellsEqual(x, y, tolerance)) continue;
                count++;
                if (differences.Count < Shown)
                {
                    var label = column < headerA.Length ? headerA[column] : $"#{column + 1}";
                    differences.Add($"row {row} ({headerA.FirstOrDefault() ?? "first column"} = {a[row].FirstOrDefault()}), column '{label}': {x} over the whole sample, {y} {over}");
                }
            }
        }

        return count == 0 ? null : new TestFailure($"'{name}' differs in {count} value(s): {differences[0]}", Detail: string.Join("\n", differences));
    }

    private static bool CellsEqual(string x, string y, double tolerance)
    {
        if (x == y) return true;
        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            && Numbers.Close(a, b, tolerance);
    }

    private static string Rows(List<string[]> table) =>
        string.Join("\n", table.Take(Shown + 1).Select(r => "  " + string.Join(",", r))) + (table.Count > Shown + 1 ? $"\n  … {table.Count - Shown - 1} more" : string.Empty);

    private static async Task<List<string[]>> ReadTableAsync(string path)
    {
        using var reader = new StreamReader(path);
        using var parser = FileChecks.TableParser(reader, path);
        var rows = new List<string[]>();
        while (await parser.ReadAsync()) rows.Add(parser.Record ?? []);
        return rows;
    }

    private static async Task<TestFailure?> CompareJsonLinesAsync(string name, string left, string right, string over, double tolerance, CancellationToken cancellationToken)
    {
        var a = (await File.ReadAllLinesAsync(left, cancellationToken)).Where(l => l.Length > 0).ToList();
        var b = (await File.ReadAllLinesAsync(right, cancellationToken)).Where(l => l.Length > 0).ToList();
        if (a.Count != b.Count) return new TestFailure($"'{name}' has {b.Count} line(s) {over}, {a.Count} over the whole sample");
        var differences = new List<string>();
        for (var i = 0; i < a.Count; i++)
        {
            if (JsonValues.Equal(Parse(a[i]), Parse(b[i]), tolerance)) continue;
            differences.Add($"line {i + 1}: {Cut(a[i])} over the whole sample, {Cut(b[i])} {over}");
        }

        return differences.Count == 0 ? null : new TestFailure($"'{name}' differs in {differences.Count} line(s): {differences[0]}", Detail: string.Join("\n", differences.Take(Shown)));
    }

    private static async Task<TestFailure?> CompareJsonAsync(string name, string left, string right, string over, double tolerance, CancellationToken cancellationToken)
    {
        var a = Parse(await File.ReadAllTextAsync(left, cancellationToken));
        var b = Parse(await File.ReadAllTextAsync(right, cancellationToken));
        return JsonValues.Equal(a, b, tolerance) ? null
            : new TestFailure($"'{name}' is {ScrapChecks.Show(b)} {over}, {ScrapChecks.Show(a)} over the whole sample");
    }

    private static async Task<TestFailure?> CompareBytesAsync(string name, string left, string right, string over, CancellationToken cancellationToken)
    {
        var a = await File.ReadAllBytesAsync(left, cancellationToken);
        var b = await File.ReadAllBytesAsync(right, cancellationToken);
        return a.AsSpan().SequenceEqual(b) ? null : new TestFailure($"'{name}' differs {over} from the whole sample ({b.Length} bytes against {a.Length})");
    }

    /// <summary>JSON, or the text itself as a string when it is not JSON (then only equal text is equal).</summary>
    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static string Cut(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
