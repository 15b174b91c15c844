using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>The run's audit record: request (never secret values), notebook version and its source, environment, inputs, chunks, timings.</summary>
public static class RunManifest
{
    /// <param name="input">The run as it ended.</param>
    /// <param name="mergedFiles">The files merged under results/.</param>
    /// <param name="source">Where the notebook version came from; null (kept as null) when it was published without one.</param>
    public static JsonObject Build(MergeInput input, IReadOnlyList<string> mergedFiles, NotebookSource? source)
    {
        var request = input.Request;
        var environment = input.Results.FirstOrDefault(r => r.Environment is not null)?.Environment;
        var inputs = input.Chunks.GroupBy(c => (c.Container, c.Blob, c.ETag)).Select(g => (JsonNode)new JsonObject
        {
            ["container"] = g.Key.Container,
            ["blob"] = g.Key.Blob,
            ["etag"] = g.Key.ETag,
        }).ToArray();
        var chunks = input.Results.OrderBy(r => r.Index).Select(r => (JsonNode)new JsonObject
        {
            ["index"] = r.Index,
            ["status"] = r.Succeeded ? "succeeded" : "failed",
            ["attempts"] = r.Attempts,
            ["started_at"] = r.StartedAt == default ? null : r.StartedAt.ToString("O"),
            ["duration_seconds"] = r.DurationSeconds,
            ["notebook"] = r.NotebookBlob,
            ["files"] = new JsonArray(r.Files.Select(f => (JsonNode?)f).ToArray()),
            ["error"] = r.Error is null ? null : JsonSerializer.SerializeToNode(r.Error),
        }).ToArray();
        return new JsonObject
        {
            ["run_id"] = input.RunId,
            ["status"] = input.Status.ToString(),
            ["error"] = input.PlanError,
            ["started_at"] = input.StartedAt.ToString("O"),
            ["notebook"] = new JsonObject
            {
                ["name"] = request.Notebook,
                ["sha256"] = request.Version,
                ["source"] = source is null ? null : new JsonObject { ["commit"] = source.Commit, ["path"] = source.Path, ["dirty"] = source.Dirty },
            },
            ["request"] = new JsonObject
            {
                ["parameters"] = request.Parameters.DeepClone(),
                ["input"] = JsonSerializer.SerializeToNode(request.Input),
                ["max_parallel_chunks"] = request.MaxParallelChunks,
                ["retry"] = JsonSerializer.SerializeToNode(request.Retry),
                ["on_chunk_failure"] = request.OnChunkFailure.ToString(),
                ["cell_timeout_seconds"] = request.CellTimeoutSeconds,
                ["chunk_timeout_seconds"] = request.ChunkTimeoutSeconds,
                ["kernel"] = request.Kernel,
                ["secrets"] = new JsonArray(request.Secrets.Select(s => (JsonNode?)s).ToArray()),
            },
            ["environment"] = environment?.DeepClone(),
            ["inputs"] = new JsonArray(inputs),
            ["chunks"] = new JsonArray(chunks),
            ["results"] = new JsonArray(mergedFiles.Select(f => (JsonNode?)f).ToArray()),
        };
    }
}
