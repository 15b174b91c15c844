using Azure;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// The plan of a repair: the chosen chunks of a finished run's own plan, byte for byte, provided the input blobs are
/// unchanged since (a changed blob would make the repaired chunks disagree with the ones that succeeded).
/// </summary>
public static class RepairPlans
{
    public static async Task<ChunkPlan> PlanAsync(BlobServiceClient blobs, string originalRunId, IReadOnlyList<int> indices)
    {
        var text = await new RunStore(blobs).DownloadTextAsync(StorageLayout.PlanBlob(originalRunId))
            ?? throw new ChunkPlanningException($"run {originalRunId} has no stored plan ({StorageLayout.RunsContainer}/{StorageLayout.PlanBlob(originalRunId)}); only runs that were planned can be repaired");
        var original = System.Text.Json.JsonSerializer.Deserialize<ChunkPlan>(text)!;
        if (indices.Count == 0) throw new ChunkPlanningException($"a repair of run {originalRunId} names no chunks to run again");
        var byIndex = original.Chunks.ToDictionary(c => c.Index);
        var chosen = new List<ChunkSpec>();
        foreach (var index in indices.Distinct().Order())
        {
            if (!byIndex.TryGetValue(index, out var chunk))
                throw new ChunkPlanningException($"run {originalRunId} has no chunk {index} (it has chunks 0 to {original.ChunkCount - 1})");
            chosen.Add(chunk);
        }

        foreach (var blob in chosen.Select(c => (c.Container, c.Blob, c.ETag)).Distinct())
        {
            ETag now;
            try
            {
                now = (await blobs.GetBlobContainerClient(blob.Container).GetBlobClient(blob.Blob).GetPropertiesAsync()).Value.ETag;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new ChunkPlanningException($"input blob {blob.Container}/{blob.Blob} of run {originalRunId} no longer exists; start a new run instead");
            }

            // Listings and property reads spell the same ETag with and without quotes.
            if (now.ToString().Trim('"') != blob.ETag.Trim('"'))
                throw new ChunkPlanningException($"input blob {blob.Container}/{blob.Blob} changed since run {originalRunId} (ETag {blob.ETag} is now {now}); start a new run instead");
        }

        return new ChunkPlan(chosen) { TotalChunks = original.ChunkCount };
    }
}
