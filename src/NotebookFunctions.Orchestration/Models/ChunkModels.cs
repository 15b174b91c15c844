using System.Text.Json.Nodes;
using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Orchestration.Models;

/// <summary>
/// Input of the ExecuteChunk activity: only what differs per chunk. The request itself is stored once by PlanChunks
/// (runs/{runId}/request.json), so a run of thousands of chunks keeps a small history.
/// </summary>
public sealed record ExecuteChunkInput(string RunId, ChunkSpec Chunk, int ChunkCount, int Attempt, bool CaptureEnvironment = false, string? TraceParent = null);

/// <summary>Why a chunk failed: the cell and error, or the infrastructure error that stopped it.</summary>
public sealed record ChunkError(string Kind, int? CellIndex, string? CellId, int? ExecutionCount, string EName, string EValue)
{
    /// <summary>
    /// The longest error value a record keeps. An exception's message can be megabytes (a notebook raising with a
    /// whole frame in it); the record travels through orchestration history, status and notifications, so it keeps
    /// the start and says how long the whole was. The executed notebook holds the whole message.
    /// </summary>
    public const int MaxValueLength = 2000;

    public string EValue { get; init => field = Shorten(value); } = Shorten(EValue);

    /// <summary>The value as kept: at most <see cref="MaxValueLength"/> characters, the note included (so shortening twice changes nothing).</summary>
    public static string Shorten(string value)
    {
        if (value.Length <= MaxValueLength) return value;
        var note = $"… ({value.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters in all; the executed notebook has the whole message)";
        var cut = MaxValueLength - note.Length;
        // Never half a surrogate pair.
        if (char.IsHighSurrogate(value[cut - 1])) cut--;
        return value[..cut] + note;
    }

    /// <summary>The kind a kernel that ran into its memory limit fails with (FailureKind.OutOfMemory).</summary>
    public const string OutOfMemory = nameof(Core.Execution.FailureKind.OutOfMemory);

    /// <summary>The kind of a chunk whose local input file changed or went away since planning: no retry can read what was planned.</summary>
    public const string InputChanged = nameof(InputChanged);

    public override string ToString() =>
        Kind == OutOfMemory ? $"out of memory{Where}: {EValue}"
        : Kind == InputChanged ? EValue
        : CellIndex is null ? $"{Kind}: {EName}: {EValue}"
            : $"{Kind}{Where}: {EName}: {EValue}";

    private string Where => Core.Execution.ExecutionFailure.InCell(CellIndex, CellId, ExecutionCount);
}

/// <summary>What one chunk produced; small, because it is kept in orchestration history.</summary>
public sealed record ChunkResult
{
    public required int Index { get; init; }

    public required bool Succeeded { get; init; }

    public int Attempts { get; init; } = 1;

    public ChunkError? Error { get; init; }

    /// <summary>Files the notebook wrote to output_dir, relative to it, sorted.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public string? NotebookBlob { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>The kernel's highest resident memory in MB (VmHWM), when the host could read it.</summary>
    public double? PeakMemoryMB { get; init; }

    /// <summary>The kernel's resident memory in MB before the first cell: what the chunk cost before its data.</summary>
    public double? BaselineMemoryMB { get; init; }

    /// <summary>The worker process that ran this attempt (<see cref="Runs.WorkerName"/>): with several workers on one task hub, which one it was.</summary>
    public string? Worker { get; init; }

    /// <summary>The bytes of input the chunk read (what memory per input byte is measured against).</summary>
    public long? InputBytes { get; init; }

    /// <summary>SHA-256 of the bytes a chunk of a local input read in place (a blob's ETag says the same for blobs).</summary>
    public string? InputSha256 { get; init; }

    /// <summary>Kernel language, version and packages; captured by chunk 0 only.</summary>
    public JsonObject? Environment { get; init; }

    /// <summary>The run that produced this chunk's record, when not this one: a repair reuses its original's succeeded chunks.</summary>
    public string? Run { get; init; }
}

