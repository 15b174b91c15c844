using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Core.Chunks;

/// <summary>Streams one chunk to a local file (the header line first for split CSVs), never holding it whole in memory.</summary>
public static class ChunkDownloader
{
    /// <summary>Writes the chunk to <paramref name="directory"/>/{blob file name} (or, in whole mode, all its blobs under the folder); returns the path.</summary>
    /// <exception cref="RequestFailedException">The blob changed since planning (412) or is gone (404).</exception>
    public static async Task<string> DownloadAsync(BlobServiceClient service, ChunkSpec chunk, string directory, CancellationToken cancellationToken) =>
        (await FetchAsync(service, chunk, directory, cancellationToken)).Path;

    /// <summary>As <see cref="DownloadAsync"/>, for blobs and local inputs alike; a local input also gives the SHA-256 of the bytes read.</summary>
    /// <exception cref="RequestFailedException">The blob changed since planning (412) or is gone (404).</exception>
    /// <exception cref="ChunkPlanningException">A local input file changed since planning or is gone.</exception>
    public static async Task<(string Path, string? Sha256)> FetchAsync(BlobServiceClient service, ChunkSpec chunk, string directory, CancellationToken cancellationToken)
    {
        if (chunk.LocalRoot is not null) return await LocalInputs.CopyAsync(chunk, directory, cancellationToken);
        return (await DownloadBlobsAsync(service, chunk, directory, cancellationToken), null);
    }

    private static async Task<string> DownloadBlobsAsync(BlobServiceClient service, ChunkSpec chunk, string directory, CancellationToken cancellationToken)
    {
        if (chunk.Blobs is { } members) return await DownloadFolderAsync(service, chunk, members, directory, cancellationToken);
        var blob = service.GetBlobContainerClient(chunk.Container).GetBlobClient(chunk.Blob);
        var etag = new ETag(chunk.ETag);
        var path = Path.Combine(directory, chunk.FileName);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        if (chunk.HeaderLength > 0 && chunk.Offset >= chunk.HeaderLength)
            await CopyRangeAsync(blob, etag, 0, chunk.HeaderLength, file, cancellationToken);
        await CopyRangeAsync(blob, etag, chunk.Offset, chunk.Length, file, cancellationToken);
        return path;
    }

    /// <summary>A whole-mode chunk: every blob, at the version planned, under <paramref name="directory"/>, which is returned.</summary>
    private static async Task<string> DownloadFolderAsync(BlobServiceClient service, ChunkSpec chunk, IReadOnlyList<WholeBlob> members, string directory, CancellationToken cancellationToken)
    {
        var container = service.GetBlobContainerClient(chunk.Container);
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach (var member in members)
        {
            // Blob names may hold "..": such a member would land outside the folder, so it is refused, not followed.
            var path = Path.GetFullPath(Path.Combine(root, member.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
                throw new ChunkPlanningException($"input blob '{chunk.Container}/{chunk.BlobOf(member)}' has a name that leaves its folder");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await CopyRangeAsync(container.GetBlobClient(chunk.BlobOf(member)), new ETag(member.ETag), 0, member.Length, file, cancellationToken);
        }

        return directory;
    }

    private static async Task CopyRangeAsync(BlobClient blob, ETag etag, long offset, long length, Stream target, CancellationToken cancellationToken)
    {
        if (length == 0) return;
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, length),
            Conditions = new BlobRequestConditions { IfMatch = etag },
        };
        var response = await blob.DownloadStreamingAsync(options, cancellationToken);
        await using var content = response.Value.Content;
        await content.CopyToAsync(target, cancellationToken);
    }
}
