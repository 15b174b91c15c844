using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>
/// The end of a fan-out, in the orchestration that ran it (a run of one batch or less, or a batch): its chunks' records
/// stored in blobs of <see cref="FanIn.RecordsPerBlob"/>, and what the run's orchestration keeps of it.
/// </summary>
internal static class FanInStore
{
    /// <summary>Storage can blink; a fan-out whose chunks all ran should not fail for one refused read or write.</summary>
    public static readonly TaskOptions StorageRetries = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <summary>Stores <paramref name="outcome"/>'s records (the position in the run's plan of its first chunk is <paramref name="first"/>: 0, or a batch's first) and sums it up.</summary>
    public static async Task<FanIn> StoreAsync(TaskOrchestrationContext context, string runId, int first, FanOutOutcome outcome)
    {
        var finished = new List<(int Position, ChunkResult Result)>();
        for (var i = 0; i < outcome.Results.Count; i++)
            if (outcome.Results[i] is { } result) finished.Add((first + i, result));
        var stores = finished.Chunk(FanIn.RecordsPerBlob)
            .Select(group => context.CallActivityAsync<string>(nameof(StoreChunkRecords), new ChunkRecordsInput(runId, group[0].Position, group.Select(g => g.Result).ToList()), StorageRetries))
            .ToList();
        var records = await Task.WhenAll(stores);
        var failed = finished.Select(f => f.Result).Where(r => !r.Succeeded).ToList();
        return new FanIn(records, finished.Count - failed.Count, failed.Count, failed.Take(FanIn.FailuresKept).ToList(), outcome.Retries, outcome.MemoryWarning);
    }
}
