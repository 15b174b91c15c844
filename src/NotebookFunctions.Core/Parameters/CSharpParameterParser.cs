using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Reads one-line declarations (<c>var x = 5; // help</c> or <c>int x = 5;</c>) from a C# parameters cell.</summary>
public static partial class CSharpParameterParser
{
    [GeneratedRegex(@"^\s*(?<type>var|[A-Za-z_][\w<>\[\],\.\s?]*?)\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>.+?)\s*;\s*(?://\s*(?<help>.*))?$")]
    private static partial Regex Declaration();

    public static IReadOnlyList<NotebookParameter> Parse(string source)
    {
        var parameters = new List<NotebookParameter>();
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Declaration().Match(lines[i]);
            if (!match.Success) continue;
            var declared = match.Groups["type"].Value.Trim();
            var value = match.Groups["value"].Value.Trim();
            var type = declared == "var" ? ParameterTypes.InferFromLiteral(value) : declared;
            parameters.Add(new NotebookParameter(match.Groups["name"].Value, type, value, match.Groups["help"].Value.Trim(), i + 1));
        }

        return parameters;
    }
}
