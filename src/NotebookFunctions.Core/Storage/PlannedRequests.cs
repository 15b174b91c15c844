using System.Text.Json;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Core.Storage;

/// <summary>
/// The request a run was planned with (runs/{runId}/request.json), stored once by planning so that each chunk's
/// activity input stays small. Typed by the caller: the request model belongs to the orchestration layer.
/// </summary>
public static class PlannedRequests
{
    public static async Task SaveAsync<T>(BlobServiceClient blobs, string runId, T request, CancellationToken cancellationToken = default) =>
        await new RunStore(blobs).UploadTextAsync(StorageLayout.RequestBlob(runId), JsonSerializer.Serialize(request), cancellationToken);

    public static async Task<T> LoadAsync<T>(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default)
    {
        var text = await new RunStore(blobs).DownloadTextAsync(StorageLayout.RequestBlob(runId), cancellationToken)
            ?? throw new InvalidOperationException($"run {runId} has no stored request ({StorageLayout.RunsContainer}/{StorageLayout.RequestBlob(runId)}); was it planned?");
        return JsonSerializer.Deserialize<T>(text) ?? throw new InvalidOperationException($"run {runId}'s stored request is empty");
    }
}
