using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// The fan-in's last step: the run's reduce notebook, once, on a fresh kernel. Its input_path holds the merged results
/// (and scraps.json) at the top, each succeeded chunk's files under chunks/{index}/, and chunks.json saying which
/// chunks succeeded and which failed. Its executed notebook, scraps and output files are the run's final results
/// (runs/{id}/reduce/). A failing reduce is a result, not an exception: the orchestrator fails the run with its cell.
/// </summary>
public sealed class ExecuteReduce(BlobServiceClient blobs, NotebookExecutor executor, ISecretSource secrets, IRunStatusProbe runs, ILogger<ExecuteReduce> logger)
    : TaskActivity<ExecuteReduceInput, ReduceResult>
{
    public override async Task<ReduceResult> RunAsync(TaskActivityContext context, ExecuteReduceInput input)
    {
        var request = await PlannedRequests.LoadAsync<RunRequest>(blobs, input.RunId);
        var reduce = request.Reduce ?? throw new InvalidOperationException($"run {input.RunId} names no reduce notebook");
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = input.RunId, ["Notebook"] = reduce.Notebook, ["Attempt"] = input.Attempt });
        using var span = Telemetry.RunSpans.StartReduce(input, reduce);
        var chunks = await EndedRuns.LoadAsync(blobs, input.RunId, input.Records, planned: true);
        var result = await RunAsync(input, request, chunks, reduce);
        Telemetry.RunSpans.FinishReduce(span, input, result);
        if (result.Succeeded)
            logger.LogInformation("Reduce {Notebook} of run {RunId} succeeded in {Seconds} s over {Chunks} chunk(s)", reduce.Notebook, input.RunId, result.DurationSeconds, chunks.Succeeded.Count());
        else
            logger.LogWarning("Reduce {Notebook} of run {RunId} failed (attempt {Attempt}): {Error}", reduce.Notebook, input.RunId, input.Attempt, result.Error);
        return result;
    }

    private async Task<ReduceResult> RunAsync(ExecuteReduceInput input, RunRequest request, ChunkRecords chunks, ReduceRequest reduce)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var work = ChunkWorkFolders.Create("reduce");
        try
        {
            var inputDir = Directory.CreateDirectory(Path.Combine(work, "input")).FullName;
            var outputDir = Directory.CreateDirectory(Path.Combine(work, "output")).FullName;
            var failed = chunks.Failed.Select(r => r.Index).ToList();
            await GatherAsync(input, chunks, failed, inputDir);
            var notebook = await PublishedNotebooks.LoadAsync(blobs, reduce.Notebook, reduce.Version);

            var parameters = (JsonObject)reduce.Parameters.DeepClone();
            parameters[ReservedParameters.InputPath] = inputDir;
            parameters[ReservedParameters.OutputDir] = outputDir;
            parameters[ReservedParameters.ChunkCount] = input.ChunkCount;
            parameters[ReservedParameters.RunId] = input.RunId;
            parameters[ReservedParameters.FailedChunks] = new JsonArray(failed.Select(i => (JsonNode?)i).ToArray());
            var outcome = await new NotebookOnKernel(blobs, executor, secrets, runs).RunAsync(new KernelWork
            {
                RunId = input.RunId,
                Request = request,
                Notebook = notebook,
                Label = $"reduce {reduce.Notebook}",
                Parameters = parameters,
                WorkFolder = work,
                OutputDir = outputDir,
                RecordPrefix = StorageLayout.ReducePrefix(input.RunId),
                NotebookBlob = StorageLayout.ReduceNotebookBlob(input.RunId),
                FilesPrefix = StorageLayout.ReduceFilesPrefix(input.RunId),
            });
            var scraps = ScrapReader.Read(outcome.Result.Notebook);
            await new RunStore(blobs).UploadTextAsync(StorageLayout.ReduceScrapsBlob(input.RunId), CanonicalJsonWriter.Write(scraps) + "\n");
            return new ReduceResult
            {
                Notebook = reduce.Notebook,
                Version = reduce.Version,
                Succeeded = outcome.Error is null,
                Attempts = input.Attempt,
                Error = outcome.Error,
                Files = outcome.Files,
                NotebookBlob = StorageLayout.ReduceNotebookBlob(input.RunId),
                Scraps = scraps.Count,
                StartedAt = started,
                DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
        }
    }

    /// <summary>The merged results at the top of input_path, each chunk's files under chunks/{index}/, and chunks.json.</summary>
    private async Task GatherAsync(ExecuteReduceInput input, ChunkRecords chunks, IReadOnlyList<int> failed, string inputDir)
    {
        var runs = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        await DownloadPrefixAsync(runs, StorageLayout.ResultsPrefix(input.RunId), inputDir);
        var succeeded = new HashSet<int>();
        foreach (var chunk in chunks.Succeeded)
        {
            succeeded.Add(chunk.Index);
            await DownloadPrefixAsync(runs, StorageLayout.ChunkFilesPrefix(chunk.Run ?? input.RunId, chunk.Index), Path.Combine(inputDir, "chunks", chunk.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var failedSet = failed.ToHashSet();
        var statuses = new JsonArray(Enumerable.Range(0, input.ChunkCount)
            .Where(i => succeeded.Contains(i) || failedSet.Contains(i))
            .Select(i => (JsonNode?)new JsonObject { ["index"] = i, ["status"] = succeeded.Contains(i) ? "succeeded" : "failed" }).ToArray());
        await File.WriteAllTextAsync(Path.Combine(inputDir, "chunks.json"), CanonicalJsonWriter.Write(statuses) + "\n");
    }

    private static async Task DownloadPrefixAsync(BlobContainerClient container, string prefix, string folder)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            var relative = blob.Name[prefix.Length..];
            // Stored by this run's own activities, but a name is still never allowed to leave the folder.
            var target = Path.GetFullPath(Path.Combine(folder, relative));
            if (!target.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await container.GetBlobClient(blob.Name).DownloadToAsync(target);
        }
    }
}
