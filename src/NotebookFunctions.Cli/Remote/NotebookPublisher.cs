using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.Cli.Remote;

/// <summary>What travels with a notebook published through the API besides its bytes: where it came from.</summary>
internal static class NotebookPublisher
{
    /// <summary>The provenance headers of a notebook file (its git commit, path and whether it had uncommitted changes), when it sits in a repository.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SourceHeadersAsync(string path, CancellationToken cancellationToken) =>
        (await GitProvenance.FindAsync(path, cancellationToken))?.Source is { } source ? NotebooksApi.SourceHeaders(source) : new Dictionary<string, string>();
}
