using Azure;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The id of each notebook's and pipeline's most recent run, one small blob per name, written when a run starts: the
/// catalog shows a last status per entry without scanning every run in the task hub (which has no index by notebook).
/// </summary>
public sealed class LatestRuns(BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageLayout.LatestRunsContainer);

    private static string BlobName(RunStart start) =>
        start.Pipeline is { } pipeline ? $"pipelines/{pipeline.Pipeline}" : $"notebooks/{start.Run!.Notebook}";

    /// <summary>Records that this run is the latest of its notebook or pipeline (a repair is a run too).</summary>
    public async Task RecordAsync(string runId, RunStart start, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(BlobName(start));
        try
        {
            await blob.UploadAsync(BinaryData.FromString(runId), overwrite: true, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(BinaryData.FromString(runId), overwrite: true, cancellationToken);
        }
    }

    /// <summary>The latest run id of a notebook ("notebooks") or pipeline ("pipelines"), or null when it never ran.</summary>
    public async Task<string?> FindAsync(string kind, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient($"{kind}/{name}").DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
