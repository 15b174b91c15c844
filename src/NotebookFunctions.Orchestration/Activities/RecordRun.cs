using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>Writes the manifest of a run that had a reduce, after it: the manifest is the last thing a run stores.</summary>
public sealed class RecordRun(BlobServiceClient blobs, ILogger<RecordRun> logger) : TaskActivity<RecordRunInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, RecordRunInput input)
    {
        var chunks = await EndedRuns.LoadAsync(blobs, input.Merge);
        var manifest = await RunManifest.WriteAsync(blobs, input.Merge, chunks, input.MergedFiles, input.Reduce);
        logger.LogInformation("Run {RunId} of {Notebook} ended {Status}; {Reduce}", input.Merge.RunId, input.Merge.Request.Notebook, input.Merge.Status, input.Reduce?.ToString() ?? "no reduce");
        return manifest;
    }
}
