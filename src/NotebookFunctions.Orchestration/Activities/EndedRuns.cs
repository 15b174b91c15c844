using System.Text.Json;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// Every chunk record of a run that ended: its stored plan (null when planning failed), with a repair's kept chunks,
/// and the records of the chunks it ran, in chunk order. What the merge, the manifest and the reduce work from.
/// </summary>
public sealed record ChunkRecords(ChunkPlan? Plan, IReadOnlyList<ChunkResult> Results)
{
    /// <summary>The chunks this run ran (a repair's: the ones it ran again).</summary>
    public IReadOnlyList<ChunkSpec> Chunks => Plan?.Chunks ?? [];

    /// <summary>A repair's chunks kept from its original run (see <see cref="ChunkPlan.Reused"/>).</summary>
    public IReadOnlyList<ChunkResult> Reused => Plan?.Reused ?? [];

    /// <summary>Every succeeded chunk of the whole run (reused and run now), in chunk order.</summary>
    public IEnumerable<ChunkResult> Succeeded => Reused.Concat(Results.Where(r => r.Succeeded)).OrderBy(r => r.Index);

    /// <summary>The chunks of this run that failed, in chunk order.</summary>
    public IEnumerable<ChunkResult> Failed => Results.Where(r => !r.Succeeded);

    /// <summary>The kernel environment the run recorded (its first chunk captures it).</summary>
    public System.Text.Json.Nodes.JsonObject? Environment => Results.FirstOrDefault(r => r.Environment is not null)?.Environment;
}

/// <summary>Reads an ended run's plan and chunk records back from where the run left them, and stores a batch's.</summary>
public static class EndedRuns
{
    /// <exception cref="InvalidOperationException">The plan or a batch's records are missing or unreadable: the run's storage lost what it wrote.</exception>
    public static async Task<ChunkRecords> LoadAsync(BlobServiceClient blobs, string runId, IReadOnlyList<string> records, bool planned, CancellationToken cancellationToken = default)
    {
        var plan = planned ? await LoadPlanAsync(blobs, runId, cancellationToken) : null;
        return new ChunkRecords(plan, await LoadResultsAsync(blobs, runId, records, cancellationToken));
    }

    /// <summary>The records of the run <paramref name="input"/> ended (a run whose planning failed has none).</summary>
    public static Task<ChunkRecords> LoadAsync(BlobServiceClient blobs, MergeInput input, CancellationToken cancellationToken = default) =>
        LoadAsync(blobs, input.RunId, input.Records, planned: input.PlanError is null, cancellationToken);

    /// <summary>The run's stored plan (runs/{id}/plan.json), as PlanChunks wrote it.</summary>
    /// <exception cref="InvalidOperationException">It is missing or unreadable.</exception>
    public static async Task<ChunkPlan> LoadPlanAsync(BlobServiceClient blobs, string runId, CancellationToken cancellationToken = default) =>
        await Runs.StoredPlans.TryLoadAsync(blobs, runId, cancellationToken)
            ?? throw new InvalidOperationException($"run {runId} has no stored plan ({StorageLayout.RunsContainer}/{StorageLayout.PlanBlob(runId)}), which it wrote as it was planned");

    /// <summary>Every chunk record of this run, from the blobs its fan-out stored, in chunk order.</summary>
    /// <exception cref="InvalidOperationException">A blob is missing or unreadable.</exception>
    public static async Task<IReadOnlyList<ChunkResult>> LoadResultsAsync(BlobServiceClient blobs, string runId, IReadOnlyList<string> records, CancellationToken cancellationToken = default)
    {
        var store = new RunStore(blobs);
        var all = new List<ChunkResult>();
        foreach (var name in records)
        {
            var text = await store.DownloadTextAsync(name, cancellationToken)
                ?? throw new InvalidOperationException($"run {runId} is missing chunk records it stored ({StorageLayout.RunsContainer}/{name})");
            all.AddRange(Runs.StoredPlans.ParseRecord<List<ChunkResult>>(text, name, runId));
        }

        return [.. all.OrderBy(r => r.Index)];
    }

    /// <summary>Stores finished chunks' records (runs/{id}/records/{first}.json) and returns the blob's name.</summary>
    public static async Task<string> StoreAsync(BlobServiceClient blobs, ChunkRecordsInput input, CancellationToken cancellationToken = default)
    {
        // The same chunks always store the same records (they come from the orchestration's history), so a retried
        // or repeated activity writes the same bytes again: overwriting is safe.
        var name = StorageLayout.ChunkRecordsBlob(input.RunId, input.First);
        await new RunStore(blobs).UploadTextAsync(name, JsonSerializer.Serialize(input.Results), cancellationToken);
        return name;
    }
}
