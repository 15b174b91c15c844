using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// Turns the ANSI colours of a traceback (IPython colours its frames) into HTML spans, escaping everything else.
/// Only SGR sequences are understood (reset, bold, the 8 and bright foreground and background colours); any other
/// escape sequence is dropped, never passed through. Written here: no maintained .NET package does this small job.
/// </summary>
public static partial class AnsiHtml
{
    [GeneratedRegex(@"\x1b\[(?<codes>[0-9;]*)(?<command>[A-Za-z])")]
    private static partial Regex Escape();

    private static readonly string[] Colours = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

    public static string Convert(string text)
    {
        var html = new StringBuilder();
        var open = false;
        var last = 0;
        foreach (Match match in Escape().Matches(text))
        {
            html.Append(WebUtility.HtmlEncode(text[last..match.Index]));
            last = match.Index + match.Length;
            if (match.Groups["command"].Value != "m") continue;
            if (open)
            {
                html.Append("</span>");
                open = false;
            }

            var classes = Classes(match.Groups["codes"].Value);
            if (classes.Count == 0) continue;
            html.Append("<span class=\"").Append(string.Join(' ', classes)).Append("\">");
            open = true;
        }

        html.Append(WebUtility.HtmlEncode(text[last..]));
        if (open) html.Append("</span>");
        // A lone escape character left over (a truncated sequence) is not shown.
        return html.Replace("\u001b", string.Empty).ToString();
    }

    private static List<string> Classes(string codes)
    {
        var classes = new List<string>();
        foreach (var part in codes.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)) continue;
            switch (code)
            {
                case 0:
                    classes.Clear();
                    break;
                case 1:
                    classes.Add("ansi-bold");
                    break;
                case >= 30 and <= 37:
                    classes.Add($"ansi-{Colours[code - 30]}-fg");
                    break;
                case >= 90 and <= 97:
                    classes.Add($"ansi-bright-{Colours[code - 90]}-fg");
                    break;
                case >= 40 and <= 47:
                    classes.Add($"ansi-{Colours[code - 40]}-bg");
                    break;
                case >= 100 and <= 107:
                    classes.Add($"ansi-bright-{Colours[code - 100]}-bg");
                    break;
            }
        }

        return classes;
    }
}
