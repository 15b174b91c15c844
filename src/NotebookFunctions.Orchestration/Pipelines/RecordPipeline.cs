using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// Writes a pipeline run's manifest (runs/{id}/manifest.json), last: the pipeline version, its parameters, and each step
/// with its state and where its own record is (runs/{id}/steps/{name}/, or the run a repair reused it from).
/// </summary>
public sealed class RecordPipeline(BlobServiceClient blobs, ILogger<RecordPipeline> logger) : TaskActivity<RecordPipelineInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, RecordPipelineInput input)
    {
        var store = new RunStore(blobs);
        await store.EnsureCreatedAsync();
        var request = input.Request;
        var manifest = new JsonObject
        {
            ["run_id"] = input.RunId,
            ["kind"] = "pipeline",
            ["status"] = input.Status.ToString(),
            ["error"] = input.Error,
            ["started_at"] = input.StartedAt.ToString("O"),
            ["pipeline"] = new JsonObject { ["name"] = request.Pipeline, ["sha256"] = request.Version },
            ["parameters"] = request.Parameters.DeepClone(),
            ["repair_of"] = request.RepairOf,
            ["steps"] = new JsonArray(input.Steps.Select(s =>
            {
                var step = request.Steps.First(r => r.Name == s.Name);
                return (JsonNode?)new JsonObject
                {
                    ["name"] = s.Name,
                    ["status"] = s.Status,
                    ["depends_on"] = new JsonArray(s.DependsOn.Select(d => (JsonNode?)d).ToArray()),
                    ["notebook"] = new JsonObject { ["name"] = step.Request.Notebook, ["sha256"] = step.Request.Version },
                    ["record"] = $"{StorageLayout.RunsContainer}/{s.Record}/",
                    ["chunks"] = s.Chunks,
                    ["succeeded_chunks"] = s.SucceededChunks,
                    ["failed_chunks"] = s.FailedChunks,
                    ["started_at"] = s.StartedAt?.ToString("O"),
                    ["ended_at"] = s.EndedAt?.ToString("O"),
                    ["error"] = s.Error,
                };
            }).ToArray()),
        };
        var blob = StorageLayout.ManifestBlob(input.RunId);
        await store.UploadTextAsync(blob, CanonicalJsonWriter.Write(manifest) + "\n");
        logger.LogInformation("Pipeline run {RunId} of {Pipeline} ended {Status}: {Steps}", input.RunId, request.Pipeline, input.Status,
            string.Join(", ", input.Steps.Select(s => $"{s.Name} {s.Status}")));
        return blob;
    }
}
