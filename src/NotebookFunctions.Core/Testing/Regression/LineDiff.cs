using System.Globalization;
using System.Text;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// A unified diff of two texts, line by line, as <c>diff -u</c> and git show it: what a reader of a failed check
/// already knows how to read. Bounded in length, since one output can be megabytes.
/// </summary>
internal static class LineDiff
{
    /// <summary>Most lines a diff may take, headers and the truncation note included.</summary>
    public const int MaxLines = 40;

    private const int Context = 3;

    // Above this many line pairs (after the common start and end are set aside) the middle is shown as removed then
    // added rather than aligned: the alignment table would cost too much memory for an error message.
    private const long MaxAlignedPairs = 1_000_000;

    /// <summary>The diff from <paramref name="expected"/> to <paramref name="actual"/>; empty when they are equal.</summary>
    public static string Unified(string expected, string actual, string expectedLabel = "expected (saved)", string actualLabel = "got (this run)", int maxLines = MaxLines)
    {
        if (expected == actual) return string.Empty;
        var a = Lines(expected);
        var b = Lines(actual);
        var ops = Align(a, b);
        var lines = new List<string> { $"--- {expectedLabel}", $"+++ {actualLabel}" };
        foreach (var (start, end) in Hunks(ops))
        {
            var slice = ops.GetRange(start, end - start);
            int aStart = slice[0].A + 1, bStart = slice[0].B + 1;
            var aCount = slice.Count(o => o.Op != '+');
            var bCount = slice.Count(o => o.Op != '-');
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"@@ -{(aCount == 0 ? aStart - 1 : aStart)},{aCount} +{(bCount == 0 ? bStart - 1 : bStart)},{bCount} @@"));
            foreach (var (op, ai, bi) in slice)
            {
                var line = op == '+' ? b[bi] : a[ai];
                lines.Add(op + Visible(line.Text));
                if (!line.Newline) lines.Add("\\ No newline at end");
            }
        }

        if (lines.Count > maxLines)
        {
            var more = lines.Count - (maxLines - 1);
            lines.RemoveRange(maxLines - 1, lines.Count - (maxLines - 1));
            lines.Add($"... ({more} more lines of diff)");
        }

        return string.Join("\n", lines);
    }

    /// <summary>Text as lines; a last line without its newline is marked, so "1" and "1\n" differ visibly.</summary>
    private static List<Line> Lines(string text)
    {
        var parts = text.Split('\n');
        var lines = new List<Line>(parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (last && parts[i].Length == 0) break;
            lines.Add(new Line(parts[i], !last));
        }

        return lines;
    }

    /// <summary>Each line of both texts as kept (' '), removed ('-') or added ('+'), with its index in a and b.</summary>
    private static List<(char Op, int A, int B)> Align(List<Line> a, List<Line> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;

        var ops = new List<(char, int, int)>();
        for (var i = 0; i < prefix; i++) ops.Add((' ', i, i));
        int n = a.Count - prefix - suffix, m = b.Count - prefix - suffix;
        if ((long)n * m <= MaxAlignedPairs) AlignMiddle(a, b, prefix, n, m, ops);
        else
        {
            for (var i = 0; i < n; i++) ops.Add(('-', prefix + i, prefix));
            for (var j = 0; j < m; j++) ops.Add(('+', prefix + n, prefix + j));
        }

        for (var k = 0; k < suffix; k++) ops.Add((' ', prefix + n + k, prefix + m + k));
        return ops;
    }

    /// <summary>Longest common subsequence of the middle parts; removals are listed before additions in each change.</summary>
    private static void AlignMiddle(List<Line> a, List<Line> b, int offset, int n, int m, List<(char, int, int)> ops)
    {
        // common[i, j]: length of the LCS of a's middle from i and b's middle from j.
        var common = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                common[i, j] = a[offset + i] == b[offset + j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[offset + x] == b[offset + y])
            {
                ops.Add((' ', offset + x++, offset + y++));
            }
            else if (x < n && (y == m || common[x + 1, y] >= common[x, y + 1]))
            {
                ops.Add(('-', offset + x++, offset + y));
            }
            else
            {
                ops.Add(('+', offset + x, offset + y++));
            }
        }
    }

    /// <summary>Ranges of ops around the changes, with <see cref="Context"/> kept lines each side; near ranges merge.</summary>
    private static List<(int Start, int End)> Hunks(List<(char Op, int A, int B)> ops)
    {
        var hunks = new List<(int Start, int End)>();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i].Op == ' ') continue;
            var start = Math.Max(0, i - Context);
            var end = Math.Min(ops.Count, i + Context + 1);
            if (hunks.Count > 0 && start <= hunks[^1].End) hunks[^1] = (hunks[^1].Start, Math.Max(hunks[^1].End, end));
            else hunks.Add((start, end));
        }

        return hunks;
    }

    /// <summary>Control characters shown as escapes: a stray \r or ANSI colour code would garble the terminal.</summary>
    private static string Visible(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t')) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\t' => "\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    private readonly record struct Line(string Text, bool Newline);
}
