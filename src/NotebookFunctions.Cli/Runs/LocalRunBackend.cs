using Azure.Storage.Blobs;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Runs;

/// <summary>The run service on this machine's durable host (Azurite unless NBF_STORAGE names other storage).</summary>
internal sealed class LocalRunBackend : IRunBackend
{
    private readonly LocalSession _session;
    private readonly RunService _service;

    private LocalRunBackend(LocalSession session)
    {
        _session = session;
        _service = new RunService(session.Host.Blobs, session.Host.Client, Core.Secrets.SecretSources.ForLocalHost(), journal: session.Journal, taskHub: session.TaskHub);
    }

    public string Where => "the local host";

    public BlobServiceClient Blobs => _session.Host.Blobs;

    public RunService Service => _service;

    /// <summary>With <paramref name="runWorker"/>, this process also runs chunks (run, repair, resume); without, it only asks and tells.</summary>
    public static async Task<LocalRunBackend> StartAsync(bool runWorker, int parallelism, CancellationToken cancellationToken)
    {
        var backend = new LocalRunBackend(await LocalSession.StartAsync(runWorker, parallelism, cancellationToken));
        if (runWorker) await backend.RecoverAsync(text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
        return backend;
    }

    /// <summary>Starts again the runs this host accepted and storage lost (see <see cref="RunService.RecoverAsync"/>).</summary>
    public async Task RecoverAsync(Action<string> say, CancellationToken cancellationToken)
    {
        foreach (var id in await _service.RecoverAsync(Orchestration.Runs.RunService.JournalSettle, cancellationToken))
            say($"run {id} was accepted but lost by storage (Azurite stopped before saving it); started again from the run journal");
    }

    public Task<StartedRun> StartAsync(RunSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken) => _service.StartAsync(submission, idChoice, cancellationToken);

    public async Task<(string Version, bool Created)> PublishPipelineAsync(string name, System.Text.Json.Nodes.JsonObject definition, Core.Storage.NotebookSource? source, CancellationToken cancellationToken)
    {
        var published = await _service.PublishPipelineAsync(name, definition, source, cancellationToken);
        return (published.Version, published.Created);
    }

    public Task<StartedRun> StartPipelineAsync(Orchestration.Pipelines.PipelineSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken) =>
        _service.StartPipelineAsync(submission, idChoice, cancellationToken);

    public Task<RunView> GetAsync(string runId, CancellationToken cancellationToken) => _service.GetAsync(runId, cancellationToken);

    public Task<RunView> ProgressAsync(string runId, CancellationToken cancellationToken) => _service.ProgressAsync(runId, cancellationToken);

    public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken) => _service.ListAsync(query, cancellationToken);

    public Task<RunView> CancelAsync(string runId, CancellationToken cancellationToken) => _service.CancelAsync(runId, $"{Environment.UserName} with nbf cancel", cancellationToken);

    public Task<StartedRun> RepairAsync(string runId, CancellationToken cancellationToken) => _service.RepairAsync(runId, cancellationToken);

    public Task<List<RunFile>> FilesAsync(string runId, CancellationToken cancellationToken) => _service.FilesAsync(runId, cancellationToken);

    public async Task DownloadAsync(string runId, string path, Stream destination, CancellationToken cancellationToken)
    {
        await using var content = await _service.OpenFileAsync(runId, path, cancellationToken);
        await content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The hosts working on this task hub now (this process among them when it runs a worker); null when that cannot be read.</summary>
    public Task<IReadOnlyList<string>?> LiveHostsAsync(CancellationToken cancellationToken) =>
        TaskHubHosts.LiveAsync(_session.Storage.Connection, _session.TaskHub, TimeProvider.System, cancellationToken);

    /// <summary>The task hub this backend's runs live in.</summary>
    public string TaskHub => _session.TaskHub;

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
