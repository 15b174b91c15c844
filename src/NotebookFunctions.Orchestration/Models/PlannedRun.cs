using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Orchestration.Models;

/// <summary>
/// What a run's orchestration keeps of its plan (PlanChunks' output, in its history): counts and settings, and the
/// chunk specs only when the run fits in one batch. The whole plan is stored (runs/{id}/plan.json); a big run's batches
/// read their slices from it, and the merge and the reduce read a repair's kept chunks from it. So the run's history
/// does not grow with its chunks, which it must not: the Durable Task gRPC worker fails an orchestrator step whose
/// single action is over 3.9 MB, and a merge input holding 10,000 chunks' records was.
/// </summary>
public sealed record PlannedRun
{
    /// <summary>Chunks this run executes (a repair's: the ones it runs again).</summary>
    public required int ToRun { get; init; }

    /// <summary>Chunks of the whole input (chunk_count).</summary>
    public required int ChunkCount { get; init; }

    /// <summary>A repair's chunks kept from its original run, merged and reduced with the ones it runs again.</summary>
    public int Kept { get; init; }

    /// <summary>Chunks per batch (<see cref="ChunkBatching"/>); a run of more runs in batches of this many.</summary>
    public required int BatchSize { get; init; }

    /// <summary>
    /// The chunks to run: the whole list for a run of one batch or less; empty for a batched run in the run's history
    /// (each batch holds its own slice).
    /// </summary>
    public IReadOnlyList<ChunkSpec> Chunks { get; init; } = [];

    /// <summary>The run span's W3C id: chunks and the merge are its children, wherever they run.</summary>
    public string? TraceParent { get; init; }

    /// <summary>How many chunks may run at once when the host's memory allows fewer than the run asked for; null when it allows them all.</summary>
    public int? KernelsAtOnce { get; init; }

    /// <summary>What the planner warns the run's users of (shown in status, the CLI and the manifest).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The plan's largest chunk in bytes (what the memory advice judges a chunk's peak against).</summary>
    public long LargestChunkBytes { get; init; }

    /// <summary>Chunks of the whole run, kept ones included: what its status counts.</summary>
    public int Whole => ToRun + Kept;

    public bool Batched => ToRun > BatchSize;

    /// <summary>What of <paramref name="plan"/> the run's history keeps.</summary>
    public static PlannedRun Of(ChunkPlan plan, int batchSize, string? traceParent) => new()
    {
        ToRun = plan.Chunks.Count,
        ChunkCount = plan.ChunkCount,
        Kept = plan.Reused.Count,
        BatchSize = batchSize,
        Chunks = plan.Chunks.Count > batchSize ? [] : plan.Chunks,
        TraceParent = traceParent,
        KernelsAtOnce = plan.KernelsAtOnce,
        Warnings = plan.Warnings,
        LargestChunkBytes = plan.Chunks.Count == 0 ? 0 : plan.Chunks.Max(ChunkSizeAdvice.BytesOf),
    };
}

/// <summary>
/// A finished fan-out as the run's orchestration sees it: the counts, the first failures (with where and why), the
/// memory warning, and the blobs that hold every chunk's record (runs/{id}/records/{n}.json, stored as the fan-out
/// ended, at most <see cref="RecordsPerBlob"/> each). The records themselves are read by the activities that need them
/// all (<see cref="Activities.EndedRuns"/>), never carried through the run's history.
/// </summary>
public sealed record FanIn(IReadOnlyList<string> Records, int Succeeded, int Failed, IReadOnlyList<ChunkResult> FirstFailures, int Retries, string? MemoryWarning)
{
    /// <summary>How many failed chunks a fan-in, a run's result and a batch's outcome keep with their records (the manifest has them all).</summary>
    public const int FailuresKept = RunProgress.MaxFailuresShown;

    /// <summary>
    /// Records stored per blob, each group one activity input: a record is ~0.5 KB, but an error value of 2,000
    /// characters escaped in JSON can be ~12 KB, and a step of the orchestration may not exceed 3.9 MB.
    /// </summary>
    public const int RecordsPerBlob = 100;

    /// <summary>Why the fan-out could not finish (a batch's orchestration failed: storage gone, its plan unreadable), null when it did.</summary>
    public string? Error { get; init; }

    public int Finished => Succeeded + Failed;
}

/// <summary>What a batch returns to its run: its counts and first failures, and the blobs that hold all its chunks' records.</summary>
public sealed record BatchOutcome(IReadOnlyList<string> Records, int Succeeded, int Failed, IReadOnlyList<ChunkResult> FirstFailures, int Retries, string? MemoryWarning);

/// <summary>Input of <see cref="Activities.ReadPlanSlice"/>: the chunks [First, First + Count) of the run's stored plan.</summary>
public sealed record PlanSliceInput(string RunId, int First, int Count);

/// <summary>Input of <see cref="Activities.StoreChunkRecords"/>: finished chunks' records, the first at position <paramref name="First"/> of the run's plan.</summary>
public sealed record ChunkRecordsInput(string RunId, int First, IReadOnlyList<ChunkResult> Results);
