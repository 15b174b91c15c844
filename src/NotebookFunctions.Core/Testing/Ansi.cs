using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>Tracebacks come coloured with ANSI escapes (IPython's); a terminal line or a JUnit file wants them plain.</summary>
public static partial class Ansi
{
    public static string Strip(string text) => Escape().Replace(text, string.Empty);

    /// <summary>CSI sequences (colours, cursor) and OSC sequences (window titles, links), ended by BEL or ST.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")]
    private static partial Regex Escape();
}
