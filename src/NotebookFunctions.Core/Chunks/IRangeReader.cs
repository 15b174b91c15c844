namespace NotebookFunctions.Core.Chunks;

/// <summary>Reads a byte range of one immutable object (a blob at one ETag, or bytes in memory).</summary>
public interface IRangeReader
{
    long Length { get; }

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>; fewer only at the end.</summary>
    Task<ReadOnlyMemory<byte>> ReadAsync(long offset, int count, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IRangeReader"/> over bytes in memory.</summary>
public sealed class MemoryRangeReader(ReadOnlyMemory<byte> data) : IRangeReader
{
    public long Length => data.Length;

    public int Reads { get; private set; }

    public Task<ReadOnlyMemory<byte>> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        Reads++;
        var start = (int)Math.Min(offset, data.Length);
        return Task.FromResult(data.Slice(start, Math.Min(count, data.Length - start)));
    }
}
