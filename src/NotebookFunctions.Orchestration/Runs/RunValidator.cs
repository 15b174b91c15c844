using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// Turns a <see cref="RunSubmission"/> into a checked <see cref="RunRequest"/>: the notebook version exists, parameters
/// fit its schema, the input has blobs, the limits hold, and (where this host sees the secret sources) the secrets
/// resolve. Every door goes through here, so an HTTP call, a schedule, a blob arrival and nbf are checked alike.
/// </summary>
public sealed class RunValidator(BlobServiceClient blobs, ISecretSource? secrets)
{
    private readonly NotebookStore _notebooks = new(blobs);

    public async Task<RunRequest> ValidateAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var name = CheckNotebookName(submission.Notebook);
        var version = submission.Version ?? (await _notebooks.LatestAsync(name, cancellationToken))?.Version
            ?? throw RunRefusalException.NotFound($"no notebook named '{name}' has been published", "notebook");
        var bytes = await _notebooks.GetAsync(name, version, cancellationToken)
            ?? throw RunRefusalException.NotFound($"notebook '{name}' has no version '{version}'", "version");
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), $"{name}@{version}");
        var parameters = submission.Parameters ?? [];
        ParameterValidator.Validate($"{name}@{version[..Math.Min(12, version.Length)]}", ParameterSchema.Infer(notebook, submission.Kernel), parameters, ReservedParameters.Names);
        var input = ToInputSpec(submission.Input);
        await CheckInputExistsAsync(input, cancellationToken);
        if (submission.MaxParallelChunks is < 1 or > 1000) throw RunRefusalException.Invalid("'maxParallelChunks' must be between 1 and 1000", "maxParallelChunks");
        if (submission.MaxAttempts is < 1 or > 10) throw RunRefusalException.Invalid("'maxAttempts' must be between 1 and 10", "maxAttempts");
        var secretNames = submission.Secrets ?? [];
        var badSecret = secretNames.FirstOrDefault(s => !SecretName(s));
        if (badSecret is not null) throw RunRefusalException.Invalid($"secret name '{badSecret}' must be letters, digits and '_' or '-'", "secrets");
        // Where this host can see the secret sources, an unknown name is refused now (by name; values are dropped).
        if (secrets is not null) await SecretResolver.ResolveAsync(secrets, secretNames, cancellationToken);

        return new RunRequest
        {
            Notebook = name,
            Version = version,
            Parameters = parameters,
            Input = input,
            MaxParallelChunks = submission.MaxParallelChunks ?? 4,
            Retry = new ChunkRetryPolicy(MaxAttempts: submission.MaxAttempts ?? 2),
            OnChunkFailure = submission.OnChunkFailure?.ToLowerInvariant() switch
            {
                null or "failfast" or "fail-fast" => FailurePolicy.FailFast,
                "continue" => FailurePolicy.Continue,
                var other => throw RunRefusalException.Invalid($"'onChunkFailure' is '{other}'; use 'failFast' or 'continue'", "onChunkFailure"),
            },
            CellTimeoutSeconds = submission.CellTimeoutSeconds,
            ChunkTimeoutSeconds = submission.ChunkTimeoutSeconds,
            Kernel = submission.Kernel,
            Secrets = secretNames,
        };
    }

    /// <summary>The notebook name, checked before anything is read (ids and blob paths are built from it).</summary>
    public static string CheckNotebookName(string? name)
    {
        if (name is null) throw RunRefusalException.Invalid("'notebook' is required: the name of a published notebook", "notebook");
        if (NotebookStore.NameProblem(name) is { } problem) throw RunRefusalException.Invalid(problem, "notebook");
        return name;
    }

    private static bool SecretName(string name) => name.Length is > 0 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static InputSpec ToInputSpec(InputSubmission? input)
    {
        if (input?.Container is not { Length: > 0 } container)
            throw RunRefusalException.Invalid("'input.container' is required: the blob container the run reads", "input.container");
        var mode = input.Mode?.ToLowerInvariant() switch
        {
            null or "split" => ChunkMode.Split,
            "perblob" or "per-blob" => ChunkMode.PerBlob,
            var other => throw RunRefusalException.Invalid($"'input.mode' is '{other}'; use 'split' or 'perBlob'", "input.mode"),
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
                throw RunRefusalException.Invalid($"'input.chunkSize': {e.Message}", "input.chunkSize");
            }
        }

        if (target < 1) throw RunRefusalException.Invalid("'input.chunkSize' must be at least 1 byte", "input.chunkSize");
        return new InputSpec
        {
            Container = container,
            Prefix = input.Prefix ?? string.Empty,
            Glob = input.Glob,
            Mode = mode,
            TargetChunkBytes = target,
            MaxChunks = input.MaxChunks ?? 10_000,
            ExactBlob = input.ExactBlob,
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
            throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid input", $"input container '{input.Container}' does not exist", "input.container");
        }

        throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid input", $"no blob in container '{input.Container}' starts with '{input.Prefix}'", "input.prefix");
    }
}
