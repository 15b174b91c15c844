using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// One claim blob per run id (runs/{runId}/claim.json), created with If-None-Match: * so exactly one of any number of
/// racing callers wins. A claim whose winner died before scheduling (no run after a minute) may be taken over.
/// </summary>
public sealed class RunClaims(BlobServiceClient blobs, TimeSpan? abandonedAfter = null)
{
    private readonly TimeSpan _abandoned = abandonedAfter ?? TimeSpan.FromMinutes(1);
    private readonly BlobContainerClient _runs = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    public async Task<bool> TryClaimAsync(string runId, Func<Task<bool>> runExists, CancellationToken cancellationToken)
    {
        await _runs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = _runs.GetBlobClient(StorageLayout.ClaimBlob(runId));
        var claim = BinaryData.FromObjectAsJson(new { runId, claimedBy = Environment.MachineName, at = DateTimeOffset.UtcNow });
        try
        {
            await blob.UploadAsync(claim, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Claimed already: fine unless the claimer vanished without starting the run.
        }

        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        if (DateTimeOffset.UtcNow - properties.LastModified < _abandoned || await runExists()) return false;
        try
        {
            await blob.UploadAsync(claim, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
