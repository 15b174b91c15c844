using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>
/// What a catalog says a notebook does: the first paragraph of its first markdown cell as plain text (heading marks,
/// emphasis, links and inline code reduced to their words), at most <see cref="MaxLength"/> characters.
/// </summary>
public static partial class NotebookDescription
{
    public const int MaxLength = 280;

    public static string? Of(Notebook notebook)
    {
        var markdown = notebook.Cells.FirstOrDefault(c => c.CellType == "markdown" && !string.IsNullOrWhiteSpace(c.Source));
        return markdown is null ? null : FromMarkdown(markdown.Source);
    }

    /// <summary>How much of the cell is read: a description is a sentence or two, and a huge cell must cost nothing.</summary>
    private const int MaxRead = 4096;

    public static string? FromMarkdown(string markdown)
    {
        if (markdown.Length > MaxRead) markdown = markdown[..MaxRead];
        var text = new StringBuilder();
        foreach (var raw in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                if (text.Length > 0 && !LastWasHeading(text)) break;
                continue;
            }

            var heading = line.StartsWith('#');
            line = Inline(line.TrimStart('#', '>', ' ', '-', '*'));
            if (line.Length == 0) continue;
            if (text.Length > 0) text.Append(LastWasHeading(text) ? ": " : " ");
            text.Append(line);
            if (heading) text.Append('\u0001');
        }

        var result = Whitespace().Replace(text.ToString().Replace("\u0001", string.Empty, StringComparison.Ordinal), " ").Trim().TrimEnd(':').Trim();
        if (result.Length == 0) return null;
        return result.Length <= MaxLength ? result : result[..(MaxLength - 1)].TrimEnd() + "…";
    }

    private static bool LastWasHeading(StringBuilder text) => text.Length > 0 && text[^1] == '\u0001';

    private static string Inline(string line)
    {
        line = Link().Replace(line, "$1");
        return line.Replace("**", string.Empty, StringComparison.Ordinal).Replace("__", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal).Trim();
    }

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)", RegexOptions.NonBacktracking)]
    private static partial Regex Link();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}
