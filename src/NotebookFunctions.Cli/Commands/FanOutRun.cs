using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Cli.Commands;

/// <summary>What <c>nbf run --input</c> was asked to do.</summary>
public sealed record FanOutOptions
{
    public required string NotebookPath { get; init; }

    public required string Input { get; init; }

    public JsonObject Parameters { get; init; } = new();

    public long SplitBytes { get; init; } = 64L * 1024 * 1024;

    public bool PerBlob { get; init; }

    public string? Glob { get; init; }

    public int Parallel { get; init; } = 2;

    public string? RunId { get; init; }

    public int MaxAttempts { get; init; } = 2;

    public bool ContinueOnFailure { get; init; }

    public string? Kernel { get; init; }

    public double? CellTimeoutSeconds { get; init; }

    public double? ChunkTimeoutSeconds { get; init; }

    /// <summary>Names of secrets handed to the kernels as environment variables (resolved from this host's environment).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>
/// <c>nbf run NOTEBOOK --input ...</c>: publishes the notebook, uploads a local input, and runs the durable fan-out on
/// the local host against Azurite, showing chunk progress until the run ends.
/// </summary>
public static class FanOutRun
{

    /// <summary>Big local inputs go up in 8 MiB blocks, four at a time.</summary>
    private static readonly Azure.Storage.Blobs.Models.BlobUploadOptions UploadOptions = new()
    {
        TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 4, InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20 },
    };

    public static async Task<int> RunAsync(FanOutOptions options, CancellationToken cancellationToken)
    {
        void Say(string text) => Console.Error.WriteLine($"nbf: {text}");
        var bytes = await File.ReadAllBytesAsync(options.NotebookPath, cancellationToken);
        var notebook = NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), options.NotebookPath);
        var kernelName = options.Kernel ?? notebook.KernelName;
        ParameterValidator.Validate(options.NotebookPath, ParameterSchema.Infer(notebook, kernelName), options.Parameters, ReservedParameters.Names);
        // Unknown secret names fail here, before any upload or kernel; only the names go further.
        await Core.Secrets.SecretResolver.ResolveAsync(Core.Secrets.SecretSources.ForLocalHost(), options.Secrets, cancellationToken);

        await using var session = await LocalSession.StartAsync(runWorker: true, options.Parallel, cancellationToken);
        var host = session.Host;
        var name = NotebookStore.NameFromPath(options.NotebookPath);
        var store = new NotebookStore(host.Blobs);
        await store.EnsureCreatedAsync(cancellationToken);
        var published = await store.PublishAsync(name, bytes, cancellationToken);
        Say($"notebook {name} version {published.Version[..12]}{(published.Created ? " published" : " (already published)")}");

        var runId = options.RunId ?? Api.Runs.RunIds.New(name, DateTimeOffset.UtcNow);
        var existing = await host.Client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken);
        if (existing is null)
        {
            var input = await ResolveInputAsync(host.Blobs, options, runId, Say, cancellationToken);
            var request = new RunRequest
            {
                Notebook = name,
                Version = published.Version,
                Parameters = options.Parameters,
                Input = input,
                MaxParallelChunks = Math.Max(1, options.Parallel),
                Retry = new ChunkRetryPolicy(MaxAttempts: Math.Max(1, options.MaxAttempts)),
                OnChunkFailure = options.ContinueOnFailure ? FailurePolicy.Continue : FailurePolicy.FailFast,
                Kernel = options.Kernel,
                CellTimeoutSeconds = options.CellTimeoutSeconds,
                ChunkTimeoutSeconds = options.ChunkTimeoutSeconds,
                Secrets = options.Secrets,
            };
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(NotebookRunOrchestrator), request, new Microsoft.DurableTask.StartOrchestrationOptions(runId), cancellationToken);
            Say($"run {runId} started");
        }
        else
        {
            Say($"run {runId} already exists ({existing.RuntimeStatus}); following it");
        }

        try
        {
            return await RunFollower.FollowAsync(host.Client, runId, Say, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Say($"stopped following; run {runId} stays in flight in storage: run the same command with --run-id {runId} to pick it up");
            return ExitCodes.Cancelled;
        }
    }

    internal static int Report(RunResult result, Action<string> say)
    {
        say($"run {result.RunId} {result.Status}: {result.Succeeded} of {result.ChunkCount} chunks succeeded");
        foreach (var failed in result.FailedChunks) say($"  chunk {failed.Index} failed after {failed.Attempts} attempt(s): {failed.Error}");
        if (result.Error is not null && result.ChunkCount == 0) say($"  {result.Error}");
        say($"results: {StorageLayout.RunsContainer}/{StorageLayout.ResultsPrefix(result.RunId)} ({string.Join(", ", result.MergedFiles.DefaultIfEmpty("no merged files"))}); manifest: {StorageLayout.RunsContainer}/{result.Manifest}");
        return result.Status switch
        {
            RunStatus.Completed => ExitCodes.Success,
            RunStatus.CompletedWithFailures => ExitCodes.PartialFailure,
            _ => ExitCodes.NotebookFailed,
        };
    }

    /// <summary>A local file or folder is uploaded under inputs/{runId}/; anything else is read as container/prefix.</summary>
    private static async Task<InputSpec> ResolveInputAsync(BlobServiceClient blobs, FanOutOptions options, string runId, Action<string> say, CancellationToken cancellationToken)
    {
        var mode = options.PerBlob ? ChunkMode.PerBlob : ChunkMode.Split;
        if (File.Exists(options.Input) || Directory.Exists(options.Input))
        {
            var container = blobs.GetBlobContainerClient(StorageLayout.InputsContainer);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var files = File.Exists(options.Input)
                ? [(Path.GetFullPath(options.Input), Path.GetFileName(options.Input))]
                : Directory.EnumerateFiles(options.Input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                    .Select(f => (Path.GetFullPath(f), Path.GetRelativePath(options.Input, f).Replace('\\', '/'))).ToList();
            long total = 0;
            foreach (var (path, relative) in files)
            {
                await container.GetBlobClient($"{runId}/{relative}").UploadAsync(path, UploadOptions, cancellationToken);
                total += new FileInfo(path).Length;
            }

            say($"uploaded {files.Count} file(s), {total / 1024.0 / 1024.0:0.0} MiB, to {StorageLayout.InputsContainer}/{runId}/");
            return new InputSpec { Container = StorageLayout.InputsContainer, Prefix = $"{runId}/", Glob = options.Glob, Mode = mode, TargetChunkBytes = options.SplitBytes };
        }

        var slash = options.Input.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
            throw new ChunkPlanningException($"--input '{options.Input}' is neither a local file or folder nor container/prefix");
        return new InputSpec { Container = options.Input[..slash], Prefix = options.Input[(slash + 1)..], Glob = options.Glob, Mode = mode, TargetChunkBytes = options.SplitBytes };
    }
}
