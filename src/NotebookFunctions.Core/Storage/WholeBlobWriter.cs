using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace NotebookFunctions.Core.Storage;

/// <summary>
/// A write stream over a block blob that a reader sees whole or not at all: blocks are staged as they fill (memory
/// stays at one block), and the block list is committed by <see cref="CommitAsync"/>; a writer disposed without it (the
/// write failed) leaves the blob as it was. (OpenWrite with overwrite first commits an empty blob, which a reader of
/// results could see half-way through a merge, or after a killed one.)
/// </summary>
public sealed class WholeBlobWriter(BlockBlobClient blob, BlobHttpHeaders? headers = null, int blockBytes = 8 << 20) : Stream
{
    private readonly byte[] _block = new byte[blockBytes];
    private readonly List<string> _ids = [];
    private int _filled;
    private long _length;
    private bool _committed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, _block.Length - _filled);
            buffer[..take].CopyTo(_block.AsMemory(_filled));
            _filled += take;
            _length += take;
            buffer = buffer[take..];
            if (_filled == _block.Length) await StageAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Stages what is left and commits: from here on readers see the whole content.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_committed) return;
        if (_filled > 0) await StageAsync(cancellationToken);
        await blob.CommitBlockListAsync(_ids, new CommitBlockListOptions { HttpHeaders = headers }, cancellationToken);
        _committed = true;
    }

    public override void Flush()
    {
        // Nothing is visible before the commit; flushing has no meaning here.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task StageAsync(CancellationToken cancellationToken)
    {
        // Fixed-length ids: a block list's ids must all have the same length.
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{_ids.Count:D8}"));
        using var content = new MemoryStream(_block, 0, _filled, writable: false);
        await blob.StageBlockAsync(id, content, cancellationToken: cancellationToken);
        _ids.Add(id);
        _filled = 0;
    }
}
