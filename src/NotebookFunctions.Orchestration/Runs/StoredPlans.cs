using System.Text.Json;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>A run's stored plan (runs/{id}/plan.json, written once by PlanChunks): the one reader of it.</summary>
public static class StoredPlans
{
    /// <summary>The plan, or null when the run has none (never planned, or planning failed).</summary>
    /// <exception cref="InvalidOperationException">It is there but not readable.</exception>
    public static async Task<ChunkPlan?> TryLoadAsync(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default)
    {
        var name = StorageLayout.PlanBlob(runId);
        if (await new RunStore(blobs).DownloadTextAsync(name, cancellationToken) is not { } text) return null;
        try
        {
            return JsonSerializer.Deserialize<ChunkPlan>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"run {runId}: {StorageLayout.RunsContainer}/{name} is not readable: {e.Message}", e);
        }
    }
}
