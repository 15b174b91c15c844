using Azure;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// The plan of a repair: the chosen chunks of a finished run's own plan, byte for byte, provided the input blobs are
/// unchanged since (a changed blob would make the repaired chunks disagree with the ones that succeeded), and the
/// chunks that succeeded, kept as they are. No chunks at all is a repair of the reduce alone.
/// </summary>
public static class RepairPlans
{
    public static async Task<ChunkPlan> PlanAsync(BlobServiceClient blobs, string originalRunId, IReadOnlyList<int> indices)
    {
        var original = await PlanOfAsync(blobs, originalRunId);
        var byIndex = original.Chunks.ToDictionary(c => c.Index);
        var chosen = new List<ChunkSpec>();
        foreach (var index in indices.Distinct().Order())
        {
            if (!byIndex.TryGetValue(index, out var chunk))
                throw new ChunkPlanningException($"run {originalRunId} has no chunk {index} (it has chunks 0 to {original.ChunkCount - 1})");
            chosen.Add(chunk);
        }

        // A local input read in place: each file the chosen chunks read must be the one planned (its size and time).
        LocalInputs.Unchanged(chosen);

        foreach (var blob in chosen.Where(c => c.LocalRoot is null).SelectMany(c => c.Sources.Select(s => (c.Container, s.Blob, s.ETag))).Distinct())
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

        return new ChunkPlan(chosen) { TotalChunks = original.ChunkCount, Reused = await KeptChunksAsync(blobs, originalRunId, indices) };
    }

    /// <summary>The chunks of a finished run's plan that did not succeed (failed, or never started by a fail-fast run), in order.</summary>
    public static async Task<List<int>> UnfinishedChunksAsync(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default)
    {
        var store = new RunStore(blobs);
        var plan = await PlanOfAsync(blobs, runId, cancellationToken);
        var succeeded = new HashSet<int>();
        if (await store.DownloadTextAsync(StorageLayout.ManifestBlob(runId), cancellationToken) is { } manifest)
        {
            foreach (var chunk in System.Text.Json.Nodes.JsonNode.Parse(manifest)?["chunks"]?.AsArray() ?? [])
                if (chunk?["status"]?.GetValue<string>() == "succeeded") succeeded.Add(chunk["index"]!.GetValue<int>());
        }

        return plan.Chunks.Select(c => c.Index).Concat(plan.Reused.Select(c => c.Index)).Where(i => !succeeded.Contains(i)).Distinct().Order().ToList();
    }

    private static async Task<ChunkPlan> PlanOfAsync(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default) =>
        await Runs.StoredPlans.TryLoadAsync(blobs, runId, cancellationToken)
            ?? throw new ChunkPlanningException($"run {runId} has no stored plan ({StorageLayout.RunsContainer}/{StorageLayout.PlanBlob(runId)}); only runs that were planned can be repaired");

    /// <summary>
    /// The original run's succeeded chunks that the repair does not run again, as its manifest records them, each
    /// naming the run that stored its files (for a repair of a repair, often an earlier run still).
    /// </summary>
    private static async Task<List<ChunkResult>> KeptChunksAsync(BlobServiceClient blobs, string originalRunId, IReadOnlyList<int> rerun)
    {
        var text = await new RunStore(blobs).DownloadTextAsync(StorageLayout.ManifestBlob(originalRunId))
            ?? throw new ChunkPlanningException($"run {originalRunId} has no manifest ({StorageLayout.RunsContainer}/{StorageLayout.ManifestBlob(originalRunId)}); only a finished run can be repaired");
        var kept = new List<ChunkResult>();
        foreach (var chunk in System.Text.Json.Nodes.JsonNode.Parse(text)?["chunks"]?.AsArray() ?? [])
        {
            if (chunk?["status"]?.GetValue<string>() != "succeeded") continue;
            var index = chunk["index"]!.GetValue<int>();
            if (rerun.Contains(index)) continue;
            kept.Add(new ChunkResult
            {
                Index = index,
                Succeeded = true,
                Attempts = chunk["attempts"]?.GetValue<int>() ?? 1,
                Files = chunk["files"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [],
                NotebookBlob = chunk["notebook"]?.GetValue<string>(),
                StartedAt = chunk["started_at"]?.GetValue<string>() is { } at ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) : default,
                DurationSeconds = chunk["duration_seconds"]?.GetValue<double>() ?? 0,
                Run = chunk["run"]?.GetValue<string>() ?? originalRunId,
            });
        }

        return kept;
    }
}
