namespace NotebookFunctions.Core.Chunks;

/// <summary>An <see cref="IRangeReader"/> over a local file, so a local sample is cut by the same splitter as a blob.</summary>
public sealed class FileRangeReader(string path) : IRangeReader
{
    public long Length { get; } = new FileInfo(path).Length;

    public async Task<ReadOnlyMemory<byte>> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        var length = (int)Math.Max(0, Math.Min(count, Length - offset));
        var buffer = new byte[length];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var read = 0;
        while (read < length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read, cancellationToken);
            if (n == 0) break;
            read += n;
        }

        return buffer.AsMemory(0, read);
    }

    /// <summary>
    /// Writes one chunk of the file to <paramref name="target"/> as <see cref="ChunkDownloader"/> writes a blob's: the
    /// header line first when the chunk does not start with it, then the range.
    /// </summary>
    public async Task WriteChunkAsync(long headerLength, long start, long end, string target, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        if (headerLength > 0 && start >= headerLength) await CopyAsync(input, 0, headerLength, output, cancellationToken);
        await CopyAsync(input, start, end - start, output, cancellationToken);
    }

    private static async Task CopyAsync(FileStream input, long offset, long length, Stream output, CancellationToken cancellationToken)
    {
        input.Position = offset;
        var buffer = new byte[1 << 16];
        while (length > 0)
        {
            var n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken);
            if (n == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            length -= n;
        }
    }
}
