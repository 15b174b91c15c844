using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace NotebookFunctions.Core.Storage;

/// <summary>
/// Merges the files chunks wrote to output_dir into runs/{runId}/results/ by <see cref="ResultMergeRules"/>. Each
/// merged blob is streamed (never whole in memory) and committed at the end, so no reader sees half a file.
/// </summary>
public sealed class ResultMerger(BlobServiceClient service)
{
    private BlobContainerClient Runs { get; } = service.GetBlobContainerClient(StorageLayout.RunsContainer);

    /// <summary>Merges into <paramref name="runId"/>'s results; returns the result names written, relative to results/.</summary>
    public async Task<List<string>> MergeAsync(string runId, IReadOnlyList<MergedChunk> chunks, CancellationToken cancellationToken = default)
    {
        var written = new List<string>();
        foreach (var result in ResultMergeRules.Plan(chunks))
        {
            await using var target = new WholeBlobWriter(Runs.GetBlockBlobClient(StorageLayout.ResultsPrefix(runId) + result.Name));
            var sources = result.Sources.Select(s => (Func<CancellationToken, Task<Stream>>)(async token =>
            {
                var response = await Runs.GetBlobClient(StorageLayout.ChunkFilesPrefix(s.Chunk.RunId, s.Chunk.Index) + s.File).DownloadStreamingAsync(cancellationToken: token);
                return response.Value.Content;
            }));
            await ResultMergeRules.ConcatenateAsync(sources, target, result.SkipHeaders, cancellationToken);
            await target.CommitAsync(cancellationToken);
            written.Add(result.Name);
        }

        return written;
    }
}

/// <summary>A chunk whose output files are merged: its index, the run that stored them (a repair's kept chunks are its original's), and the files.</summary>
public sealed record MergedChunk(int Index, string RunId, IReadOnlyList<string> Files);
