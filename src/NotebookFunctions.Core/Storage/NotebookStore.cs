using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Storage;

/// <summary>A published notebook version, and where it came from when the publisher said so.</summary>
public sealed record PublishedNotebook(string Name, string Version, long Size, DateTimeOffset Published, bool Created, NotebookSource? Source = null, string? Description = null);

/// <summary>
/// Published notebooks, content-addressed: a version is the SHA-256 of the bytes, written once, never overwritten.
/// Pipelines are published the same way, in their own container (<see cref="Pipelines"/>).
/// </summary>
public sealed partial class NotebookStore(BlobServiceClient service, string container = StorageLayout.NotebooksContainer, string extension = ".ipynb")
{
    /// <summary>Published pipeline definitions (JSON): pipelines/{name}/{sha256}.json, with the notebooks' rules.</summary>
    public static NotebookStore Pipelines(BlobServiceClient service) => new(service, StorageLayout.PipelinesContainer, ".json");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotNameChars();

    /// <summary>The name a notebook file is published under: its file name, lowercased, other characters as '-'.</summary>
    public static string NameFromPath(string path)
    {
        var stem = NotNameChars().Replace(Path.GetFileNameWithoutExtension(path).ToLowerInvariant(), "-").Trim('-');
        return stem.Length == 0 ? "notebook" : stem[..Math.Min(stem.Length, 60)];
    }

    private BlobContainerClient Container { get; } = service.GetBlobContainerClient(container);

    private string BlobName(string name, string version) => $"{name}/{version}{extension}";

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Why a name cannot be a notebook's, or null when it can (callers that answer rather than throw).</summary>
    public static string? NameProblem(string name) =>
        NamePattern().IsMatch(name) ? null : $"notebook name '{name}' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>
    /// Why a text cannot be a version, or null when it can. A version is the SHA-256 of the notebook's bytes in lowercase
    /// hex: anything else names no version, and never reaches a blob path (no "../other-notebook/...").
    /// </summary>
    public static string? VersionProblem(string version) =>
        version.Length == 64 && version.All(char.IsAsciiHexDigitLower) ? null : $"version '{(version.Length > 80 ? version[..80] + "..." : version)}' is not a published version: a version is the 64 lowercase hex digits of the notebook's SHA-256";

    /// <exception cref="ArgumentException">The name is not 1–100 letters, digits, '.', '_' or '-'.</exception>
    public static void ValidateName(string name)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
    }

    /// <summary>Stores the bytes under their SHA-256; publishing the same content again changes nothing.</summary>
    public Task<PublishedNotebook> PublishAsync(string name, byte[] content, CancellationToken cancellationToken = default) =>
        PublishAsync(name, content, source: null, cancellationToken);

    /// <summary>Stores the bytes under their SHA-256 with where they came from; publishing the same content again changes nothing.</summary>
    /// <remarks>
    /// The source is metadata of the version blob, set in the same write that creates it. A version is content-addressed
    /// and written once (If-None-Match: *), so the first publish's source is the one kept: the same bytes published
    /// later from another commit (or without a source) return the stored version with its original source.
    /// </remarks>
    public async Task<PublishedNotebook> PublishAsync(string name, byte[] content, NotebookSource? source, CancellationToken cancellationToken = default, string? description = null)
    {
        ValidateName(name);
        var version = Notebook.Sha256(content);
        var blob = Container.GetBlobClient(BlobName(name, version));
        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Metadata = NotebookSourceMetadata.Write(source, description),
            };
            var response = await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
            return new PublishedNotebook(name, version, content.Length, response.Value.LastModified, Created: true, source, description);
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return new PublishedNotebook(name, version, content.Length, properties.Value.LastModified, Created: false, NotebookSourceMetadata.Read(properties.Value.Metadata), NotebookSourceMetadata.ReadDescription(properties.Value.Metadata));
        }
    }

    /// <summary>One version's size, time and source without its bytes, or null when it does not exist.</summary>
    public async Task<PublishedNotebook?> GetVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        if (VersionProblem(version) is not null) return null;
        try
        {
            var properties = await Container.GetBlobClient(BlobName(name, version)).GetPropertiesAsync(cancellationToken: cancellationToken);
            return new PublishedNotebook(name, version, properties.Value.ContentLength, properties.Value.LastModified, Created: false, NotebookSourceMetadata.Read(properties.Value.Metadata), NotebookSourceMetadata.ReadDescription(properties.Value.Metadata));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The bytes of one version, or null when it does not exist.</summary>
    public async Task<byte[]?> GetAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        if (VersionProblem(version) is not null) return null;
        try
        {
            var result = await Container.GetBlobClient(BlobName(name, version)).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every version of every notebook, grouped by name (names in order), each oldest first.</summary>
    public async Task<SortedDictionary<string, List<PublishedNotebook>>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var all = new SortedDictionary<string, List<PublishedNotebook>>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
            {
                var slash = item.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || !item.Name.EndsWith(extension, StringComparison.Ordinal)) continue;
                var name = item.Name[..slash];
                if (!all.TryGetValue(name, out var versions)) all[name] = versions = [];
                versions.Add(ToVersion(name, item));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return all;
        }

        foreach (var name in all.Keys.ToList()) all[name] = Ordered(all[name]);
        return all;
    }

    /// <summary>The latest version of a notebook, or null when none was published.</summary>
    public async Task<PublishedNotebook?> LatestAsync(string name, CancellationToken cancellationToken = default) =>
        (await ListVersionsAsync(name, cancellationToken)).LastOrDefault();

    private static PublishedNotebook ToVersion(string name, BlobItem item) =>
        new(name, Path.GetFileNameWithoutExtension(item.Name), item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.MinValue, false, NotebookSourceMetadata.Read(item.Metadata), NotebookSourceMetadata.ReadDescription(item.Metadata));

    private static List<PublishedNotebook> Ordered(IEnumerable<PublishedNotebook> versions) =>
        versions.OrderBy(v => v.Published).ThenBy(v => v.Version, StringComparer.Ordinal).ToList();

    /// <summary>Every version of a notebook, oldest first; the last is the latest.</summary>
    public async Task<List<PublishedNotebook>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var versions = new List<PublishedNotebook>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = name + "/", Traits = BlobTraits.Metadata }, cancellationToken))
                versions.Add(ToVersion(name, item));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return versions;
        }

        return Ordered(versions);
    }
}
