using System.Text.Json.Nodes;
using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Orchestration.Models;

/// <summary>What to do when a chunk has failed all its attempts.</summary>
public enum FailurePolicy
{
    /// <summary>Schedule no new chunks; the run ends Failed once the chunks in flight are done.</summary>
    FailFast,

    /// <summary>Run every chunk; the run ends CompletedWithFailures, merging what succeeded.</summary>
    Continue,
}

/// <summary>How often a failing chunk is tried, and how long to wait between tries (doubling).</summary>
public sealed record ChunkRetryPolicy(int MaxAttempts = 2, double FirstDelaySeconds = 5, double BackoffCoefficient = 2)
{
    public TimeSpan DelayBefore(int attempt) => TimeSpan.FromSeconds(FirstDelaySeconds * Math.Pow(BackoffCoefficient, attempt - 2));
}

/// <summary>
/// A run of a published notebook over blob data. Travels through orchestration history, which is stored in plain
/// tables: it names secrets, and never holds their values.
/// </summary>
public sealed record RunRequest
{
    public required string Notebook { get; init; }

    /// <summary>The published version (SHA-256 of the notebook's bytes).</summary>
    public required string Version { get; init; }

    public JsonObject Parameters { get; init; } = new();

    public required InputSpec Input { get; init; }

    public int MaxParallelChunks { get; init; } = 4;

    public ChunkRetryPolicy Retry { get; init; } = new();

    public FailurePolicy OnChunkFailure { get; init; } = FailurePolicy.FailFast;

    public double? CellTimeoutSeconds { get; init; }

    /// <summary>Longest one chunk's notebook may run.</summary>
    public double? ChunkTimeoutSeconds { get; init; }

    /// <summary>Kernelspec; the notebook's own when null.</summary>
    public string? Kernel { get; init; }

    /// <summary>
    /// Each kernel's memory limit in MB (chunks and reduce), resolved when the run is accepted (the request's, else the
    /// notebook's metadata, else the host default); no limit when null.
    /// </summary>
    public int? MemoryLimitMB { get; init; }

    /// <summary>Names of secrets the kernel gets as environment variables (values are resolved in the activity).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The notebook that turns the merged chunk results into the run's final answer; none when null.</summary>
    public ReduceRequest? Reduce { get; init; }

    /// <summary>Where the run's record lives (runs/{Record}/): a pipeline step's is {pipeline run}/steps/{step}; the instance id when null.</summary>
    public string? Record { get; init; }

    /// <summary>The pipeline run this run is a step of: its kernels stop when that run is cancelled.</summary>
    public string? PipelineRunId { get; init; }

    /// <summary>Set on a repair: the finished run whose chunks this run re-runs (its plan and input are reused).</summary>
    public string? RepairOf { get; init; }

    /// <summary>With <see cref="RepairOf"/>: the indices of the original run's chunks to run again.</summary>
    public IReadOnlyList<int>? OnlyChunks { get; init; }

    /// <summary>Who is told when the run ends, on which states (checked by NotificationRules); secret names only.</summary>
    public IReadOnlyList<Notifications.Notification> Notify { get; init; } = [];
}

/// <summary>The reduce step of a run: a published notebook version run once, on a fresh kernel, over the merged results.</summary>
public sealed record ReduceRequest
{
    public required string Notebook { get; init; }

    /// <summary>The published version (SHA-256 of the notebook's bytes); empty until the validator resolves the latest.</summary>
    public required string Version { get; init; }

    public JsonObject Parameters { get; init; } = new();
}
