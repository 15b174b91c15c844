namespace NotebookFunctions.Core.Storage;

/// <summary>
/// Where a published notebook version came from: the git commit, the notebook's path in its repository, and whether
/// the file differed from that commit when it was published. Always valid: the constructor refuses what it cannot record.
/// </summary>
public sealed record NotebookSource
{
    /// <summary>The longest repository-relative path recorded (in UTF-16 code units).</summary>
    public const int MaxPathLength = 1024;

    /// <exception cref="NotebookSourceException">The commit is not a full object id, or the path is not a clean relative path.</exception>
    public NotebookSource(string commit, string path, bool dirty)
    {
        if (CommitProblem(commit) is { } commitProblem) throw new NotebookSourceException("commit", commitProblem);
        if (PathProblem(path) is { } pathProblem) throw new NotebookSourceException("path", pathProblem);
        Commit = commit;
        Path = path;
        Dirty = dirty;
    }

    /// <summary>The full commit id: 40 (SHA-1) or 64 (SHA-256 repositories) lowercase hex digits.</summary>
    public string Commit { get; }

    /// <summary>The notebook file's path relative to the repository root, with forward slashes.</summary>
    public string Path { get; }

    /// <summary>True when the published bytes were not exactly the file at <see cref="Commit"/> (modified or untracked).</summary>
    public bool Dirty { get; }

    /// <summary>One line for people: short commit, path, and a mark when the file had uncommitted changes.</summary>
    public string Describe() => $"{Commit[..12]} {Path}{(Dirty ? " (uncommitted changes)" : string.Empty)}";

    /// <summary>Reads the dirty flag as written on the wire and in metadata: "true" or "false".</summary>
    /// <exception cref="NotebookSourceException">Anything else.</exception>
    public static bool ParseDirty(string text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
        : throw new NotebookSourceException("dirty", $"dirty must be 'true' or 'false', not '{Printable(text)}'");

    public static string FormatDirty(bool dirty) => dirty ? "true" : "false";

    /// <summary>Why a text cannot be a commit id, or null when it can.</summary>
    public static string? CommitProblem(string commit) =>
        commit.Length is 40 or 64 && commit.All(char.IsAsciiHexDigitLower)
            ? null
            : $"commit must be a full commit id of 40 or 64 lowercase hex digits, not '{Printable(commit)}'";

    /// <summary>Why a text cannot be a repository-relative path, or null when it can.</summary>
    public static string? PathProblem(string path)
    {
        if (path.Length is 0 or > MaxPathLength) return $"path must be 1 to {MaxPathLength} characters long, not {path.Length}";
        if (path.Any(char.IsControl)) return $"path '{Printable(path)}' contains a control character";
        if (path.Contains('\\', StringComparison.Ordinal)) return $"path '{Printable(path)}' must use forward slashes";
        if (path.StartsWith('/') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
            return $"path '{Printable(path)}' must be relative to the repository root";
        // One spelling per file: git itself never writes empty, '.' or '..' segments.
        if (path.Split('/').Any(segment => segment is "" or "." or ".."))
            return $"path '{Printable(path)}' must not have empty, '.' or '..' segments";
        return null;
    }

    /// <summary>A value as it can be shown in an error: control characters escaped, long values cut.</summary>
    private static string Printable(string text)
    {
        var shown = string.Concat(text.Take(120).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > 120 ? shown + "..." : shown;
    }
}
