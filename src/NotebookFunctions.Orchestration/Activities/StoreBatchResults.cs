using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>Stores a batch's chunk records as it ends, for the merge, the manifest and the reduce; returns the blob's name.</summary>
public sealed class StoreBatchResults(BlobServiceClient blobs) : TaskActivity<BatchResultsInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, BatchResultsInput input) => EndedRuns.StoreBatchAsync(blobs, input);
}
