using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary>What <c>nbf run --input</c> was asked to do.</summary>
public sealed record FanOutOptions
{
    /// <summary>A notebook file, or the name of a published notebook.</summary>
    public required string Notebook { get; init; }

    public required string Input { get; init; }

    /// <summary>A published version (sha256) when <see cref="Notebook"/> is a name; the latest otherwise.</summary>
    public string? Version { get; init; }

    /// <summary>With --api: publish the notebook file first, then run the version published.</summary>
    public bool Publish { get; init; }

    public string? ParametersFile { get; init; }

    public IReadOnlyList<string> ParameterPairs { get; init; } = [];

    public string? ChunkSize { get; init; }

    public bool PerBlob { get; init; }

    /// <summary>One chunk of every input file (input_path is a folder).</summary>
    public bool Whole { get; init; }

    public string? Glob { get; init; }

    public int Parallel { get; init; } = 2;

    public string? RunId { get; init; }

    public string? IdempotencyKey { get; init; }

    public int MaxAttempts { get; init; } = 2;

    public bool ContinueOnFailure { get; init; }

    public string? Kernel { get; init; }

    public double? CellTimeoutSeconds { get; init; }

    public double? ChunkTimeoutSeconds { get; init; }

    /// <summary>Each kernel's memory limit in MB (--memory-limit); the notebook's or the host's default when null.</summary>
    public int? MemoryLimitMB { get; init; }

    /// <summary>Names of secrets handed to the kernels as environment variables (resolved where the chunks run).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Return once the run is started instead of following it.</summary>
    public bool Detach { get; init; }

    /// <summary>Upload a local input to storage first (--upload) instead of reading it in place.</summary>
    public bool Upload { get; init; }

    /// <summary>The reduce notebook: a file (published with the notebook) or a published name; the notebook's own when null.</summary>
    public string? Reduce { get; init; }

    public IReadOnlyList<string> ReduceParameterPairs { get; init; } = [];

    /// <summary>--notify values, each URL[,on=...][,format=...][,secret=...].</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];
}

