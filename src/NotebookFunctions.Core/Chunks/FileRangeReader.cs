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
}
