using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace NotebookFunctions.Core.Storage;

/// <summary>
/// Merges the files chunks wrote to output_dir into runs/{runId}/results/: same-named CSV files concatenated in
/// chunk order with one header, line files (JSONL, text) concatenated as they are, anything else kept per chunk.
/// Each merged blob is streamed (never whole in memory) and committed at the end, so no reader sees half a file.
/// </summary>
public sealed class ResultMerger(BlobServiceClient service)
{
    private static readonly string[] CsvExtensions = [".csv", ".tsv"];
    private static readonly string[] LineExtensions = [".jsonl", ".ndjson", ".txt", ".log"];

    private BlobContainerClient Runs { get; } = service.GetBlobContainerClient(StorageLayout.RunsContainer);

    /// <summary>Merges into <paramref name="runId"/>'s results; returns the result names written, relative to results/.</summary>
    public async Task<List<string>> MergeAsync(string runId, IReadOnlyList<MergedChunk> chunks, CancellationToken cancellationToken = default)
    {
        var written = new List<string>();
        var byName = chunks.OrderBy(c => c.Index)
            .SelectMany(c => c.Files.Select(f => (Name: f, Chunk: c)))
            .GroupBy(x => x.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byName)
        {
            var producers = group.Select(x => x.Chunk).ToList();
            var extension = Path.GetExtension(group.Key).ToLowerInvariant();
            if (CsvExtensions.Contains(extension) || LineExtensions.Contains(extension))
            {
                await ConcatenateAsync(runId, group.Key, producers, skipHeader: CsvExtensions.Contains(extension), cancellationToken);
                written.Add(group.Key);
            }
            else if (producers.Count == 1)
            {
                await ConcatenateAsync(runId, group.Key, producers, skipHeader: false, cancellationToken);
                written.Add(group.Key);
            }
            else
            {
                // No sound way to merge binary or structured files: keep one per chunk, named by chunk.
                foreach (var chunk in producers)
                {
                    var name = $"{Path.ChangeExtension(group.Key, null)}.chunk-{chunk.Index}{Path.GetExtension(group.Key)}";
                    await CopyAsync(SourceBlob(chunk, group.Key), ResultBlob(runId, name), cancellationToken);
                    written.Add(name);
                }
            }
        }

        return written;
    }

    private BlobClient SourceBlob(MergedChunk chunk, string name) => Runs.GetBlobClient(StorageLayout.ChunkFilesPrefix(chunk.RunId, chunk.Index) + name);

    private BlockBlobClient ResultBlob(string runId, string name) => Runs.GetBlockBlobClient(StorageLayout.ResultsPrefix(runId) + name);

    private async Task ConcatenateAsync(string runId, string name, List<MergedChunk> producers, bool skipHeader, CancellationToken cancellationToken)
    {
        await using var target = new WholeBlobWriter(ResultBlob(runId, name));
        var lastByte = (int)'\n';
        for (var i = 0; i < producers.Count; i++)
        {
            var response = await SourceBlob(producers[i], name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var source = response.Value.Content;
            if (lastByte != '\n') target.WriteByte((byte)'\n');
            lastByte = await CopyAsync(source, target, skipFirstLine: skipHeader && i > 0, cancellationToken);
        }

        await target.CommitAsync(cancellationToken);
    }

    private static async Task CopyAsync(BlobClient source, BlockBlobClient target, CancellationToken cancellationToken)
    {
        var response = await source.DownloadStreamingAsync(cancellationToken: cancellationToken);
        await using var content = response.Value.Content;
        await using var output = new WholeBlobWriter(target);
        await content.CopyToAsync(output, cancellationToken);
        await output.CommitAsync(cancellationToken);
    }

    /// <summary>Copies, optionally dropping everything up to and including the first '\n'; returns the last byte copied (or '\n').</summary>
    private static async Task<int> CopyAsync(Stream source, Stream target, bool skipFirstLine, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var skipping = skipFirstLine;
        var last = (int)'\n';
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

/// <summary>A chunk whose output files are merged: its index, the run that stored them (a repair's kept chunks are its original's), and the files.</summary>
public sealed record MergedChunk(int Index, string RunId, IReadOnlyList<string> Files);
