using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Core.Chunks;

/// <summary>Range reads of one blob, pinned to the ETag it had when planning began: a blob changed meanwhile fails loudly.</summary>
public sealed class BlobRangeReader(BlobClient blob, long length, ETag etag) : IRangeReader
{
    public long Length => length;

    public async Task<ReadOnlyMemory<byte>> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        if (offset >= length) return ReadOnlyMemory<byte>.Empty;
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, Math.Min(count, length - offset)),
            Conditions = new BlobRequestConditions { IfMatch = etag },
        };
        var result = await blob.DownloadContentAsync(options, cancellationToken);
        return result.Value.Content.ToMemory();
    }
}
