using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration;

/// <summary>The run's audit record: request (never secret values), notebook version and its source, environment, inputs, chunks, timings.</summary>
public static class RunManifest
{
    /// <param name="input">The run as it ended.</param>
    /// <param name="records">Its plan and chunk records.</param>
    /// <param name="mergedFiles">The files merged under results/.</param>
    /// <param name="source">Where the notebook version came from; null (kept as null) when it was published without one.</param>
    /// <param name="reduce">The reduce, when the run has one and got to it.</param>
    /// <param name="reduceScraps">What the reduce glued: the final answer's headline values.</param>
    /// <param name="drift">How the environment differs from the notebook's last successful run's, when it does.</param>
    public static JsonObject Build(MergeInput input, Activities.ChunkRecords records, IReadOnlyList<string> mergedFiles, NotebookSource? source, ReduceResult? reduce = null, JsonObject? reduceScraps = null, JsonObject? drift = null)
    {
        var request = input.Request;
        var environment = records.Environment;
        var inputs = records.Chunks.SelectMany(c => c.Sources.Select(s => (c.Container, s.Blob, s.ETag))).Distinct().Select(g => (JsonNode)new JsonObject
        {
            ["container"] = g.Container,
            ["blob"] = g.Blob,
            ["etag"] = g.ETag,
        }).ToArray();
        var chunks = records.Reused.Concat(records.Results).OrderBy(r => r.Index).Select(r => (JsonNode)new JsonObject
        {
            ["index"] = r.Index,
            ["run"] = r.Run,
            ["status"] = r.Succeeded ? "succeeded" : "failed",
            ["attempts"] = r.Attempts,
            ["started_at"] = r.StartedAt == default ? null : r.StartedAt.ToString("O"),
            ["duration_seconds"] = r.DurationSeconds,
            ["peak_memory_mb"] = r.PeakMemoryMB,
            ["baseline_memory_mb"] = r.BaselineMemoryMB,
            ["worker"] = r.Worker,
            ["input_sha256"] = r.InputSha256,
            ["notebook"] = r.NotebookBlob,
            ["files"] = new JsonArray(r.Files.Select(f => (JsonNode?)f).ToArray()),
            ["error"] = r.Error is null ? null : JsonSerializer.SerializeToNode(r.Error),
        }).ToArray();
        return new JsonObject
        {
            ["run_id"] = input.RunId,
            ["status"] = input.Status.ToString(),
            ["error"] = input.PlanError ?? input.FanOutError ?? (reduce is { Succeeded: false } ? reduce.ToString() : null),
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
                ["memory_limit_mb"] = request.MemoryLimitMB,
                ["secrets"] = new JsonArray(request.Secrets.Select(s => (JsonNode?)s).ToArray()),
                ["reduce"] = request.Reduce is not { } asked ? null : new JsonObject
                {
                    ["notebook"] = asked.Notebook,
                    ["sha256"] = asked.Version,
                    ["parameters"] = asked.Parameters.DeepClone(),
                },
            },
            ["warnings"] = new JsonArray(input.Warnings.Select(w => (JsonNode?)w).ToArray()),
            ["environment"] = environment?.DeepClone(),
            ["environment_changed"] = drift?.DeepClone(),
            ["inputs"] = new JsonArray(inputs),
            ["chunks"] = new JsonArray(chunks),
            ["results"] = new JsonArray(mergedFiles.Select(f => (JsonNode?)f).ToArray()),
            ["reduce"] = reduce is null ? null : new JsonObject
            {
                ["notebook"] = reduce.Notebook,
                ["sha256"] = reduce.Version,
                ["status"] = reduce.Succeeded ? "succeeded" : "failed",
                ["attempts"] = reduce.Attempts,
                ["started_at"] = reduce.StartedAt == default ? null : reduce.StartedAt.ToString("O"),
                ["duration_seconds"] = reduce.DurationSeconds,
                ["executed_notebook"] = reduce.NotebookBlob,
                ["files"] = new JsonArray(reduce.Files.Select(f => (JsonNode?)f).ToArray()),
                ["scraps"] = reduceScraps?.DeepClone(),
                ["error"] = reduce.Error is null ? null : JsonSerializer.SerializeToNode(reduce.Error),
            },
        };
    }

    /// <summary>
    /// Writes runs/{id}/manifest.json, last of everything a run stores: a manifest present means the record is complete.
    /// The notebook's source is read here, not carried in the request: it belongs to the published version, and a run
    /// started by any door records it the same way.
    /// </summary>
    public static async Task<string> WriteAsync(Azure.Storage.Blobs.BlobServiceClient blobs, MergeInput input, Activities.ChunkRecords records, IReadOnlyList<string> mergedFiles, ReduceResult? reduce = null)
    {
        var store = new RunStore(blobs);
        var version = await new NotebookStore(blobs).GetVersionAsync(input.Request.Notebook, input.Request.Version);
        JsonObject? scraps = null;
        // Headline values belong in the record; a reduce that glued megabytes keeps them in reduce/scraps.json only.
        if (reduce is not null && await store.DownloadTextAsync(StorageLayout.ReduceScrapsBlob(input.RunId)) is { Length: <= MaxScrapBytesInManifest } text)
            scraps = JsonNode.Parse(text) as JsonObject;
        var drift = await Runs.EnvironmentDrift.SinceLastSuccessAsync(blobs, input.Request.Notebook, input.RunId, records.Environment, CancellationToken.None);
        var manifest = StorageLayout.ManifestBlob(input.RunId);
        await store.UploadTextAsync(manifest, Core.Notebooks.CanonicalJsonWriter.Write(Build(input, records, mergedFiles, version?.Source, reduce, scraps, drift)) + "\n");
        return manifest;
    }

    private const int MaxScrapBytesInManifest = 64 * 1024;
}
