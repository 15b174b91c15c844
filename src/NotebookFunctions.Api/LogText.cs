using System.Text;

namespace NotebookFunctions.Api;

/// <summary>
/// User-controlled text (blob names, routes, notebook names) as it may appear in a log line: quoted, with control
/// characters escaped, so a name holding a newline cannot forge a line of its own.
/// </summary>
public static class LogText
{
    public static string Quote(string? text)
    {
        if (text is null) return "(none)";
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text.Length > 512 ? text[..512] + "..." : text)
        {
            if (c == '"' || c == '\\') quoted.Append('\\').Append(c);
            else if (char.IsControl(c) || c is '\u2028' or '\u2029') quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }
}
