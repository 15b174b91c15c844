using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Parameters;

/// <summary>
/// Reads parameter declarations from a Python <c>parameters</c> cell, as papermill's inspect does, and further:
/// values spanning lines are followed by bracket depth, and keyword arguments in a value (<c>dict(a=1)</c>) are not
/// mistaken for a second assignment.
/// </summary>
public static partial class PythonParameterParser
{
    [GeneratedRegex(@"^(?<name>[A-Za-z_]\w*)\s*(?::\s*(?<annotation>[^=]+?))?\s*=(?!=)\s*(?<rest>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^type:\s*(?<type>\S+)\s*(?<help>.*)$")]
    private static partial Regex TypeComment();

    public static IReadOnlyList<NotebookParameter> Parse(string source)
    {
        var parameters = new List<NotebookParameter>();
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // Only top-level assignments declare parameters; indented lines belong to a block.
            if (lines[i].StartsWith(' ') || lines[i].StartsWith('\t')) continue;
            var (code, comment) = SplitComment(lines[i]);
            var firstMatch = Assignment().Match(code.TrimEnd());
            if (!firstMatch.Success) continue;

            // Gather continuation lines while brackets are open.
            var startLine = i;
            var valueParts = new List<string>();
            valueParts.Add(firstMatch.Groups["rest"].Value.Trim());
            var depth = Depth(firstMatch.Groups["rest"].Value);
            while (depth > 0 && i + 1 < lines.Length)
            {
                i++;
                var (more, moreComment) = SplitComment(lines[i]);
                valueParts.Add(more.Trim());
                depth += Depth(more);
                if (moreComment is not null) comment = moreComment;
            }

            // papermill's inspect skips a line it cannot read as one assignment of a value (`d = a == 3`); so do we.
            if (ComparesAtTopLevel(JoinValue(valueParts))) continue;

            var annotation = firstMatch.Groups["annotation"].Success ? firstMatch.Groups["annotation"].Value.Trim().Trim('"', '\'') : null;
            var value = JoinValue(valueParts);
            var help = comment?.Trim() ?? string.Empty;
            var typeComment = TypeComment().Match(help);
            if (typeComment.Success)
            {
                annotation ??= typeComment.Groups["type"].Value;
                help = typeComment.Groups["help"].Value.Trim();
            }

            var typeName = !string.IsNullOrEmpty(annotation) ? annotation : PythonDateCall.Read(value)?.TypeName ?? ParameterTypes.InferFromLiteral(value);
            parameters.Add(new NotebookParameter(firstMatch.Groups["name"].Value, typeName, value, help, startLine + 1));
        }

        // A name assigned twice keeps its last declaration, as Python would.
        return parameters.GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(p => p.Line).ToList();
    }

    private static string JoinValue(List<string> parts)
    {
        var sb = new StringBuilder();
        foreach (var part in parts.Where(p => p.Length > 0))
        {
            if (sb.Length > 0 && sb[^1] is not ('[' or '(' or '{') && part[0] is not (']' or ')' or '}')) sb.Append(' ');
            sb.Append(part);
        }

        return sb.ToString().Trim();
    }

    /// <summary>Splits a line into code and the comment after an unquoted '#'.</summary>
    internal static (string Code, string? Comment) SplitComment(string line)
    {
        foreach (var (index, c) in UnquotedChars(line))
        {
            if (c == '#') return (line[..index], line[(index + 1)..]);
        }

        return (line, null);
    }

    /// <summary>A comparison (==, !=, &lt;=, &gt;=) outside strings and brackets: an expression, not a value to inspect.</summary>
    private static bool ComparesAtTopLevel(string value)
    {
        var depth = 0;
        char? previous = null;
        foreach (var (_, c) in UnquotedChars(value))
        {
            depth += c is '[' or '(' or '{' ? 1 : c is ']' or ')' or '}' ? -1 : 0;
            if (depth == 0 && c == '=' && previous is '=' or '!' or '<' or '>') return true;
            previous = c;
        }

        return false;
    }

    /// <summary>Net count of opened brackets outside strings.</summary>
    private static int Depth(string code) =>
        UnquotedChars(code).Sum(p => p.Char is '[' or '(' or '{' ? 1 : p.Char is ']' or ')' or '}' ? -1 : 0);

    /// <summary>The characters of a line that stand outside string literals, with their positions.</summary>
    private static IEnumerable<(int Index, char Char)> UnquotedChars(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == '\\') i++;
                else if (c == quote) quote = null;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else
            {
                yield return (i, c);
            }
        }
    }
}
