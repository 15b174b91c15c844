using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>How a run's durable state, progress, manifest and plan become a <see cref="RunView"/>.</summary>
internal static class RunViewBuilder
{
    /// <summary>The run's state in our words: Pending, Running, Completed, CompletedWithFailures, Failed or Cancelled.</summary>
    public static string StatusOf(OrchestrationMetadata state, RunResult? result)
    {
        if (state.RuntimeStatus == OrchestrationRuntimeStatus.Terminated) return "Cancelled";
        if (state.RuntimeStatus == OrchestrationRuntimeStatus.Completed && result is not null) return result.Status.ToString();
        return state.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => "Pending",
            OrchestrationRuntimeStatus.Failed => "Failed",
            OrchestrationRuntimeStatus.Completed => "Completed",
            _ => "Running",
        };
    }

    public static bool IsPipeline(OrchestrationMetadata state) => state.Name == nameof(Pipelines.PipelineOrchestrator);

    public static RunRequest? Input(OrchestrationMetadata state) => IsPipeline(state) ? null : Read(() => state.ReadInputAs<RunRequest>());

    public static Pipelines.PipelineRequest? PipelineInput(OrchestrationMetadata state) => IsPipeline(state) ? Read(() => state.ReadInputAs<Pipelines.PipelineRequest>()) : null;

    public static Pipelines.PipelineResult? PipelineOutput(OrchestrationMetadata state) =>
        IsPipeline(state) && state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Read(() => state.ReadOutputAs<Pipelines.PipelineResult>()) : null;

    /// <summary>A pipeline run: its state, and its step graph (from the result once it ended, else from its progress).</summary>
    public static RunView Pipeline(OrchestrationMetadata state, bool detail)
    {
        var request = PipelineInput(state);
        var result = PipelineOutput(state);
        var status = state.RuntimeStatus == OrchestrationRuntimeStatus.Terminated ? "Cancelled"
            : result is not null ? result.Status.ToString()
            : StatusOf(state, null);
        var steps = result?.Steps ?? Read(() => state.ReadCustomStatusAs<Pipelines.PipelineProgress>())?.Steps
            ?? request?.Steps.Select(s => new Pipelines.StepOutcome { Name = s.Name, Status = s.Reused ? "Reused" : "Pending", Record = s.Record, DependsOn = s.DependsOn, Notebook = s.Request.Notebook }).ToList();
        // A cancelled pipeline's unfinished steps stopped with it (their runs are terminated along).
        if (status == "Cancelled") steps = steps?.Select(s => s.HasEnded ? s : s with { Status = "Cancelled" }).ToList();
        string? error = result?.Error;
        if (result is null && state.RuntimeStatus == OrchestrationRuntimeStatus.Failed) error = state.FailureDetails?.ErrorMessage;
        else if (result is null && state.RuntimeStatus == OrchestrationRuntimeStatus.Terminated) error = Read(() => state.ReadOutputAs<string>()) ?? "cancelled";
        return new RunView
        {
            Id = state.InstanceId,
            Pipeline = request?.Pipeline,
            Version = request?.Version,
            Status = status,
            Created = state.CreatedAt,
            LastUpdated = state.LastUpdatedAt,
            RepairOf = request?.RepairOf,
            Error = detail ? error : null,
            Steps = steps,
            Notifications = detail ? result?.Notifications : null,
            Links = Links(state.InstanceId, detail),
        };
    }

    public static RunResult? Output(OrchestrationMetadata state) =>
        state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Read(() => state.ReadOutputAs<RunResult>()) : null;

    public static RunLinks Links(string id, bool detail) => detail
        ? new RunLinks
        {
            Self = $"/api/runs/{id}",
            Cancel = $"/api/runs/{id}/cancel",
            Repair = $"/api/runs/{id}/repair",
            ChunkNotebook = $"/api/runs/{id}/chunks/{{index}}/notebook",
            ChunkPage = $"/api/runs/{id}/chunks/{{index}}/view",
            Files = $"/api/runs/{id}/files",
            Manifest = $"{StorageLayout.RunsContainer}/{StorageLayout.ManifestBlob(id)}",
            Results = $"{StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(id)}",
        }
        : new RunLinks { Self = $"/api/runs/{id}" };

    /// <summary>The summary shown in lists, from the run's request and result already read (each read is a deserialization).</summary>
    public static RunView Summary(OrchestrationMetadata state, RunRequest? request, RunResult? result) => new()
    {
        Id = state.InstanceId,
        Notebook = request?.Notebook,
        Version = request?.Version,
        Status = StatusOf(state, result),
        Created = state.CreatedAt,
        LastUpdated = state.LastUpdatedAt,
        Progress = Read(() => state.ReadCustomStatusAs<RunProgress>()),
        RepairOf = request?.RepairOf,
        Links = Links(state.InstanceId, detail: false),
    };

    /// <summary>The full view: the summary, the outcome, and every chunk (from the manifest, else from the plan).</summary>
    public static RunView Detail(OrchestrationMetadata state, JsonObject? manifest, ChunkPlan? plan, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> storedBlobs)
    {
        var result = Output(state);
        var id = state.InstanceId;
        string? error = result?.Error;
        if (result is null && state.RuntimeStatus == OrchestrationRuntimeStatus.Failed) error = state.FailureDetails?.ErrorMessage;
        else if (result is null && state.RuntimeStatus == OrchestrationRuntimeStatus.Terminated) error = Read(() => state.ReadOutputAs<string>()) ?? "cancelled";

        var summary = Summary(state, Input(state), result);
        return summary with
        {
            Result = result,
            Error = error,
            Notifications = result?.Notifications,
            Chunks = manifest?["chunks"] is JsonArray chunks ? FromManifest(id, chunks) : plan is null ? null : InFlight(id, plan, storedBlobs, summary.Progress),
            EnvironmentChanged = manifest?["environment_changed"] is JsonObject drift ? EnvironmentDrift.Note(drift) : null,
            Links = Links(id, detail: true) with { ReducePage = result?.Reduce is null ? null : $"/api/runs/{id}/reduce/view" },
        };
    }

    private static List<ChunkView> FromManifest(string id, JsonArray chunks) => chunks.OfType<JsonObject>().Select(c =>
    {
        var index = c["index"]!.GetValue<int>();
        var run = c["run"]?.GetValue<string>();
        return new ChunkView
        {
            Index = index,
            Run = run,
            Status = c["status"]?.GetValue<string>() ?? "unknown",
            Attempts = c["attempts"]?.GetValue<int>(),
            StartedAt = c["started_at"]?.GetValue<string>() is { } started ? DateTimeOffset.Parse(started, System.Globalization.CultureInfo.InvariantCulture) : null,
            DurationSeconds = c["duration_seconds"]?.GetValue<double>(),
            Files = c["files"]?.AsArray().Select(f => f!.GetValue<string>()).ToList(),
            Error = c["error"] is JsonObject e ? e.Deserialize<ChunkError>() : null,
            Notebook = $"/api/runs/{run ?? id}/chunks/{index}/notebook",
        };
    }).ToList();

    /// <summary>
    /// Each chunk of a run that goes on: succeeded or failed (with cell and exception) once an attempt stored its
    /// notebook, running from the moment an attempt starts (a retry too), waiting before that. A chunk whose activity
    /// itself failed stored no notebook: the run's progress names it among its failures.
    /// </summary>
    private static List<ChunkView> InFlight(string id, ChunkPlan plan, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> stored, RunProgress? progress)
    {
        var failures = (progress?.Failures ?? []).GroupBy(f => f.Index).ToDictionary(g => g.Key, g => g.Last());
        return plan.Chunks.Select(c =>
        {
            var notebook = stored.GetValueOrDefault(StorageLayout.ChunkNotebookBlob(id, c.Index));
            var started = stored.GetValueOrDefault(StorageLayout.ChunkStartedBlob(id, c.Index)) is { } marker ? ChunkOutcomeMetadata.AttemptOf(marker) : null;
            var outcome = notebook is null ? null : ChunkOutcomeMetadata.Read(notebook);
            var (status, attempts, error) =
                failures.TryGetValue(c.Index, out var failure) ? ("failed", failure.Attempts, failure.Error)
                : outcome is not null && (started is null || outcome.Attempt >= started) ? (outcome.Succeeded ? "succeeded" : "failed", outcome.Attempt, outcome.Error)
                : started is not null ? ("running", started, null)
                // A notebook stored before outcomes were recorded (a run that went on across an upgrade).
                : notebook is not null ? ("executed", (int?)null, (ChunkError?)null)
                : ("waiting", null, null);
            return new ChunkView
            {
                Index = c.Index,
                Status = status,
                Attempts = attempts,
                Error = error,
                Blob = $"{c.Container}/{c.Blob}",
                Offset = c.Offset,
                Length = c.Length,
                Notebook = $"/api/runs/{id}/chunks/{c.Index}/notebook",
            };
        }).ToList();
    }

    private static T? Read<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }
}
