using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Api.Schedules;

/// <summary>Schedules as JSON blobs, one per name, in the "schedules" container.</summary>
public sealed class ScheduleStore(BlobServiceClient blobs)
{
    public const string Container = "schedules";
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public async Task<List<Schedule>> ListAsync(CancellationToken cancellationToken)
    {
        var schedules = new List<Schedule>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                if (await GetByBlobAsync(item.Name, cancellationToken) is { } schedule) schedules.Add(schedule);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return schedules;
        }

        return schedules;
    }

    public Task<Schedule?> GetAsync(string name, CancellationToken cancellationToken) => GetByBlobAsync(BlobName(name), cancellationToken);

    /// <summary>Creates or replaces; true when it was new.</summary>
    public async Task<bool> PutAsync(Schedule schedule, CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = _container.GetBlobClient(BlobName(schedule.Name));
        var existed = await blob.ExistsAsync(cancellationToken);
        // One PUT of a small blob: readers see the old schedule or the new one, never half of either.
        await blob.UploadAsync(BinaryData.FromObjectAsJson(schedule, ApiJson.Options), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
        return !existed.Value;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(BlobName(name)).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static string BlobName(string name) => $"{name}.json";

    private async Task<Schedule?> GetByBlobAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<Schedule>(ApiJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            // A hand-edited blob that no longer parses: skipped, and reported by the ticker's caller as missing.
            return null;
        }
    }
}
