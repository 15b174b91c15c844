using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using CsvHelper.Configuration;

namespace NotebookFunctions.Core.Testing;

/// <summary>Checks a case's output files: present or absent, rows, columns, checksum. Tables are read as CSV (quoted line breaks included).</summary>
public static class FileChecks
{
    /// <summary>A table: a line file with a header line (.csv, .tsv), the same rule the splitter and the merge use.</summary>
    public static bool IsTable(string path) => Chunks.LineFiles.HasHeader(path);

    /// <summary>A CSV (or TSV) parser over <paramref name="reader"/> that returns every record as read, the header included.</summary>
    public static CsvParser TableParser(TextReader reader, string path) => new(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
    {
        Delimiter = Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? "\t" : ",",
        HasHeaderRecord = false,
        DetectColumnCountChanges = false,
        BadDataFound = null,
    });

    /// <summary>What differs between <paramref name="expected"/> and the file under <paramref name="outputDir"/>.</summary>
    public static async Task<List<TestFailure>> CheckAsync(string outputDir, FileExpectation expected, CancellationToken cancellationToken)
    {
        var path = Path.Combine(outputDir, expected.Path.Replace('/', Path.DirectorySeparatorChar));
        var failures = new List<TestFailure>();
        if (!File.Exists(path))
        {
            if (expected.Exists) failures.Add(new TestFailure($"output file '{expected.Path}' was not written{Written(outputDir)}"));
            return failures;
        }

        if (!expected.Exists)
        {
            failures.Add(new TestFailure($"output file '{expected.Path}' was written, but must not be"));
            return failures;
        }

        // A link out of output_dir (to /dev/zero, to the sample) is not the notebook's output, and could not be read to the end.
        if (LocalPaths.Problem(outputDir, path) is { } problem)
        {
            failures.Add(new TestFailure($"output file '{expected.Path}' {problem.Replace("the test file's folder", "output_dir", StringComparison.Ordinal)}"));
            return failures;
        }

        if (new FileInfo(path).Length > LocalPaths.MaxInputBytes)
        {
            failures.Add(new TestFailure($"output file '{expected.Path}' is over {LocalPaths.MaxInputBytes >> 30} GiB: too large to check"));
            return failures;
        }

        if (expected.Rows is { } rows || expected.Columns is not null)
        {
            var (header, count) = await CountAsync(path, cancellationToken);
            if (expected.Rows is { } want && want != count)
                failures.Add(new TestFailure(string.Create(CultureInfo.InvariantCulture, $"output file '{expected.Path}' has {count} row(s), expected {want}")));
            if (expected.Columns is { } columns && !columns.SequenceEqual(header ?? []))
                failures.Add(new TestFailure($"output file '{expected.Path}' has columns [{string.Join(", ", header ?? [])}], expected [{string.Join(", ", columns)}]"));
        }

        if (expected.Sha256 is { } sha)
        {
            await using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (actual != sha) failures.Add(new TestFailure($"output file '{expected.Path}' has SHA-256 {actual}, expected {sha}"));
        }

        return failures;
    }

    /// <summary>The header (tables only) and the data rows: records after the header of a table, lines of any other file.</summary>
    private static async Task<(string[]? Header, long Rows)> CountAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        if (!IsTable(path))
        {
            long lines = 0;
            while (await reader.ReadLineAsync(cancellationToken) is not null) lines++;
            return (null, lines);
        }

        using var parser = TableParser(reader, path);
        string[]? header = null;
        long records = 0;
        while (await parser.ReadAsync())
        {
            if (header is null) header = parser.Record;
            else records++;
        }

        return (header, records);
    }

    private static string Written(string outputDir)
    {
        var files = Directory.Exists(outputDir)
            ? LocalPaths.RelativeFiles(outputDir).Order(StringComparer.Ordinal).Take(10).ToList()
            : [];
        return files.Count == 0 ? " (output_dir is empty)" : $" (output_dir has {string.Join(", ", files)})";
    }
}
