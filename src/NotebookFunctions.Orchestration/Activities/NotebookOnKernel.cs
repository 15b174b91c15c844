using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>One execution of a published notebook in a work folder, and where its record goes in storage.</summary>
public sealed record KernelWork
{
    public required string RunId { get; init; }

    /// <summary>The run's request: secrets, timeouts and the kernel asked for.</summary>
    public required RunRequest Request { get; init; }

    public required Notebook Notebook { get; init; }

    /// <summary>How logs and errors name this execution ("sales chunk 3", "reduce sales-totals").</summary>
    public required string Label { get; init; }

    /// <summary>The user's and the reserved parameters, injected as papermill does.</summary>
    public required JsonObject Parameters { get; init; }

    /// <summary>Kernelspec; the notebook's own when null.</summary>
    public string? Kernel { get; init; }

    public required string WorkFolder { get; init; }

    /// <summary>The notebook's output_dir, inside <see cref="WorkFolder"/>; its files are stored under <see cref="FilesPrefix"/>.</summary>
    public required string OutputDir { get; init; }

    /// <summary>Cleared before anything is stored, so a retry replaces what an earlier attempt left and nothing is duplicated.</summary>
    public required string RecordPrefix { get; init; }

    public required string NotebookBlob { get; init; }

    public required string FilesPrefix { get; init; }

    public bool CaptureEnvironment { get; init; }

    /// <summary>Which attempt this is (1 for the first): recorded with the outcome, so a view tells a retry from its failed predecessor.</summary>
    public int Attempt { get; init; } = 1;
}

/// <summary>What <see cref="NotebookOnKernel"/> stored: the outcome, the files, and the error already redacted.</summary>
public sealed record KernelWorkOutcome(ExecutionResult Result, IReadOnlyList<string> Files, ChunkError? Error);

/// <summary>
/// The part a chunk and a reduce share: parameters injected, secrets resolved into the kernel's environment and masked
/// in everything that leaves (notebook, files, the error kept in history), a fresh kernel that a cancelled run stops,
/// then the executed notebook and output_dir stored under the work's prefix.
/// </summary>
public sealed class NotebookOnKernel(BlobServiceClient blobs, NotebookExecutor executor, ISecretSource secrets, IRunStatusProbe runs)
{
    public async Task<KernelWorkOutcome> RunAsync(KernelWork work)
    {
        var request = work.Request;
        var kernelName = work.Kernel ?? work.Notebook.KernelName;
        ParameterInjector.Inject(work.Notebook, work.Parameters, Translators.For(kernelName, work.Notebook.Language));

        var environment = await SecretResolver.ResolveAsync(secrets, request.Secrets, CancellationToken.None);
        // Nothing the kernel produces leaves this worker with a secret's value in it: not the notebook, not the
        // files to merge, not the error kept in orchestration history, not a span or a log line.
        var redactor = SecretRedactor.For(environment.Values);
        // A cancelled run's kernel stops (interrupt, then kill) instead of running to the end; a step's run is the pipeline's.
        await using var watcher = new RunCancellationWatcher(runs, request.PipelineRunId ?? work.RunId, TimeSpan.FromSeconds(2));
        var result = await executor.ExecuteAsync(work.Notebook, new ExecutionOptions
        {
            NotebookName = work.Label,
            KernelName = work.Kernel,
            WorkingDirectory = work.WorkFolder,
            CellTimeout = Seconds(request.CellTimeoutSeconds),
            Timeout = Seconds(request.ChunkTimeoutSeconds),
            MemoryLimitBytes = request.MemoryLimitMB is { } mb ? (long)mb << 20 : null,
            Environment = environment,
            CaptureEnvironment = work.CaptureEnvironment,
            Redactor = redactor,
        }, watcher.Token);

        foreach (var file in Directory.EnumerateFiles(work.OutputDir, "*", SearchOption.AllDirectories)) await redactor.RedactFileAsync(file);
        var failure = result.Failure;
        var error = failure is null ? null
            : new ChunkError(failure.Kind.ToString(), failure.CellIndex, failure.CellId, failure.ExecutionCount, redactor.Redact(failure.EName), redactor.Redact(failure.EValue));
        var store = new RunStore(blobs);
        await store.DeletePrefixAsync(work.RecordPrefix);
        // Files first, the notebook last: once a view sees the notebook's outcome, the chunk's record is complete.
        var files = await store.UploadDirectoryAsync(work.FilesPrefix, work.OutputDir);
        await store.UploadTextAsync(work.NotebookBlob, redactor.RedactNotebook(result.Notebook).ToText(), Runs.ChunkOutcomeMetadata.Finished(work.Attempt, error));
        return new KernelWorkOutcome(result, files, error);
    }

    private static TimeSpan? Seconds(double? value) => value is > 0 ? TimeSpan.FromSeconds(value.Value) : null;
}
