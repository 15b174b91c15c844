using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// What a notification tells about a run that ended, gathered by the orchestrator from what it already holds (its
/// history): chunk errors are the redacted ones kept there. Small: failed chunks and steps are capped.
/// </summary>
public sealed record RunNotice
{
    /// <summary>How many failed chunks (or steps) a notification lists; the counts say how many there were.</summary>
    public const int MaxFailuresListed = 20;

    /// <summary>"run" or "pipeline".</summary>
    public required string Kind { get; init; }

    public required string RunId { get; init; }

    /// <summary>The notebook's or the pipeline's name.</summary>
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required RunStatus Status { get; init; }

    public required DateTime StartedAt { get; init; }

    /// <summary>When the run's terminal state was known (orchestration time: the same on every replay).</summary>
    public required DateTime EndedAt { get; init; }

    public string? Error { get; init; }

    public int Chunks { get; init; }

    public int SucceededChunks { get; init; }

    public int FailedChunks { get; init; }

    public IReadOnlyList<NoticeChunk> FailedChunkList { get; init; } = [];

    /// <summary>A pipeline run's steps that did not succeed.</summary>
    public IReadOnlyList<NoticeStep> FailedSteps { get; init; } = [];

    /// <summary>The run's secret names: their values are masked in the body once more before it leaves.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public string? RepairOf { get; init; }
}

/// <summary>A failed chunk as a notification lists it.</summary>
public sealed record NoticeChunk(int Index, int Attempts, ChunkError? Error);

/// <summary>A pipeline step that failed or was skipped.</summary>
public sealed record NoticeStep(string Name, string Status, string? Error);

/// <summary>Input of the DeliverNotification activity: one notification of one ended run, one attempt.</summary>
public sealed record DeliverNotificationInput(Notification Target, int Index, string EventId, RunNotice Notice, int Attempt);

/// <summary>How one attempt went.</summary>
public enum DeliveryState
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Worth another try: a network error, a timeout, 408, 429 or 5xx.</summary>
    Retry,

    /// <summary>No try will do better: another 4xx, a redirect, a refused address, a missing secret.</summary>
    GaveUp,
}

/// <summary>What one DeliverNotification attempt saw: never the secret or the signature.</summary>
public sealed record DeliveryAttempt(DeliveryState State, int? StatusCode, string? Error);

/// <summary>How a notification's delivery ended, as the run's result records it.</summary>
public sealed record NotificationOutcome
{
    public required int Index { get; init; }

    /// <summary>The target's scheme and host only: webhook URLs often carry a token in their path or query.</summary>
    public required string Target { get; init; }

    public required string EventId { get; init; }

    /// <summary>"delivered" or "gave up".</summary>
    public required string Outcome { get; init; }

    public int Attempts { get; init; }

    public int? StatusCode { get; init; }

    public string? LastError { get; init; }
}
