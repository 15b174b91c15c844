namespace NotebookFunctions.Core.Chunks;

/// <summary>
/// Splits a line-based file into byte ranges of about a target size that end just after a '\n', reading only
/// small windows around each cut. A '\n' byte never occurs inside a multi-byte UTF-8 character and ends CRLF
/// lines too, so cuts are safe for UTF-8 text and for both line endings. (A CSV with line breaks inside quoted
/// fields cannot be split this way: use per-blob mode for those.)
/// </summary>
public static class LineSplitter
{
    private const int FirstWindow = 64 * 1024;
    private const int LargestWindow = 4 * 1024 * 1024;

    /// <summary>Length of the first line including its '\n' (the whole file when it has none).</summary>
    public static async Task<long> HeaderLengthAsync(IRangeReader reader, CancellationToken cancellationToken)
    {
        var newline = await FindNewlineAsync(reader, 0, cancellationToken);
        return newline < 0 ? reader.Length : newline + 1;
    }

    /// <summary>Ranges [start, end) covering [dataStart, Length); at least one, empty when there is no data.</summary>
    public static async Task<List<(long Start, long End)>> SplitAsync(IRangeReader reader, long dataStart, long targetBytes, CancellationToken cancellationToken)
    {
        if (targetBytes < 1) throw new ArgumentOutOfRangeException(nameof(targetBytes), "the target chunk size must be at least one byte");
        var ranges = new List<(long, long)>();
        var size = reader.Length;
        var start = dataStart;
        while (start < size)
        {
            var candidate = start + targetBytes;
            if (candidate >= size)
            {
                ranges.Add((start, size));
                break;
            }

            // The chunk ends after the first '\n' at or after its last byte: exactly at the target when a line ends there.
            var newline = await FindNewlineAsync(reader, candidate - 1, cancellationToken);
            var end = newline < 0 ? size : newline + 1;
            ranges.Add((start, end));
            start = end;
        }

        if (ranges.Count == 0) ranges.Add((dataStart, dataStart));
        return ranges;
    }

    /// <summary>Position of the first '\n' at or after <paramref name="from"/>, or -1; windows grow so a very long line costs few reads.</summary>
    private static async Task<long> FindNewlineAsync(IRangeReader reader, long from, CancellationToken cancellationToken)
    {
        var window = FirstWindow;
        var position = from;
        while (position < reader.Length)
        {
            var bytes = await reader.ReadAsync(position, window, cancellationToken);
            if (bytes.Length == 0) return -1;
            var index = bytes.Span.IndexOf((byte)'\n');
            if (index >= 0) return position + index;
            position += bytes.Length;
            window = Math.Min(window * 2, LargestWindow);
        }

        return -1;
    }
}
