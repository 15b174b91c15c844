using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// One <c>regex:</c> / <c>replace:</c> pair of a sanitize file, compiled: applied to every text output before
/// comparison, replacing each match as Python's <c>re.sub</c> would.
/// </summary>
public sealed class SanitizeRule
{
    private readonly PythonRegex _regex;
    private readonly PythonReplacement _replacement;

    internal SanitizeRule(string path, string? section, int line, string pattern, string replacement, PythonRegex regex, PythonReplacement template)
    {
        FilePath = path;
        Section = section;
        Line = line;
        Pattern = pattern;
        Replacement = replacement;
        _regex = regex;
        _replacement = template;
    }

    /// <summary>The sanitize file it came from.</summary>
    public string FilePath { get; }

    /// <summary>The [section] it is written under; null before any section header.</summary>
    public string? Section { get; }

    /// <summary>1-based line of its <c>regex:</c>.</summary>
    public int Line { get; }

    /// <summary>The pattern as written, in Python's syntax.</summary>
    public string Pattern { get; }

    /// <summary>The replacement as written, in Python's template syntax.</summary>
    public string Replacement { get; }

    /// <summary>
    /// Replaces every match. A pattern that runs past its time limit on some output (catastrophic backtracking) is a
    /// fault of the file, reported as such, rather than a hung or failed comparison.
    /// </summary>
    public string Apply(string text)
    {
        try
        {
            return _regex.Regex.Replace(text, _replacement.Evaluate);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new SanitizeFileException(FilePath, Section, Line,
                $"regex '{Pattern}' took longer than {e.MatchTimeout.TotalSeconds:0.#} s on a {text.Length}-character output; it backtracks too much, make it more specific", e);
        }
    }
}