/// <summary>
/// A run's plan as PlanChunks stores it (runs/{id}/plan.json): every chunk to run and a repair's kept chunks. The run's
/// history keeps only a <see cref="PlannedRun"/> of it.
/// </summary>
public sealed record ChunkPlan(IReadOnlyList<ChunkSpec> Chunks)
{
    /// <summary>Chunks of the whole input (chunk_count): more than <see cref="Chunks"/> when a repair re-runs some of them.</summary>
    public int? TotalChunks { get; init; }

    public int ChunkCount => TotalChunks ?? Chunks.Count;

    /// <summary>A repair's: the chunks of the original run that succeeded and are kept as they are (merged and reduced with the repaired ones).</summary>
    public IReadOnlyList<ChunkResult> Reused { get; init; } = [];

    /// <summary>How many chunks may run at once when the host's memory allows fewer than the run asked for; null when it allows them all.</summary>
    public int? KernelsAtOnce { get; init; }

    /// <summary>What the planner warns the run's users of (shown in status, the CLI and the manifest).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Progress, published as the orchestration's custom status.</summary>
public sealed record RunProgress(int Planned, int Running, int Succeeded, int Failed, int Retries)
{
    /// <summary>How many failures the progress keeps: custom status is stored with every history checkpoint.</summary>
    public const int MaxFailuresShown = 20;

    /// <summary>The first chunks that failed all their attempts, with where and why (already redacted), while the run goes on.</summary>
    public IReadOnlyList<ChunkFailure> Failures { get; init; } = [];

    /// <summary>What the run warns of as it goes: fewer kernels at once than asked for, chunks that will not fit the memory limit.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// A big run's batches in flight (their instance ids): their chunks' progress is in their own status, and a
    /// run's view adds it to this one's (<see cref="Runs.BatchProgress"/>).
    /// </summary>
    public IReadOnlyList<string> Batches { get; init; } = [];
}

/// <summary>A chunk that failed, as progress shows it before the manifest exists.</summary>
public sealed record ChunkFailure(int Index, int Attempts, ChunkError? Error);

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    Completed,
    CompletedWithFailures,
    Failed,
}

/// <summary>
/// Input of MergeResults (and, in <see cref="RecordRunInput"/>, of RecordRun): how the run ended and where its chunks'
/// records are; the activity reads the plan and the records (<see cref="Activities.EndedRuns"/>).
/// </summary>
public sealed record MergeInput(string RunId, RunRequest Request, IReadOnlyList<string> Records, RunStatus Status, DateTime StartedAt, string? PlanError, string? TraceParent = null)
{
    /// <summary>Why the fan-out could not finish (a batch that failed), when it could not: the run failed with it.</summary>
    public string? FanOutError { get; init; }

    /// <summary>A reduce follows: the manifest is written after it (by RecordRun), not by the merge.</summary>
    public bool ReduceFollows { get; init; }

    /// <summary>What the run warned of (see <see cref="RunProgress.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>What MergeResults wrote; no manifest yet when a reduce follows.</summary>
public sealed record MergeOutput(IReadOnlyList<string> MergedFiles, int Scraps, string? Manifest);

/// <summary>
/// The orchestration's output. <see cref="FailedChunks"/> holds the first failed chunks by index (at most
/// <see cref="FanIn.FailuresKept"/>; <see cref="Failed"/> counts them all, and the manifest lists them all).
/// </summary>
public sealed record RunResult(
    string RunId,
    RunStatus Status,
    int ChunkCount,
    int Succeeded,
    int Failed,
    IReadOnlyList<ChunkResult> FailedChunks,
    IReadOnlyList<string> MergedFiles,
    string? Manifest,
    string? Error)
{
    /// <summary>The reduce that made the final answer, when the run has one and got that far.</summary>
    public ReduceResult? Reduce { get; init; }

    /// <summary>What the run warned of (see <see cref="RunProgress.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>How the run's notifications were delivered (those whose states include the run's), after it ended.</summary>
    public IReadOnlyList<Notifications.NotificationOutcome> Notifications { get; init; } = [];
}
