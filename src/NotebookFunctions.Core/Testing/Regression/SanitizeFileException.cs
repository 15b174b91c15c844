namespace NotebookFunctions.Core.Testing;

/// <summary>
/// A sanitize file that cannot be used: unreadable, a rule nbval would silently drop, a pattern or replacement that is
/// not valid, or a pattern too slow on an output. Names the file, the section and the line, so the fix is one look away.
/// </summary>
public sealed class SanitizeFileException : Exception
{
    public SanitizeFileException(string path, string? section, int? line, string problem, Exception? inner = null)
        : base(FormatMessage(path, section, line, problem), inner)
    {
        Path = path;
        Section = section;
        Line = line;
        Problem = problem;
    }

    /// <summary>The sanitize file as it was named to us.</summary>
    public string Path { get; }

    /// <summary>The [section] the problem is in; null for the whole file or lines before any section.</summary>
    public string? Section { get; }

    /// <summary>1-based line of the problem, when it has one.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string FormatMessage(string path, string? section, int? line, string problem)
    {
        var where = new List<string>();
        if (section is not null) where.Add($"section [{section}]");
        if (line is { } n) where.Add($"line {n}");
        return where.Count == 0 ? $"{path}: {problem}" : $"{path}: {string.Join(", ", where)}: {problem}";
    }
}
