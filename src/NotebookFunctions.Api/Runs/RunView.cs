using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Api.Runs;

/// <summary>How a run looks in the API: durable state, progress, outcome and where its results are.</summary>
public static class RunView
{
    /// <summary>The run's state in our words: Pending, Running, Completed, CompletedWithFailures, Failed or Cancelled.</summary>
    public static string StatusOf(OrchestrationMetadata state) => StatusOf(state, Output(state));

    /// <summary>The same, from a result already read with <see cref="Output"/> (reading it is a deserialization).</summary>
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

    public static RunRequest? Input(OrchestrationMetadata state) => Read<RunRequest>(() => state.ReadInputAs<RunRequest>());

    public static RunResult? Output(OrchestrationMetadata state) =>
        state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? Read<RunResult>(() => state.ReadOutputAs<RunResult>()) : null;

    public static RunProgress? Progress(OrchestrationMetadata state) => Read<RunProgress>(() => state.ReadCustomStatusAs<RunProgress>());

    /// <summary>The summary shown in lists, from the run's request and result already read.</summary>
    public static JsonObject Summary(OrchestrationMetadata state, RunRequest? request, RunResult? result)
    {
        var progress = Progress(state);
        return new JsonObject
        {
            ["id"] = state.InstanceId,
            ["notebook"] = request?.Notebook,
            ["version"] = request?.Version,
            ["status"] = StatusOf(state, result),
            ["created"] = state.CreatedAt,
            ["lastUpdated"] = state.LastUpdatedAt,
            ["progress"] = progress is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(progress, ApiJson.Options),
            ["repairOf"] = request?.RepairOf,
            ["links"] = new JsonObject { ["self"] = $"/api/runs/{state.InstanceId}" },
        };
    }

    /// <summary>The full view: the summary, the outcome, every chunk from the manifest when the run has one.</summary>
    public static JsonObject Detail(OrchestrationMetadata state, JsonObject? manifest)
    {
        var result = Output(state);
        var view = Summary(state, Input(state), result);
        var id = state.InstanceId;
        if (result is not null)
        {
            view["result"] = System.Text.Json.JsonSerializer.SerializeToNode(result, ApiJson.Options);
            view["error"] = result.Error;
        }
        else if (state.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            view["error"] = state.FailureDetails?.ErrorMessage;
        }
        else if (state.RuntimeStatus == OrchestrationRuntimeStatus.Terminated)
        {
            view["error"] = Read<string>(() => state.ReadOutputAs<string>()) ?? "cancelled";
        }

        if (manifest?["chunks"] is JsonArray chunks)
        {
            view["chunks"] = new JsonArray(chunks.OfType<JsonObject>().Select(c =>
            {
                var copy = (JsonObject)c.DeepClone();
                if (c["index"] is JsonValue index) copy["notebook"] = $"/api/runs/{id}/chunks/{index}/notebook";
                return (JsonNode)copy;
            }).ToArray());
        }

        var links = (JsonObject)view["links"]!;
        links["cancel"] = $"/api/runs/{id}/cancel";
        links["repair"] = $"/api/runs/{id}/repair";
        links["chunkNotebook"] = $"/api/runs/{id}/chunks/{{index}}/notebook";
        links["manifest"] = $"{StorageLayout.RunsContainer}/{StorageLayout.ManifestBlob(id)}";
        links["results"] = $"{StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(id)}";
        return view;
    }

    private static T? Read<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }
}
