using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>Tracebacks come coloured with ANSI escapes (IPython's); a terminal line or a JUnit file wants them plain.</summary>
public static partial class Ansi
{
    public static string Strip(string text) => Escape().Replace(text, string.Empty);

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Escape();
}
