using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Core.Storage;

/// <summary>One file of the merged results and the chunk files it is made of.</summary>
/// <param name="Name">Relative to the results.</param>
/// <param name="Sources">The chunk files, in chunk order.</param>
/// <param name="SkipHeaders">Drop the first line of every source but the first (tables: one header).</param>
public sealed record MergedResult(string Name, IReadOnlyList<(MergedChunk Chunk, string File)> Sources, bool SkipHeaders);

/// <summary>
/// How chunks' output files become the run's results, wherever they are stored (blobs for a run, a folder for
/// <c>nbf test</c>'s fan-out check): same-named line files concatenated in chunk order (tables with one header),
/// a file only one chunk wrote kept as it is, anything else kept per chunk as NAME.chunk-N.EXT.
/// </summary>
public static class ResultMergeRules
{
    public static List<MergedResult> Plan(IReadOnlyList<MergedChunk> chunks)
    {
        var results = new List<MergedResult>();
        var byName = chunks.OrderBy(c => c.Index)
            .SelectMany(c => c.Files.Select(f => (Name: f, Chunk: c)))
            .GroupBy(x => x.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byName)
        {
            var producers = group.Select(x => (x.Chunk, x.Name)).ToList();
            if (LineFiles.IsLineFile(group.Key) || producers.Count == 1)
            {
                results.Add(new MergedResult(group.Key, producers, LineFiles.HasHeader(group.Key)));
                continue;
            }

            // No sound way to merge binary or structured files: keep one per chunk, named by chunk.
            foreach (var producer in producers)
                results.Add(new MergedResult($"{Path.ChangeExtension(group.Key, null)}.chunk-{producer.Chunk.Index}{Path.GetExtension(group.Key)}", [producer], false));
        }

        return results;
    }

    /// <summary>
    /// Writes the sources one after another to <paramref name="target"/>, streaming, with a '\n' between two when the
    /// first does not end with one, and without the first line of all but the first source when <paramref name="skipHeaders"/>.
    /// </summary>
    public static async Task ConcatenateAsync(IEnumerable<Func<CancellationToken, Task<Stream>>> sources, Stream target, bool skipHeaders, CancellationToken cancellationToken)
    {
        var lastByte = (int)'\n';
        var first = true;
        foreach (var open in sources)
        {
            await using var source = await open(cancellationToken);
            if (lastByte != '\n')
            {
                target.WriteByte((byte)'\n');
                lastByte = '\n';
            }

            lastByte = await CopyAsync(source, target, skipFirstLine: skipHeaders && !first, lastByte, cancellationToken);
            first = false;
        }
    }

    /// <summary>Copies, optionally dropping everything up to and including the first '\n'; returns the last byte written (or <paramref name="last"/>).</summary>
    private static async Task<int> CopyAsync(Stream source, Stream target, bool skipFirstLine, int last, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var skipping = skipFirstLine;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            if (skipping)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', 0, read);
                if (newline < 0) continue;
                skipping = false;
                start = newline + 1;
            }

            if (read > start)
            {
                await target.WriteAsync(buffer.AsMemory(start, read - start), cancellationToken);
                last = buffer[read - 1];
            }
        }

        return last;
    }
}
