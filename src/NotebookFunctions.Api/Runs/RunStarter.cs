using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Api.Runs;

/// <summary>A run that was asked for: its id, its request, and whether this call started it or found it started.</summary>
public sealed record StartedRun(string RunId, RunRequest Request, bool Started);

/// <summary>
/// Turns a <see cref="RunBody"/> into a checked <see cref="RunRequest"/> (the notebook version exists, parameters fit
/// its schema, the input has blobs) and starts it under a given instance id at most once. Every trigger goes
/// through here, so an HTTP call, a schedule and a blob arrival are validated alike.
/// </summary>
public sealed class RunStarter(BlobServiceClient blobs, Core.Secrets.ISecretSource? secrets = null)
{
    private readonly NotebookStore _notebooks = new(blobs);
    private readonly RunClaims _claims = new(blobs);

    public async Task<RunRequest> ValidateAsync(RunBody body, CancellationToken cancellationToken)
    {
        var name = body.Notebook ?? throw ApiException.BadRequest("'notebook' is required: the name of a published notebook", "notebook");
        if (NotebookStore.NameProblem(name) is not null) throw ApiException.BadRequest($"'{name}' is not a notebook name", "notebook");

        var version = body.Version ?? (await _notebooks.LatestAsync(name, cancellationToken))?.Version
            ?? throw ApiException.NotFound($"no notebook named '{name}' has been published");
        var bytes = await _notebooks.GetAsync(name, version, cancellationToken)
            ?? throw new ApiException(404, "Not found", $"notebook '{name}' has no version '{version}'", new Dictionary<string, object?> { ["field"] = "version" });
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), $"{name}@{version}");
        var parameters = body.Parameters ?? [];
        ParameterValidator.Validate($"{name}@{version[..Math.Min(12, version.Length)]}", ParameterSchema.Infer(notebook, body.Kernel), parameters, ReservedParameters.Names);
        var input = ToInputSpec(body.Input);
        await CheckInputExistsAsync(input, cancellationToken);
        if (body.MaxParallelChunks is < 1 or > 1000) throw ApiException.BadRequest("'maxParallelChunks' must be between 1 and 1000", "maxParallelChunks");
        if (body.MaxAttempts is < 1 or > 10) throw ApiException.BadRequest("'maxAttempts' must be between 1 and 10", "maxAttempts");
        var secretNames = body.Secrets ?? [];
        var badSecret = secretNames.FirstOrDefault(s => !SecretName(s));
        if (badSecret is not null) throw ApiException.BadRequest($"secret name '{badSecret}' must be letters, digits and '_' or '-'", "secrets");
        // Where this host can see the secret sources, an unknown name is refused now (by name; values are dropped).
        if (secrets is not null) await Core.Secrets.SecretResolver.ResolveAsync(secrets, secretNames, cancellationToken);

        return new RunRequest
        {
            Notebook = name,
            Version = version,
            Parameters = parameters,
            Input = input,
            MaxParallelChunks = body.MaxParallelChunks ?? 4,
            Retry = new ChunkRetryPolicy(MaxAttempts: body.MaxAttempts ?? 2),
            OnChunkFailure = body.OnChunkFailure?.ToLowerInvariant() switch
            {
                null or "failfast" or "fail-fast" => FailurePolicy.FailFast,
                "continue" => FailurePolicy.Continue,
                var other => throw ApiException.BadRequest($"'onChunkFailure' is '{other}'; use 'failFast' or 'continue'", "onChunkFailure"),
            },
            CellTimeoutSeconds = body.CellTimeoutSeconds,
            ChunkTimeoutSeconds = body.ChunkTimeoutSeconds,
            Kernel = body.Kernel,
            Secrets = secretNames,
        };
    }

    /// <summary>
    /// Starts the run under <paramref name="runId"/> unless a run with that id exists or another caller is starting it.
    /// Backends differ on what scheduling an existing id does, so the guarantee does not rest on them: the caller that
    /// creates the run's claim blob (a conditional create, atomic in blob storage) is the only one that schedules.
    /// </summary>
    public async Task<StartedRun> StartOnceAsync(DurableTaskClient client, RunRequest request, string runId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null
            || !await _claims.TryClaimAsync(runId, () => InstanceExistsAsync(client, runId, cancellationToken), cancellationToken))
            return new StartedRun(runId, request, Started: false);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(NotebookRunOrchestrator), request, new Microsoft.DurableTask.StartOrchestrationOptions(runId), cancellationToken);
        return new StartedRun(runId, request, Started: true);
    }

    private static async Task<bool> InstanceExistsAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null;

    private static bool SecretName(string name) => name.Length is > 0 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static InputSpec ToInputSpec(InputBody? input)
    {
        if (input?.Container is not { Length: > 0 } container)
            throw ApiException.BadRequest("'input.container' is required: the blob container the run reads", "input.container");
        var mode = input.Mode?.ToLowerInvariant() switch
        {
            null or "split" => ChunkMode.Split,
            "perblob" or "per-blob" => ChunkMode.PerBlob,
            var other => throw ApiException.BadRequest($"'input.mode' is '{other}'; use 'split' or 'perBlob'", "input.mode"),
        };
        long target = 64L * 1024 * 1024;
        if (input.ChunkSize is not null)
        {
            try
            {
                target = ByteSizes.Parse(input.ChunkSize);
            }
            catch (FormatException e)
            {
                throw ApiException.BadRequest($"'input.chunkSize': {e.Message}", "input.chunkSize");
            }
        }

        if (target < 1024) throw ApiException.BadRequest("'input.chunkSize' must be at least 1KB", "input.chunkSize");
        return new InputSpec
        {
            Container = container,
            Prefix = input.Prefix ?? string.Empty,
            Glob = input.Glob,
            Mode = mode,
            TargetChunkBytes = target,
            MaxChunks = input.MaxChunks ?? 10_000,
        };
    }

    private async Task CheckInputExistsAsync(InputSpec input, CancellationToken cancellationToken)
    {
        try
        {
            var container = blobs.GetBlobContainerClient(input.Container);
            await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = input.Prefix }, cancellationToken))
                return;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ApiException(400, "Invalid input", $"input container '{input.Container}' does not exist", new Dictionary<string, object?> { ["field"] = "input.container" });
        }

        throw new ApiException(400, "Invalid input", $"no blob in container '{input.Container}' starts with '{input.Prefix}'", new Dictionary<string, object?> { ["field"] = "input.prefix" });
    }
}
