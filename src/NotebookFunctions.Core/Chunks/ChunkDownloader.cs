using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Core.Chunks;

/// <summary>Streams one chunk to a local file (the header line first for split CSVs), never holding it whole in memory.</summary>
public static class ChunkDownloader
{
    /// <summary>Writes the chunk to <paramref name="directory"/>/{blob file name}; returns the path.</summary>
    /// <exception cref="RequestFailedException">The blob changed since planning (412) or is gone (404).</exception>
    public static async Task<string> DownloadAsync(BlobServiceClient service, ChunkSpec chunk, string directory, CancellationToken cancellationToken)
    {
        var blob = service.GetBlobContainerClient(chunk.Container).GetBlobClient(chunk.Blob);
        var etag = new ETag(chunk.ETag);
        var path = Path.Combine(directory, chunk.FileName);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        if (chunk.HeaderLength > 0 && chunk.Offset >= chunk.HeaderLength)
            await CopyRangeAsync(blob, etag, 0, chunk.HeaderLength, file, cancellationToken);
        await CopyRangeAsync(blob, etag, chunk.Offset, chunk.Length, file, cancellationToken);
        return path;
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
