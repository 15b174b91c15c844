using Microsoft.DurableTask;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>Input of a batch: the run, its request and plan (without chunk specs), which batch, and how many of its chunks may run at once.</summary>
public sealed record ChunkBatchInput(string RunId, RunRequest Request, PlannedRun Plan, int Batch, int Parallel)
{
    public int First => Batch * Plan.BatchSize;

    public int Count => Math.Min(Plan.BatchSize, Plan.ToRun - First);
}

/// <summary>How many chunks make a batch (<see cref="ChunkBatchOrchestrator"/>): a host setting, recorded in each plan.</summary>
public sealed record ChunkBatching(int Size)
{
    /// <summary>
    /// 500: a batch's history then holds at most ~1,000 task events (a few hundred KB), replayed per chunk it completes;
    /// a run of 10,000 chunks is 20 batches, so the run's own history holds 20 sub-orchestration results.
    /// </summary>
    public static ChunkBatching Default { get; } = new(500);

    /// <summary>
    /// A batch replays its whole history at each chunk it completes, so its size bounds that cost; a batch's records
    /// are stored in blobs of <see cref="FanIn.RecordsPerBlob"/> whatever its size.
    /// </summary>
    public const int Largest = 2000;

    public const string Setting = "NBF_CHUNK_BATCH_SIZE";

    /// <summary>NBF_CHUNK_BATCH_SIZE (10 to <see cref="Largest"/>) when set, else <see cref="Default"/>; read by a host once, as it starts.</summary>
    /// <exception cref="Runs.HostSettingException">The setting is not a whole number in range.</exception>
    public static ChunkBatching FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(Setting);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) && size is >= 10 and <= Largest) return new(size);
        throw new Runs.HostSettingException($"{Setting} is '{text}'; it must be a whole number of chunks from 10 to {Largest}");
    }
}

/// <summary>
/// One batch of a big run's chunks, as a sub-orchestration of the run: the run's history then grows by one event pair
/// per batch instead of per chunk, and each batch's history stays bounded by the batch size. Without this, every
/// chunk's completion replays a history holding every earlier chunk: quadratic in a run's chunks. The batch reads its
/// chunks from the stored plan and stores its chunks' records as it ends, so the run's history holds neither.
/// </summary>
public sealed class ChunkBatchOrchestrator : TaskOrchestrator<ChunkBatchInput, BatchOutcome>
{
    /// <summary>Batch instance ids sit under the run's, after '@', so listings and resume never take them for runs.</summary>
    public static string InstanceId(string runInstanceId, int batch) => $"{runInstanceId}@batch-{batch}";

    public override async Task<BatchOutcome> RunAsync(TaskOrchestrationContext context, ChunkBatchInput input)
    {
        var chunks = await context.CallActivityAsync<IReadOnlyList<ChunkSpec>>(nameof(ReadPlanSlice), new PlanSliceInput(input.RunId, input.First, input.Count), FanInStore.StorageRetries);
        var outcome = await ChunkFanOut.RunAsync(context, input.RunId, input.Request, input.Plan with { Chunks = chunks }, input.Parallel, captureEnvironment: input.Batch == 0, [], progress => context.SetCustomStatus(progress));
        var fanIn = await FanInStore.StoreAsync(context, input.RunId, input.First, outcome);
        return new BatchOutcome(fanIn.Records, fanIn.Succeeded, fanIn.Failed, fanIn.FirstFailures, fanIn.Retries, fanIn.MemoryWarning);
    }
}
