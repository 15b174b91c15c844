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
            var inputDir = Directory.CreateDirectory(Path.Combine(work, "input")).FullName;
            var outputDir = Directory.CreateDirectory(Path.Combine(work, "output")).FullName;
            var inputPath = await ChunkDownloader.DownloadAsync(blobs, chunk, inputDir, CancellationToken.None);
            var notebook = await PublishedNotebooks.LoadAsync(blobs, request.Notebook, request.Version);

            var parameters = (JsonObject)request.Parameters.DeepClone();
            parameters[ReservedParameters.InputPath] = inputPath;
            parameters[ReservedParameters.OutputDir] = outputDir;
            parameters[ReservedParameters.ChunkIndex] = chunk.Index;
            parameters[ReservedParameters.ChunkCount] = input.ChunkCount;
            parameters[ReservedParameters.RunId] = runId;
            var kernelName = request.Kernel ?? notebook.KernelName;
            ParameterInjector.Inject(notebook, parameters, Translators.For(kernelName, notebook.Language));

            var environment = await SecretResolver.ResolveAsync(secrets, request.Secrets, CancellationToken.None);
            // Nothing the kernel produces leaves this worker with a secret's value in it: not the notebook, not the
            // files to merge, not the error kept in orchestration history, not a span or a log line.
            var redactor = SecretRedactor.For(environment.Values);
            // A cancelled run's chunk stops its kernel (interrupt, then kill) instead of running to the end.
            await using var watcher = new RunCancellationWatcher(runs, runId, TimeSpan.FromSeconds(2));
            var result = await executor.ExecuteAsync(notebook, new ExecutionOptions
            {
                NotebookName = $"{request.Notebook} chunk {chunk.Index}",
                KernelName = request.Kernel,
                WorkingDirectory = work,
                CellTimeout = Seconds(request.CellTimeoutSeconds),
                Timeout = Seconds(request.ChunkTimeoutSeconds),
                Environment = environment,
                CaptureEnvironment = input.CaptureEnvironment,
                Redactor = redactor,
            }, watcher.Token);

            foreach (var file in Directory.EnumerateFiles(outputDir, "*", SearchOption.AllDirectories)) await redactor.RedactFileAsync(file);
            var store = new RunStore(blobs);
            await store.DeletePrefixAsync(StorageLayout.ChunkPrefix(runId, chunk.Index));
            var notebookBlob = StorageLayout.ChunkNotebookBlob(runId, chunk.Index);
            await store.UploadTextAsync(notebookBlob, redactor.RedactNotebook(result.Notebook).ToText());
            var files = await store.UploadDirectoryAsync(StorageLayout.ChunkFilesPrefix(runId, chunk.Index), outputDir);
            var failure = result.Failure;
            return new ChunkResult
            {
                Index = chunk.Index,
                Succeeded = failure is null,
                Attempts = input.Attempt,
                Error = failure is null ? null : new ChunkError(failure.Kind.ToString(), failure.CellIndex, failure.CellId, failure.ExecutionCount, redactor.Redact(failure.EName), redactor.Redact(failure.EValue)),
                Files = files,
                NotebookBlob = notebookBlob,
                StartedAt = started,
                DurationSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                Environment = result.Environment,
            };
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
        }
    }

    private static TimeSpan? Seconds(double? value) => value is > 0 ? TimeSpan.FromSeconds(value.Value) : null;
}