/// <summary>
/// <c>nbf run NOTEBOOK --input ...</c>: a durable fan-out through the run service, on the local host (the file is
/// published and a local input uploaded first) or on a backend's API (a published name, or a file with --publish).
/// The service checks the request whole; this only gathers it, then shows chunk progress until the run ends.
/// </summary>
internal static class FanOutRun
{
    /// <summary>Big local inputs go up in 8 MiB blocks, four at a time.</summary>
    private static readonly Azure.Storage.Blobs.Models.BlobUploadOptions UploadOptions = new()
    {
        TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 4, InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20 },
    };

    public static async Task<int> RunAsync(FanOutOptions options, ApiConnection connection, System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        void Say(string text) => Console.Error.WriteLine($"nbf: {text}");
        var remote = connection.BaseUrl(parse) is not null;
        var isFile = File.Exists(options.Notebook);
        if (!isFile && NotebookStore.NameProblem(options.Notebook) is not null)
            throw RunRefusalException.Invalid($"'{options.Notebook}' is neither a notebook file nor the name of a published notebook", "notebook");
        if (remote && isFile && !options.Publish)
            throw RunRefusalException.Invalid($"with --api, NOTEBOOK is a published notebook's name; add --publish to publish {options.Notebook} first", "notebook");
        if (!isFile && options.Publish) throw RunRefusalException.Invalid($"--publish needs a notebook file; '{options.Notebook}' is not one", "notebook");
        if (isFile && options.Version is not null) throw RunRefusalException.Invalid("--version picks a published version; a notebook file is run as it is", "version");
        // A link is a local input even when it does not resolve: the refusal then says so, not "no such container".
        var localInput = File.Exists(options.Input) || Directory.Exists(options.Input) || new FileInfo(options.Input).LinkTarget is not null;
        if (remote && localInput)
            throw RunRefusalException.Invalid($"with --api, --input is container/prefix in the backend's storage; '{options.Input}' is a local path, which is not uploaded", "input");
        // Unknown secret names fail here, before any upload or kernel, where this machine sees the secret sources.
        if (!remote) await Core.Secrets.SecretResolver.ResolveAsync(Core.Secrets.SecretSources.ForLocalHost(), options.Secrets, cancellationToken);

        // The checks that need no storage, before a host (and its kernels) starts for a request that is refused anyway.
        var untyped = ParameterValues.Collect(options.ParametersFile, options.ParameterPairs, () => ParameterSchema.FromJson([]));
        RunValidator.Shape(Submission(options, isFile ? NotebookStore.NameFromPath(options.Notebook) : options.Notebook, options.Version, untyped) with
        {
            Input = InputShape(options) with { Container = localInput ? StorageLayout.InputsContainer : ContainerAndPrefix(options.Input).Container },
        });

        await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: !options.Detach, options.Parallel, cancellationToken);
        var (name, version, schema) = isFile
            ? await PublishAsync(backend, options.Notebook, Say, cancellationToken)
            : (options.Notebook, options.Version, null);
        // -p values are typed by the schema of the version that will run (read only when there are any to type).
        if (schema is null && options.ParameterPairs.Count > 0) schema = await PublishedSchemaAsync(backend, name, version, cancellationToken);
        var parameters = ParameterValues.Collect(options.ParametersFile, options.ParameterPairs, () => schema!);

        var idChoice = options.RunId is not null ? RunIdChoice.Exactly(options.RunId)
            : options.IdempotencyKey is not null ? RunIdChoice.FromKey(options.IdempotencyKey)
            : remote ? RunIdChoice.Fresh
            // A local input is uploaded under the run's id, so the id is chosen before the upload.
            : RunIdChoice.Exactly(RunIds.New(name, DateTimeOffset.UtcNow));
        var submission = Submission(options, name, version, parameters) with { Reduce = await ReduceAsync(backend, options, isFile, Say, cancellationToken) };
        var shape = InputShape(options);
        if (localInput && backend is LocalRunBackend && !options.Upload)
        {
            // Read in place: the activities run on this machine, so they read the file where it is; planning records
            // each file's identity, and a resumed or repaired run whose file changed is refused naming it.
            submission = submission with { Input = shape with { LocalPath = Path.GetFullPath(options.Input) } };
        }
        else if (localInput && backend is LocalRunBackend local)
        {
            // What cannot be read in place cannot be uploaded either (a FIFO or device streams forever, a loop of links nowhere).
            if (Core.Chunks.LocalInputs.Problem(Path.GetFullPath(options.Input)) is { } localProblem) throw RunRefusalException.Invalid($"--input {localProblem}", "input");
            var runId = idChoice.ExactId ?? RunIds.ForIdempotencyKey(name, idChoice.IdempotencyKey!);
            if (RunIds.Problem(runId) is { } idProblem) throw RunRefusalException.Invalid(idProblem, "runId");
            submission = submission with { Input = shape with { Container = StorageLayout.InputsContainer, Prefix = $"{runId}/" } };
            idChoice = RunIdChoice.Exactly(runId);
            if (!await ExistsAsync(backend, runId, cancellationToken))
            {
                // Everything that can be checked without the data is, before the upload: a refused run uploads nothing.
                // That is the whole validation but the input's blobs (the published version, its memory limit against
                // this host, parameters, the reduce, notification targets and secrets), not the shape alone.
                await new RunValidator(local.Blobs, Core.Secrets.SecretSources.ForLocalHost()).ValidateAsync(submission, cancellationToken, checkInputBlobs: false);
                await UploadAsync(local.Blobs, options.Input, runId, Say, cancellationToken);
            }
        }
        else
        {
            var (container, prefix) = ContainerAndPrefix(options.Input);
            submission = submission with { Input = shape with { Container = container, Prefix = prefix } };
        }

        StartedRun started;
        try
        {
            started = await backend.StartAsync(submission, idChoice, cancellationToken);
        }
        catch (RunRefusalException e) when (!remote && !localInput && e.Field?.StartsWith("input", StringComparison.Ordinal) == true)
        {
            // --input is a local path or a container/prefix: one that is neither may be a mistyped path.
            throw new RunRefusalException(e.Kind, e.Title, $"{e.Message}; and no local file or folder '{options.Input}' exists here", e.Field, e.Extensions);
        }

        Say(started.Started ? $"run {started.Id} started on {backend.Where}" : $"run {started.Id} already exists; following it");
        // The id alone on stdout, for scripts: id=$(nbf run ... --detach).
        Console.Out.WriteLine(started.Id);
        if (options.Detach) return ExitCodes.Success;

        try
        {
            return await RunFollower.FollowAsync(backend, started.Id, Say, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Say($"stopped following; run {started.Id} stays in flight: `nbf status {started.Id}` shows it{(remote ? string.Empty : ", `nbf resume` continues it here")}");
            return ExitCodes.Cancelled;
        }
    }

    private static RunSubmission Submission(FanOutOptions options, string name, string? version, JsonObject parameters) => new()
    {
        Notebook = name,
        Version = version,
        Parameters = parameters,
        MaxParallelChunks = options.Parallel,
        MaxAttempts = options.MaxAttempts,
        OnChunkFailure = options.ContinueOnFailure ? "continue" : "failFast",
        Kernel = options.Kernel,
        CellTimeoutSeconds = options.CellTimeoutSeconds,
        ChunkTimeoutSeconds = options.ChunkTimeoutSeconds,
        MemoryLimitMB = options.MemoryLimitMB,
        Secrets = [.. options.Secrets],
        Notify = NotifyOption.Parse(options.Notify),
    };

    /// <summary>
    /// The reduce to ask for: --reduce, else the file the notebook names in its metadata (published here, beside the
    /// notebook, as the notebook is). A published name the notebook names is left to the service, which reads it itself.
    /// </summary>
    private static async Task<ReduceSubmission?> ReduceAsync(IRunBackend backend, FanOutOptions options, bool mapIsFile, Action<string> say, CancellationToken cancellationToken)
    {
        var reference = options.Reduce;
        NotebookReduce? own = null;
        if (reference is null && mapIsFile)
        {
            own = NotebookReduce.Of(NotebookReader.Read(options.Notebook), options.Notebook);
            if (own is { IsFile: true }) reference = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Notebook))!, own.Notebook);
            else if (own is not null && options.ReduceParameterPairs.Count > 0) reference = own.Notebook;
        }

        if (reference is null)
        {
            if (options.ReduceParameterPairs.Count > 0)
                throw RunRefusalException.Invalid($"-r gives reduce parameters, but {(mapIsFile ? "the notebook names no reduce" : "no --reduce is given")}; add --reduce NOTEBOOK", "reduce.parameters");
            return null;
        }

        var field = own is null ? "reduce" : "notebook";
        var isFile = File.Exists(reference);
        if (own is { IsFile: true } && !isFile)
            throw RunRefusalException.Invalid($"{options.Notebook}: {NotebookReduce.MetadataPath} names '{own.Notebook}', which is not a file beside it", "notebook");
        if (!isFile && NotebookStore.NameProblem(reference) is not null)
            throw RunRefusalException.Invalid($"--reduce '{reference}' is neither a notebook file nor the name of a published notebook", field);
        string name;
        string? version = own?.Version;
        ParameterSchema? schema = null;
        if (isFile)
        {
            if (backend is RemoteRunBackend && !options.Publish)
                throw RunRefusalException.Invalid($"with --api, --reduce is a published notebook's name; add --publish to publish {reference} first", field);
            if (ScanCommand.Refuse(reference, "nbf run")) throw RunRefusalException.Invalid($"reduce notebook {reference} holds a hardcoded credential and is not published", field);
            (name, version, schema) = await PublishAsync(backend, reference, say, cancellationToken);
        }
        else
        {
            name = reference;
            if (options.ReduceParameterPairs.Count > 0) schema = await PublishedSchemaAsync(backend, name, version, cancellationToken);
        }

        var parameters = own?.Parameters ?? [];
        foreach (var (key, value) in ParameterValues.Collect(null, options.ReduceParameterPairs, () => schema!))
            parameters[key] = value?.DeepClone();
        return new ReduceSubmission { Notebook = name, Version = version, Parameters = parameters };
    }

    private static InputSubmission InputShape(FanOutOptions options) =>
        options.PerBlob && options.Whole
            ? throw RunRefusalException.Invalid("--per-blob and --whole ask for different chunking; give one", "input.mode")
            : new() { Glob = options.Glob, Mode = options.Whole ? "whole" : options.PerBlob ? "perBlob" : "split", ChunkSize = options.ChunkSize };

    private static (string Container, string Prefix) ContainerAndPrefix(string input)
    {
        var slash = input.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) throw RunRefusalException.Invalid($"--input '{input}' is neither a local file or folder nor container/prefix", "input");
        return (input[..slash], input[(slash + 1)..]);
    }

    /// <summary>Publishes the file (content-addressed: the same bytes are the same version) where the run will go.</summary>
    internal static async Task<(string Name, string? Version, ParameterSchema? Schema)> PublishAsync(IRunBackend backend, string path, Action<string> say, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var notebook = NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), path);
        // NAME.requirements.txt goes with the notebook, as nbf publish and nbf env take it: the run checks it before any chunk.
        if (RequirementsFile.FoldSidecar(notebook, path))
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(notebook.ToText());
            say($"{path}: requirements from {Path.GetFileName(RequirementsFile.SidecarOf(path))} published with it");
        }

        var name = NotebookStore.NameFromPath(path);
        string version;
        bool created;
        if (backend is RemoteRunBackend remote)
        {
            var reply = await remote.Api.PublishAsync(name, bytes, await NotebookPublisher.SourceHeadersAsync(path, cancellationToken), cancellationToken);
            (version, created) = (reply.Version, reply.Created);
        }
        else
        {
            var store = new NotebookStore(((LocalRunBackend)backend).Blobs);
            await store.EnsureCreatedAsync(cancellationToken);
            var published = await store.PublishAsync(name, bytes, (await GitProvenance.FindAsync(path, cancellationToken))?.Source, cancellationToken, NotebookDescription.Of(notebook));
            (version, created) = (published.Version, published.Created);
        }

        say($"notebook {name} version {version[..12]}{(created ? " published" : " (already published)")}");
        return (name, version, ParameterSchema.Infer(notebook));
    }

    /// <summary>The parameter schema of a published version (the latest when none is named), to type -p values by.</summary>
    private static async Task<ParameterSchema> PublishedSchemaAsync(IRunBackend backend, string name, string? version, CancellationToken cancellationToken)
    {
        if (backend is RemoteRunBackend remote)
        {
            try
            {
                var published = await remote.Api.GetNotebookAsync(name, version, cancellationToken);
                return ParameterSchema.FromJson(published["schema"] as JsonObject ?? []);
            }
            catch (RunRefusalException e) when (e.Kind == RunRefusalKind.NotFound)
            {
                // The same refusal the run request gets: it names the request's field.
                throw RunRefusalException.NotFound(e.Message, version is null ? "notebook" : "version");
            }
        }

        var blobs = ((LocalRunBackend)backend).Blobs;
        var chosen = version ?? (await new NotebookStore(blobs).LatestAsync(name, cancellationToken))?.Version
            ?? throw RunRefusalException.NotFound($"no notebook named '{name}' has been published", "notebook");
        if (await new NotebookStore(blobs).GetAsync(name, chosen, cancellationToken) is not { } bytes)
            throw RunRefusalException.NotFound($"notebook '{name}' has no version '{chosen}'", "version");
        return ParameterSchema.Infer(NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), $"{name}@{chosen}"));
    }

    private static async Task<bool> ExistsAsync(IRunBackend backend, string runId, CancellationToken cancellationToken)
    {
        try
        {
            await backend.GetAsync(runId, cancellationToken);
            return true;
        }
        catch (RunRefusalException e) when (e.Kind == RunRefusalKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>A local file or folder goes up under inputs/{runId}/, so a resumed or repaired run reads the same bytes.</summary>
    private static async Task UploadAsync(BlobServiceClient blobs, string localPath, string runId, Action<string> say, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.InputsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        // What an earlier attempt under this id left (refused after its upload, or killed during it) is not this run's input.
        await foreach (var stale in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{runId}/" }, cancellationToken))
            await container.GetBlobClient(stale.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        var files = File.Exists(localPath)
            ? [(Path.GetFullPath(localPath), Path.GetFileName(localPath))]
            : Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFullPath(f), Path.GetRelativePath(localPath, f).Replace('\\', '/'))).ToList();
        if (files.FirstOrDefault(f => Core.Chunks.LocalFileStatus.Kind(f.Item1) != Core.Chunks.LocalFileKind.Regular) is { Item1: not null } special)
            throw RunRefusalException.Invalid($"--input '{special.Item2}' under '{localPath}' is not a regular file (a FIFO, device or socket, or a link that does not resolve): it cannot be uploaded", "input");
        long total = 0;
        foreach (var (path, relative) in files)
        {
            await container.GetBlobClient($"{runId}/{relative}").UploadAsync(path, UploadOptions, cancellationToken);
            total += new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.Length : new FileInfo(path).Length;
        }

        say($"uploaded {files.Count} file(s), {total / 1024.0 / 1024.0:0.0} MiB, to {StorageLayout.InputsContainer}/{runId}/");
    }
}
