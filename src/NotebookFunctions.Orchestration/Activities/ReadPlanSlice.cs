using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// A batch's chunks, read from the run's stored plan: the batch's history holds its own slice, and the run's history
/// holds none (see <see cref="PlannedRun"/>).
/// </summary>
public sealed class ReadPlanSlice(BlobServiceClient blobs) : TaskActivity<PlanSliceInput, IReadOnlyList<ChunkSpec>>
{
    public override async Task<IReadOnlyList<ChunkSpec>> RunAsync(TaskActivityContext context, PlanSliceInput input)
    {
        var plan = await EndedRuns.LoadPlanAsync(blobs, input.RunId);
        if (input.First < 0 || input.Count < 0 || input.First + input.Count > plan.Chunks.Count)
            throw new InvalidOperationException($"run {input.RunId}'s stored plan has {plan.Chunks.Count} chunks to run; chunks {input.First} to {input.First + input.Count - 1} were asked for");
        return [.. plan.Chunks.Skip(input.First).Take(input.Count)];
    }
}
