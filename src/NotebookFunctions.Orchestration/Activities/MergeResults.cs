using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// Fans in: merges the succeeded chunks' files, gathers their scraps into results/scraps.json, and writes
/// runs/{runId}/manifest.json last, so a manifest present means the run's record is complete (after the reduce, by
/// RecordRun, when one follows). A repair merges the chunks it kept from its original run with the ones it ran again.
/// </summary>
public sealed class MergeResults(BlobServiceClient blobs, ILogger<MergeResults> logger) : TaskActivity<MergeInput, MergeOutput>
{
    public override async Task<MergeOutput> RunAsync(TaskActivityContext context, MergeInput input)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = input.RunId, ["Notebook"] = input.Request.Notebook });
        using var span = Telemetry.RunSpans.StartMerge(input);
        var chunks = await EndedRuns.LoadAsync(blobs, input);
        var output = await MergeAsync(input, chunks);
        Telemetry.RunSpans.FinishMerge(span, input, chunks);
        logger.LogInformation("Run {RunId} of {Notebook} ended {Status}: {Succeeded} of {Chunks} chunk(s) succeeded; merged {Files}",
            input.RunId, input.Request.Notebook, input.Status, chunks.Results.Count(r => r.Succeeded), chunks.Chunks.Count, string.Join(", ", output.MergedFiles));
        return output;
    }

    private async Task<MergeOutput> MergeAsync(MergeInput input, ChunkRecords chunks)
    {
        var store = new RunStore(blobs);
        await store.EnsureCreatedAsync();
        var succeeded = chunks.Succeeded.ToList();
        var merged = input.Status == RunStatus.Failed
            ? []
            : await new ResultMerger(blobs).MergeAsync(input.RunId, succeeded.Select(r => new MergedChunk(r.Index, r.Run ?? input.RunId, r.Files)).ToList());

        var scraps = new JsonArray();
        foreach (var result in succeeded.Where(r => r.NotebookBlob is not null))
        {
            var text = await store.DownloadTextAsync(result.NotebookBlob!);
            if (text is null) continue;
            var found = ScrapReader.Read(NotebookReader.Parse(text, result.NotebookBlob!));
            if (found.Count > 0) scraps.Add(new JsonObject { ["chunk_index"] = result.Index, ["scraps"] = found });
        }

        if (input.Status != RunStatus.Failed)
            await store.UploadTextAsync(StorageLayout.ResultsPrefix(input.RunId) + "scraps.json", CanonicalJsonWriter.Write(scraps) + "\n");

        var manifest = input.ReduceFollows ? null : await RunManifest.WriteAsync(blobs, input, chunks, merged);
        return new MergeOutput(merged, scraps.Count, manifest);
    }
}
