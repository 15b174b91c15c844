using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>Stores finished chunks' records for the merge, the manifest and the reduce; returns the blob's name.</summary>
public sealed class StoreChunkRecords(BlobServiceClient blobs) : TaskActivity<ChunkRecordsInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, ChunkRecordsInput input) => EndedRuns.StoreAsync(blobs, input);
}
