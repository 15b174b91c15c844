using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Kernels;
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
public sealed partial class RunValidator(BlobServiceClient blobs, ISecretSource? secrets)
{
    private readonly NotebookStore _notebooks = new(blobs);

    /// <param name="submission">The request as asked.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    /// <param name="checkInputBlobs">Whether the input must have blobs now (not for a pipeline step reading a step that has not run yet).</param>
    public async Task<RunRequest> ValidateAsync(RunSubmission submission, CancellationToken cancellationToken, bool checkInputBlobs = true)
    {
        // Everything that needs no storage first, so a bad request costs nothing and names its first wrong field.
        var shaped = Shape(submission);
        // Targets are resolved before anything is read: a refused webhook costs no storage call.
        await Notifications.NotificationRules.CheckTargetsAsync(shaped.Notify, Notifications.NotificationTargetPolicy.FromEnvironment(), secrets, cancellationToken);
        var name = shaped.Notebook;
        var version = submission.Version ?? (await _notebooks.LatestAsync(name, cancellationToken))?.Version
            ?? throw RunRefusalException.NotFound($"no notebook named '{name}' has been published", "notebook");
        var bytes = await _notebooks.GetAsync(name, version, cancellationToken)
            ?? throw RunRefusalException.NotFound($"notebook '{name}' has no version '{version}'", "version");
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), $"{name}@{version}");
        CheckKernel(submission.Kernel, notebook);
        var memoryLimit = MemoryLimitFor(shaped.MemoryLimitMB, notebook, $"{name}@{version[..12]}");
        ParameterValidator.Validate($"{name}@{version[..12]}", ParameterSchema.Infer(notebook, submission.Kernel), shaped.Parameters);
        var reduce = await ReduceAsync(shaped.Reduce, notebook, $"{name}@{version[..12]}", cancellationToken);
        if (checkInputBlobs) await CheckInputHasBlobsAsync(shaped.Input, cancellationToken);
        // Where this host can see the secret sources, an unknown name is refused now (by name; values are dropped).
        if (secrets is not null) await SecretResolver.ResolveAsync(secrets, shaped.Secrets, cancellationToken);
        return shaped with { Version = version, Reduce = reduce, MemoryLimitMB = memoryLimit };
    }

    /// <summary>
    /// The kernels' memory limit: the request's, else the notebook's metadata, else the host default; refused when no
    /// host of this backend could give a kernel that much.
    /// </summary>
    private static int? MemoryLimitFor(int? asked, Notebook notebook, string label)
    {
        int? limit;
        string field;
        try
        {
            var resolved = MemoryLimitDefaults.Resolve(asked, notebook, label);
            (limit, field) = (resolved.MB, resolved.From == "notebook" ? "notebook" : "memoryLimitMB");
        }
        catch (NotebookFormatException e)
        {
            throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid notebook", e.Message, "notebook");
        }

        if (limit is { } mb && Core.Kernels.Memory.HostMemory.TotalBytes() is { } total && ((long)mb << 20) > total)
        {
            var origin = field == "notebook" ? $"{NotebookMemoryLimit.MetadataPath} of {label}" : "'memoryLimitMB'";
            throw RunRefusalException.Invalid($"{origin} is {mb} MB, more than this backend's hosts have ({total >> 20} MB): no kernel could get it", field);
        }

        return limit;
    }

    /// <summary>
    /// The request a submission makes, with every default filled in and every check that needs no storage done; its
    /// version is the one asked for, or empty when the latest is meant. What a retried idempotency key is compared by.
    /// </summary>
    public static RunRequest Shape(RunSubmission submission)
    {
        var name = CheckNotebookName(submission.Notebook);
        if (submission.Version is { } asked && NotebookStore.VersionProblem(asked) is { } versionProblem) throw RunRefusalException.Invalid(versionProblem, "version");
        var parameters = submission.Parameters ?? [];
        CheckParameters(parameters);
        var input = ToInputSpec(submission.Input);
        CheckRange(submission.MaxParallelChunks, 1, RunLimits.MaxParallelChunks, "maxParallelChunks");
        CheckRange(submission.MaxAttempts, 1, RunLimits.MaxAttempts, "maxAttempts");
        CheckTimeout(submission.CellTimeoutSeconds, "cellTimeoutSeconds");
        CheckTimeout(submission.ChunkTimeoutSeconds, "chunkTimeoutSeconds");
        CheckRange(submission.MemoryLimitMB, RunLimits.MinMemoryLimitMB, RunLimits.MaxMemoryLimitMB, "memoryLimitMB");
        return new RunRequest
        {
            Notebook = name,
            Version = submission.Version ?? string.Empty,
            Parameters = parameters,
            Input = input,
            MaxParallelChunks = submission.MaxParallelChunks ?? RunDefaults.MaxParallelChunks,
            Retry = new ChunkRetryPolicy(MaxAttempts: submission.MaxAttempts ?? RunDefaults.MaxAttempts),
            OnChunkFailure = submission.OnChunkFailure?.ToLowerInvariant() switch
            {
                null or "failfast" or "fail-fast" => FailurePolicy.FailFast,
                "continue" => FailurePolicy.Continue,
                var other => throw RunRefusalException.Invalid($"'onChunkFailure' is '{other}'; use 'failFast' or 'continue'", "onChunkFailure"),
            },
            CellTimeoutSeconds = submission.CellTimeoutSeconds,
            ChunkTimeoutSeconds = submission.ChunkTimeoutSeconds,
            Kernel = submission.Kernel,
            MemoryLimitMB = submission.MemoryLimitMB,
            Secrets = CheckSecretNames(submission.Secrets ?? []),
            Reduce = ShapeReduce(submission.Reduce),
            Notify = Notifications.NotificationRules.Shape(submission.Notify, Notifications.NotificationTargetPolicy.FromEnvironment()),
        };
    }

    private static ReduceRequest? ShapeReduce(ReduceSubmission? reduce)
    {
        if (reduce is null) return null;
        if (reduce.Notebook is null) throw RunRefusalException.Invalid("'reduce.notebook' is required: the name of a published notebook that reduces the merged results", "reduce.notebook");
        if (NotebookStore.NameProblem(reduce.Notebook) is { } problem) throw RunRefusalException.Invalid($"reduce {problem}", "reduce.notebook");
        if (reduce.Version is { } asked && NotebookStore.VersionProblem(asked) is { } versionProblem) throw RunRefusalException.Invalid(versionProblem, "reduce.version");
        var parameters = reduce.Parameters ?? [];
        CheckReduceParameters(parameters, "reduce.parameters");
        return new ReduceRequest { Notebook = reduce.Notebook, Version = reduce.Version ?? string.Empty, Parameters = parameters };
    }

    private static void CheckReduceParameters(JsonObject parameters, string field)
    {
        if (parameters.Select(p => p.Key).FirstOrDefault(ReservedParameters.ReduceNames.Contains) is { } reserved)
            throw RunRefusalException.Invalid($"reduce parameter '{reserved}' is reserved: the reduce gets it from the run ({string.Join(", ", ReservedParameters.ReduceNames)})", $"{field}.{reserved}");
        if (Encoding.UTF8.GetByteCount(parameters.ToJsonString()) > RunLimits.MaxParameterBytes)
            throw RunRefusalException.Invalid($"the reduce's parameters are over {RunLimits.MaxParameterBytes / 1024} KB", field);
    }

    /// <summary>
    /// The reduce the run will use, checked as the map notebook is: the request's, else the one the map notebook names in
    /// its metadata; its version exists, its kernel is installed, and its parameters fit its schema.
    /// </summary>
    private async Task<ReduceRequest?> ReduceAsync(ReduceRequest? asked, Notebook map, string mapLabel, CancellationToken cancellationToken)
    {
        var reduce = asked;
        var origin = "'reduce'";
        if (reduce is null)
        {
            NotebookReduce? own;
            try
            {
                own = NotebookReduce.Of(map, mapLabel);
            }
            catch (NotebookFormatException e)
            {
                throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid notebook", e.Message, "notebook");
            }

            if (own is null) return null;
            origin = $"{NotebookReduce.MetadataPath} of {mapLabel}";
            var ownName = own.IsFile ? NotebookStore.NameFromPath(own.Notebook) : own.Notebook;
            if (NotebookStore.NameProblem(ownName) is { } problem) throw RunRefusalException.Invalid($"{origin} names '{own.Notebook}': {problem}", "notebook");
            if (own.Version is { } pinned && NotebookStore.VersionProblem(pinned) is { } versionProblem) throw RunRefusalException.Invalid($"{origin}: {versionProblem}", "notebook");
            CheckReduceParameters(own.Parameters ?? [], "reduce.parameters");
            reduce = new ReduceRequest { Notebook = ownName, Version = own.Version ?? string.Empty, Parameters = own.Parameters ?? [] };
        }

        var field = asked is null ? "notebook" : "reduce.notebook";
        var version = reduce.Version is { Length: > 0 } chosen ? chosen
            : (await _notebooks.LatestAsync(reduce.Notebook, cancellationToken))?.Version
              ?? throw RunRefusalException.NotFound($"no notebook named '{reduce.Notebook}' has been published (the reduce named by {origin})", field);
        var bytes = await _notebooks.GetAsync(reduce.Notebook, version, cancellationToken)
            ?? throw RunRefusalException.NotFound($"reduce notebook '{reduce.Notebook}' has no version '{version}' (named by {origin})", asked is null ? "notebook" : "reduce.version");
        var label = $"reduce notebook {reduce.Notebook}@{version[..12]}";
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), label);
        try
        {
            CheckKernel(null, notebook);
        }
        catch (RunRefusalException e)
        {
            throw RunRefusalException.Invalid($"{label}: {e.Message}", field);
        }

        try
        {
            ParameterValidator.Validate(label, ParameterSchema.Infer(notebook), reduce.Parameters);
        }
        catch (ParameterException e)
        {
            throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid parameters", e.Message, e.Problems.Count > 0 ? $"reduce.parameters.{e.Problems[0].Parameter}" : "reduce.parameters",
                new Dictionary<string, object?> { ["parameters"] = e.Problems.Select(x => new { parameter = x.Parameter, message = x.Message }).ToList() });
        }

        return reduce with { Version = version };
    }

    /// <summary>The notebook name, checked before anything is read (ids and blob paths are built from it).</summary>
    public static string CheckNotebookName(string? name)
    {
        if (name is null) throw RunRefusalException.Invalid("'notebook' is required: the name of a published notebook", "notebook");
        if (NotebookStore.NameProblem(name) is { } problem) throw RunRefusalException.Invalid(problem, "notebook");
        return name;
    }

    /// <summary>The reserved names are the run's to set (every chunk gets its own); a request setting one is refused, not silently overridden.</summary>
    private static void CheckParameters(JsonObject parameters)
    {
        if (parameters.Select(p => p.Key).FirstOrDefault(ReservedParameters.Names.Contains) is { } reserved)
            throw RunRefusalException.Invalid($"parameter '{reserved}' is reserved: every chunk gets it from the run ({string.Join(", ", ReservedParameters.Names)})", $"parameters.{reserved}");
        if (Encoding.UTF8.GetByteCount(parameters.ToJsonString()) > RunLimits.MaxParameterBytes)
            throw RunRefusalException.Invalid($"'parameters' are over {RunLimits.MaxParameterBytes / 1024} KB; pass data as the run's input, not as parameters", "parameters");
    }

    private static void CheckRange(int? value, int min, int max, string field)
    {
        if (value is { } v && (v < min || v > max)) throw RunRefusalException.Invalid($"'{field}' is {v}; it must be a whole number from {min} to {max}", field);
    }

    private static void CheckTimeout(double? seconds, string field)
    {
        if (seconds is { } s && !(s > 0 && s <= RunLimits.MaxTimeoutSeconds))
            throw RunRefusalException.Invalid($"'{field}' is {s}; it must be more than 0 and at most {RunLimits.MaxTimeoutSeconds} seconds (7 days)", field);
    }

    private static List<string> CheckSecretNames(List<string> names)
    {
        if (names.Count > RunLimits.MaxSecrets) throw RunRefusalException.Invalid($"'secrets' names {names.Count} secrets; at most {RunLimits.MaxSecrets}", "secrets");
        if (names.FirstOrDefault(s => !SecretNames.IsValid(s)) is { } bad) throw RunRefusalException.Invalid($"secret name '{bad}' must be {SecretNames.Rule}", "secrets");
        return names;
    }

    /// <summary>The kernel the run would start (the request's, else the notebook's) must be installed where chunks run; else it would fail twice, late.</summary>
    private static void CheckKernel(string? requested, Notebook notebook)
    {
        var name = requested ?? notebook.KernelName ?? KernelSpecFinder.DefaultKernelName;
        var installed = new KernelSpecFinder().FindAll();
        if (installed.ContainsKey(name)) return;
        throw RunRefusalException.Invalid(
            $"{(requested is null ? "the notebook's kernel" : "kernel")} '{name}' is not installed on this backend (installed: {(installed.Count == 0 ? "none" : string.Join(", ", installed.Keys.Order(StringComparer.Ordinal)))})",
            requested is null ? "notebook" : "kernel");
    }

    /// <summary>Azure's rule for container names: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    private static string? ContainerProblem(string name) =>
        ContainerName().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal) ? null
            : $"'input.container' is '{name}'; a container name is 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();

    /// <summary>Why a container cannot be read as input (a name storage refuses, or one of the backend's own); null when it can.</summary>
    public static string? InputContainerProblem(string name) => ContainerProblem(name) ?? ReservedContainerProblem(name);

    /// <summary>
    /// Containers of the platform and the engine, never a run's input: the Functions host's keys and state
    /// (azure-webjobs-*), the task hub's leases and large messages, schedules and the run index. A notebook that
    /// printed its input would otherwise hand a Runner what only the backend may read.
    /// </summary>
    internal static string? ReservedContainerProblem(string name) =>
        name.StartsWith("azure-webjobs-", StringComparison.Ordinal) || name.EndsWith("-leases", StringComparison.Ordinal)
        || name.EndsWith("-applease", StringComparison.Ordinal) || name.EndsWith("-largemessages", StringComparison.Ordinal)
        || name is StorageLayout.RunIndexContainer or "schedules"
            ? $"'input.container' is '{name}', a container of the backend itself; a run reads data containers (such as {StorageLayout.InputsContainer}, {StorageLayout.UploadsContainer} or your own)"
            : null;

    private static InputSpec ToInputSpec(InputSubmission? input)
    {
        if (input?.LocalPath is { } local)
        {
            if (LocalInputs.Problem(local) is { } localProblem) throw RunRefusalException.Invalid($"--input {localProblem}", "input");
            return ToInputSpec(input with { LocalPath = null, Container = LocalInputs.Container, Prefix = null }) with { LocalPath = local };
        }

        if (input?.Container is not { Length: > 0 } container)
            throw RunRefusalException.Invalid("'input.container' is required: the blob container the run reads", "input.container");
        if ((ContainerProblem(container) ?? ReservedContainerProblem(container)) is { } containerProblem) throw RunRefusalException.Invalid(containerProblem, "input.container");
        if (input.Prefix is { } prefix && (prefix.Length > RunLimits.MaxPrefixLength || prefix.Any(char.IsControl)))
            throw RunRefusalException.Invalid($"'input.prefix' must be at most {RunLimits.MaxPrefixLength} characters, without control characters", "input.prefix");
        if (input.Glob is { } glob && (glob.Length is 0 or > RunLimits.MaxPrefixLength || glob.Any(char.IsControl)))
            throw RunRefusalException.Invalid($"'input.glob' must be 1 to {RunLimits.MaxPrefixLength} characters, without control characters", "input.glob");
        CheckRange(input.MaxChunks, 1, RunLimits.MaxChunks, "input.maxChunks");
        var mode = input.Mode?.ToLowerInvariant() switch
        {
            null or "split" => ChunkMode.Split,
            "perblob" or "per-blob" => ChunkMode.PerBlob,
            "whole" => ChunkMode.Whole,
            var other => throw RunRefusalException.Invalid($"'input.mode' is '{other}'; use 'split', 'perBlob' or 'whole'", "input.mode"),
        };
        long target = RunDefaults.ChunkBytes;
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

        if (target is < 1 or > RunLimits.MaxChunkBytes) throw RunRefusalException.Invalid($"'input.chunkSize' is {input.ChunkSize}; it must be from 1 byte to {RunLimits.MaxChunkBytes >> 30}GB", "input.chunkSize");
        return new InputSpec
        {
            Container = container,
            Prefix = input.Prefix ?? string.Empty,
            Glob = input.Glob,
            Mode = mode,
            TargetChunkBytes = target,
            MaxChunks = input.MaxChunks ?? RunDefaults.MaxChunks,
            ExactBlob = input.ExactBlob,
            AllowEmpty = input.AllowEmpty,
            Folders = input.Folders,
            RunResults = input.RunResults,
        };
    }

    /// <summary>The input must select at least one blob now, as planning will select them (prefix, glob, exact blob).</summary>
    private async Task CheckInputHasBlobsAsync(InputSpec input, CancellationToken cancellationToken)
    {
        if (input.LocalPath is not null)
        {
            // A plan the run would refuse (no such file, a file that cannot be split, more chunks than the cap) is refused
            // now, before the run is stored: planning local files is a few small reads. Its ChunkPlanningException is
            // an "Invalid input" refusal on every door (RunRefusalException.From).
            if (LocalInputs.List(input).Files.Count == 0 && !input.AllowEmpty)
                throw RunRefusalException.Invalid($"no file under '{input.LocalPath}'{(input.Glob is null ? string.Empty : $" matches '{input.Glob}'")}", input.Glob is null ? "input" : "input.glob");
            await LocalInputs.PlanAsync(input, cancellationToken);
            return;
        }

        var selects = ChunkPlanner.Selects(input);
        try
        {
            var container = blobs.GetBlobContainerClient(input.Container);
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = input.Prefix }, cancellationToken))
            {
                if (selects(blob.Name)) return;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new RunRefusalException(RunRefusalKind.Invalid, "Invalid input", $"input container '{input.Container}' does not exist", "input.container");
        }

        throw input.Glob is null && !input.ExactBlob
            ? new RunRefusalException(RunRefusalKind.Invalid, "Invalid input", $"no blob in container '{input.Container}' starts with '{input.Prefix}'", "input.prefix")
            : new RunRefusalException(RunRefusalKind.Invalid, "Invalid input", $"no blob in container '{input.Container}' under '{input.Prefix}' matches '{input.Glob ?? "(the exact name)"}'", input.Glob is null ? "input.prefix" : "input.glob");
    }
}
