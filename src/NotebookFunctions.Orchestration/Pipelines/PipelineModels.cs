using System.Text.Json.Nodes;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// A pipeline run as the orchestrator gets it: every step already resolved to a checked run request (versions pinned,
/// parameter references replaced, inputs pointing at blobs or at the records of the steps they read). Names secrets,
/// never their values.
/// </summary>
public sealed record PipelineRequest
{
    public required string Pipeline { get; init; }

    /// <summary>The published pipeline version (SHA-256 of its definition).</summary>
    public required string Version { get; init; }

    /// <summary>The pipeline parameters' values, defaults filled in.</summary>
    public JsonObject Parameters { get; init; } = new();

    /// <summary>Each step after the steps it depends on.</summary>
    public required IReadOnlyList<StepRun> Steps { get; init; }

    /// <summary>Set on a repair: the finished pipeline run whose succeeded steps this one reuses.</summary>
    public string? RepairOf { get; init; }

    /// <summary>Who is told when the pipeline run ends (checked by NotificationRules); secret names only.</summary>
    public IReadOnlyList<Notifications.Notification> Notify { get; init; } = [];
}

/// <summary>One step of a pipeline run.</summary>
public sealed record StepRun
{
    public required string Name { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public RunIf RunIf { get; init; } = RunIf.AllSucceeded;

    /// <summary>The run the step makes: a fan-out (with its reduce), or one kernel over a whole input.</summary>
    public required RunRequest Request { get; init; }

    /// <summary>Where the step's record is (runs/{Record}/); a reused step's is in the run it was reused from.</summary>
    public required string Record { get; init; }

    /// <summary>A repair's: the step succeeded in the original run and is not run again.</summary>
    public bool Reused { get; init; }
}

/// <summary>How one step stands: its state, where its record is, its chunks, and why it failed or was skipped.</summary>
public sealed record StepOutcome
{
    public required string Name { get; init; }

    /// <summary>Pending, Running, Completed, CompletedWithFailures, Failed, Skipped, Reused, or Cancelled (with its pipeline run).</summary>
    public required string Status { get; init; }

    public required string Record { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public string? Notebook { get; init; }

    public int? Chunks { get; init; }

    public int? SucceededChunks { get; init; }

    public int? FailedChunks { get; init; }

    public string? Error { get; init; }

    /// <summary>Pipeline time (orchestration clock) when the step started and ended.</summary>
    public DateTime? StartedAt { get; init; }

    public DateTime? EndedAt { get; init; }

    /// <summary>Whether dependants with run_if all_succeeded may go on after it.</summary>
    public bool LetsDependantsRun => Status is "Completed" or "CompletedWithFailures" or "Reused";

    public bool HasEnded => Status is not ("Pending" or "Running");
}

/// <summary>A pipeline's progress, published as its orchestration's custom status.</summary>
public sealed record PipelineProgress(string Pipeline, IReadOnlyList<StepOutcome> Steps);

/// <summary>The pipeline orchestration's output.</summary>
public sealed record PipelineResult(string RunId, RunStatus Status, IReadOnlyList<StepOutcome> Steps, string? Manifest, string? Error)
{
    /// <summary>How the pipeline run's notifications were delivered, after it ended.</summary>
    public IReadOnlyList<Notifications.NotificationOutcome> Notifications { get; init; } = [];
}

/// <summary>Input of the RecordPipeline activity.</summary>
public sealed record RecordPipelineInput(string RunId, PipelineRequest Request, IReadOnlyList<StepOutcome> Steps, RunStatus Status, DateTime StartedAt, string? Error);
