using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// One run as every door shows it: the API serializes it, nbf renders it (from the service locally, or from the API's
/// JSON remotely), so both say the same thing. Detail members (result, error, chunks) are set by a get, not a list.
/// </summary>
public sealed record RunView
{
    public required string Id { get; init; }

    public string? Notebook { get; init; }

    public string? Version { get; init; }

    /// <summary>Pending, Running, Completed, CompletedWithFailures, Failed, Cancelled (or Cancelling, right after a cancel).</summary>
    public required string Status { get; init; }

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset LastUpdated { get; init; }

    public RunProgress? Progress { get; init; }

    public string? RepairOf { get; init; }

    public RunResult? Result { get; init; }

    public string? Error { get; init; }

    public IReadOnlyList<ChunkView>? Chunks { get; init; }

    /// <summary>"environment changed since run X ...": set when this run's kernel environment differs from its notebook's last successful run's.</summary>
    public string? EnvironmentChanged { get; init; }

    /// <summary>A pipeline run's pipeline name (then <see cref="Version"/> is the pipeline's, and <see cref="Steps"/> its graph).</summary>
    public string? Pipeline { get; init; }

    /// <summary>A pipeline run's steps, each after the steps it depends on, with its state and dependencies.</summary>
    public IReadOnlyList<Pipelines.StepOutcome>? Steps { get; init; }

    /// <summary>How the run's notifications were delivered once it ended (none while it runs or when it names none).</summary>
    public IReadOnlyList<Notifications.NotificationOutcome>? Notifications { get; init; }

    public required RunLinks Links { get; init; }

    /// <summary>True once the run can change no more.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasEnded => Status is not ("Pending" or "Running" or "Cancelling");
}

/// <summary>One chunk of a run: from the manifest once the run ended, from the stored plan while it runs.</summary>
public sealed record ChunkView
{
    public required int Index { get; init; }

    /// <summary>The run whose record holds this chunk, when not this one: a repair keeps its original's succeeded chunks.</summary>
    public string? Run { get; init; }

    /// <summary>succeeded or failed (from the manifest once the run ended; from each attempt's record while it goes on), running, or waiting.</summary>
    public required string Status { get; init; }

    public int? Attempts { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public double? DurationSeconds { get; init; }

    public IReadOnlyList<string>? Files { get; init; }

    public ChunkError? Error { get; init; }

    /// <summary>The input range (container/blob, offset, length) while the run goes on.</summary>
    public string? Blob { get; init; }

    public long? Offset { get; init; }

    public long? Length { get; init; }

    /// <summary>Where the executed notebook of this chunk is served.</summary>
    public string? Notebook { get; init; }
}

/// <summary>Where to go next from a run.</summary>
public sealed record RunLinks
{
    public required string Self { get; init; }

    public string? Cancel { get; init; }

    public string? Repair { get; init; }

    public string? ChunkNotebook { get; init; }

    /// <summary>A chunk's executed notebook as a page (replace {index}).</summary>
    public string? ChunkPage { get; init; }

    /// <summary>The reduce's executed notebook as a page, when the run reduced.</summary>
    public string? ReducePage { get; init; }

    public string? Files { get; init; }

    public string? Manifest { get; init; }

    public string? Results { get; init; }
}

/// <summary>One page of a run listing; pass the continuation token back for the next.</summary>
public sealed record RunPage(IReadOnlyList<RunView> Runs, string? ContinuationToken);

/// <summary>Which runs to list.</summary>
public sealed record RunQuery
{
    public string? Notebook { get; init; }

    /// <summary>Only runs of this pipeline.</summary>
    public string? Pipeline { get; init; }

    public string? Status { get; init; }

    public int Top { get; init; } = 50;

    public string? ContinuationToken { get; init; }
}

/// <summary>A run that was asked for: its id, and whether this call started it or found it started.</summary>
public sealed record StartedRun
{
    public required string Id { get; init; }

    public required bool Started { get; init; }

    public string? Notebook { get; init; }

    public string? Version { get; init; }

    public string? RepairOf { get; init; }

    /// <summary>A pipeline run's pipeline name (its <see cref="Version"/> is the pipeline's).</summary>
    public string? Pipeline { get; init; }

    /// <summary>With a repair: the original run's chunks run again.</summary>
    public IReadOnlyList<int>? Chunks { get; init; }

    public required RunLinks Links { get; init; }
}

/// <summary>A file a run stored that a caller may download: merged results, the manifest, executed chunk notebooks.</summary>
public sealed record RunFile(string Path, long Size);
