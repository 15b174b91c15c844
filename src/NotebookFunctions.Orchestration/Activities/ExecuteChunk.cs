using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>
/// Runs the notebook over one chunk on a fresh kernel: streams the chunk to a temp file, injects the user's and the
/// reserved parameters, executes, uploads the executed notebook and output_dir. A retry writes the same names (after
/// clearing what an earlier attempt left), so nothing is ever duplicated; temp files go even on failure.
/// A failing notebook is a result, not an exception: the orchestrator decides about retries.
/// </summary>
public sealed class ExecuteChunk(BlobServiceClient blobs, NotebookExecutor executor, ISecretSource secrets, IRunStatusProbe runs, ILogger<ExecuteChunk> logger) : TaskActivity<ExecuteChunkInput, ChunkResult>
{
    public override async Task<ChunkResult> RunAsync(TaskActivityContext context, ExecuteChunkInput input)
    {
        var (runId, chunk) = (input.RunId, input.Chunk);
        var request = await PlannedRequests.LoadAsync<RunRequest>(blobs, runId);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = runId, ["Notebook"] = request.Notebook, ["ChunkIndex"] = chunk.Index, ["Attempt"] = input.Attempt });
        using var span = Telemetry.RunSpans.StartChunk(input, request);
        var result = await RunAsync(input, request);
        Telemetry.RunSpans.FinishChunk(span, input, request, result);
        if (result.Error is { } error)
            logger.LogWarning("Chunk {ChunkIndex} of run {RunId} failed (attempt {Attempt}): {Error}", chunk.Index, runId, input.Attempt, error);
        else
            logger.LogInformation("Chunk {ChunkIndex} of run {RunId} succeeded in {Seconds} s", chunk.Index, runId, result.DurationSeconds);
        return result;
    }

    private async Task<ChunkResult> RunAsync(ExecuteChunkInput input, RunRequest request)
    {
        var (runId, chunk) = (input.RunId, input.Chunk);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var work = ChunkWorkFolders.Create(chunk.Index);
        try
        {
            // Marks the chunk running for the run's view (until this attempt's notebook records how it ended).
            await new RunStore(blobs).UploadTextAsync(StorageLayout.ChunkStartedBlob(runId, chunk.Index), string.Empty, Runs.ChunkOutcomeMetadata.Started(input.Attempt));
            var inputDir = Directory.CreateDirectory(Path.Combine(work, "input")).FullName;
            var outputDir = Directory.CreateDirectory(Path.Combine(work, "output")).FullName;
            string inputPath;
            string? inputSha256;
            try
            {
                (inputPath, inputSha256) = await ChunkDownloader.FetchAsync(blobs, chunk, inputDir, CancellationToken.None);
            }
            catch (ChunkPlanningException e)
            {
                // A local input file changed or went away since planning: a result, so the orchestrator neither retries
                // it nor records a .NET exception in place of the reason.
                return new ChunkResult { Index = chunk.Index, Succeeded = false, StartedAt = started, Error = new ChunkError(ChunkError.InputChanged, null, null, null, ChunkError.InputChanged, e.Message) };
            }

            var notebook = await PublishedNotebooks.LoadAsync(blobs, request.Notebook, request.Version);

            var parameters = (JsonObject)request.Parameters.DeepClone();
            parameters[ReservedParameters.InputPath] = inputPath;
            parameters[ReservedParameters.OutputDir] = outputDir;
            parameters[ReservedParameters.ChunkIndex] = chunk.Index;
            parameters[ReservedParameters.ChunkCount] = input.ChunkCount;
            parameters[ReservedParameters.RunId] = runId;
            var outcome = await new NotebookOnKernel(blobs, executor, secrets, runs).RunAsync(new KernelWork
            {
                RunId = runId,
                Request = request,
                Notebook = notebook,
                Label = $"{request.Notebook} chunk {chunk.Index}",
                Parameters = parameters,
                Kernel = request.Kernel,
                WorkFolder = work,
                OutputDir = outputDir,
                RecordPrefix = StorageLayout.ChunkPrefix(runId, chunk.Index),
                NotebookBlob = StorageLayout.ChunkNotebookBlob(runId, chunk.Index),
                FilesPrefix = StorageLayout.ChunkFilesPrefix(runId, chunk.Index),
                CaptureEnvironment = input.CaptureEnvironment,
                Attempt = input.Attempt,
            });
            return new ChunkResult
            {
                Index = chunk.Index,
                Succeeded = outcome.Error is null,
                Attempts = input.Attempt,
                Error = outcome.Error,
                Files = outcome.Files,
                NotebookBlob = StorageLayout.ChunkNotebookBlob(runId, chunk.Index),
                StartedAt = started,
                DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                PeakMemoryMB = outcome.Result.PeakMemoryBytes is { } peak ? CellMemory.Megabytes(peak) : null,
                BaselineMemoryMB = outcome.Result.BaselineMemoryBytes is { } baseline ? CellMemory.Megabytes(baseline) : null,
                InputBytes = ChunkSizeAdvice.BytesOf(chunk),
                InputSha256 = inputSha256,
                Environment = outcome.Result.Environment,
                Worker = Runs.WorkerName.Current,
            };
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
        }
    }
}
