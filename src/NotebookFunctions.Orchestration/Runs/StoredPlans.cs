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
        return await new RunStore(blobs).DownloadTextAsync(name, cancellationToken) is { } text ? ParseRecord<ChunkPlan>(text, name, runId) : null;
    }

    /// <summary>
    /// What changed, in words, in the first local input file (read in place) that a chunk of the run's plan still has to
    /// read (one with no executed notebook stored yet) and that is no longer the file planned; null when the run has no
    /// plan yet, reads no local file, or has nothing left to read from a changed one.
    /// </summary>
    public static async Task<string?> ChangedLocalInputAsync(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default)
    {
        var plan = await TryLoadAsync(blobs, runId, cancellationToken);
        var local = (plan?.Chunks ?? []).Where(c => c.LocalRoot is not null).ToList();
        if (local.Count == 0) return null;
        var ran = (await new RunStore(blobs).ListAsync(StorageLayout.ChunksPrefix(runId), cancellationToken)).ToHashSet(StringComparer.Ordinal);
        try
        {
            Core.Chunks.LocalInputs.Unchanged(local.Where(c => !ran.Contains(StorageLayout.ChunkNotebookBlob(runId, c.Index))));
            return null;
        }
        catch (Core.Chunks.ChunkPlanningException e)
        {
            return e.Message;
        }
    }

    /// <summary>A JSON record the engine stored for a run (its plan, its chunks' records), read back.</summary>
    /// <exception cref="InvalidOperationException">It is not readable as one.</exception>
    internal static T ParseRecord<T>(string text, string name, string runId)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"run {runId}: {StorageLayout.RunsContainer}/{name} is not readable: {e.Message}", e);
        }
    }
}
