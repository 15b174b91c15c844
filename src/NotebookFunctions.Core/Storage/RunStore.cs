using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Core.Storage;

/// <summary>
/// The runs container: what each run produced, under {runId}/. Every write is one block-blob upload, which a
/// reader sees whole or not at all, and rewriting the same name on a retry replaces it: nothing is duplicated.
/// </summary>
public sealed class RunStore(BlobServiceClient service)
{
    private BlobContainerClient Container { get; } = service.GetBlobContainerClient(StorageLayout.RunsContainer);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public async Task UploadFileAsync(string blobName, string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        await Container.GetBlobClient(blobName).UploadAsync(stream, new BlobUploadOptions { HttpHeaders = Headers(blobName) }, cancellationToken);
    }

    public Task UploadTextAsync(string blobName, string text, CancellationToken cancellationToken = default) =>
        UploadTextAsync(blobName, text, metadata: null, cancellationToken);

    /// <summary>Uploads text with metadata set in the same write, so a reader never sees the blob without it.</summary>
    public async Task UploadTextAsync(string blobName, string text, IDictionary<string, string>? metadata, CancellationToken cancellationToken = default) =>
        await Container.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(text), new BlobUploadOptions { HttpHeaders = Headers(blobName), Metadata = metadata }, cancellationToken);

    /// <summary>Creates the blob with this text unless it exists (a conditional create: of racing writers, one wins); false when it existed.</summary>
    public async Task<bool> TryCreateTextAsync(string blobName, string text, CancellationToken cancellationToken = default)
    {
        try
        {
            await Container.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(text), new BlobUploadOptions { HttpHeaders = Headers(blobName), Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task UploadStreamAsync(string blobName, Stream content, CancellationToken cancellationToken = default) =>
        await Container.GetBlobClient(blobName).UploadAsync(content, new BlobUploadOptions { HttpHeaders = Headers(blobName) }, cancellationToken);

    /// <summary>Uploads every file under <paramref name="directory"/> below <paramref name="prefix"/>; returns their relative names, sorted.</summary>
    public async Task<List<string>> UploadDirectoryAsync(string prefix, string directory, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        if (!Directory.Exists(directory)) return names;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            await UploadFileAsync(prefix + relative, file, cancellationToken);
            names.Add(relative);
        }

        return names;
    }

    /// <summary>Removes everything under a prefix (a retried chunk first clears what an earlier attempt left).</summary>
    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            await Container.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            names.Add(item.Name);
        return names;
    }

    /// <summary>The first <paramref name="count"/> blob names under <paramref name="prefix"/>, listing no further than it takes to find them.</summary>
    public async Task<List<string>> ListFirstAsync(string prefix, int count, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        try
        {
            // A page may come back empty with a continuation (the service's time limit): keep going until names or the end.
            await foreach (var page in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(pageSizeHint: count))
            {
                names.AddRange(page.Values.Select(b => b.Name).Take(count - names.Count));
                if (names.Count >= count) break;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet (fresh storage): nothing under any prefix.
        }

        return names;
    }

    public async Task<string?> DownloadTextAsync(string blobName, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task DownloadToAsync(string blobName, Stream target, CancellationToken cancellationToken = default) =>
        await Container.GetBlobClient(blobName).DownloadToAsync(target, cancellationToken);

    /// <summary>The blob's content as a stream read from storage as it is consumed, or null when it does not exist.</summary>
    public async Task<Stream?> OpenReadIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await Container.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Blob names under a prefix with their sizes, in name order.</summary>
    public async Task<List<(string Name, long Size)>> ListWithSizesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var blobs = new List<(string Name, long Size)>();
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            blobs.Add((item.Name, item.Properties.ContentLength ?? 0));
        return blobs;
    }

    /// <summary>Blob names under a prefix with their metadata (keys compared without case), in name order: one listing, no reads.</summary>
    public async Task<Dictionary<string, IReadOnlyDictionary<string, string>>> ListWithMetadataAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var blobs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken))
            blobs[item.Name] = new Dictionary<string, string>(item.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        return blobs;
    }

    private static BlobHttpHeaders Headers(string blobName) => new()
    {
        ContentType = Path.GetExtension(blobName).ToLowerInvariant() switch
        {
            ".ipynb" or ".json" => "application/json",
            ".csv" => "text/csv",
            ".jsonl" or ".ndjson" => "application/x-ndjson",
            ".txt" or ".log" => "text/plain",
            ".html" => "text/html",
            ".png" => "image/png",
            _ => "application/octet-stream",
        },
    };
}
